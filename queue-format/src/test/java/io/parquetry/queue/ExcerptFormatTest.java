package io.parquetry.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.schema.Schema;
import org.junit.jupiter.api.Test;

class ExcerptFormatTest {

    private static final Schema FIXED = Schema.parse("name: f\nversion: 1\nfields:\n  - {name: a, type: int64}\n", "fixed");
    /** Fixed part 4 + 8 = 12 bytes, up to 12 + 20 + 3 = 35. */
    private static final Schema VARIABLE = Schema.parse("name: v\nversion: 1\nfields:\n  - {name: s, type: string(20)}\n"
            + "  - {name: a, type: int64}\n  - {name: b, type: binary(3), nullable: true}\n", "variable");

    @Test
    void aNewQueueGetsLayoutFourWhateverItsSchemaAndOneOnlyWithoutChecksums() {
        assertThat(ExcerptFormat.versionFor(VARIABLE, true)).isEqualTo(ExcerptFormat.VERSIONED).isEqualTo(4);
        assertThatThrownBy(() -> ExcerptFormat.versionFor(VARIABLE, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("records with string/binary fields always carry their checksum: recordChecksums=false, schema=" + VARIABLE.identity());
        assertThat(ExcerptFormat.versionFor(FIXED, true)).isEqualTo(ExcerptFormat.VERSIONED);
        assertThat(ExcerptFormat.versionFor(FIXED, false)).isEqualTo(ExcerptFormat.RECORD_ONLY);
    }

    @Test
    void layoutFourPutsTheSchemaVersionAfterTheRecordUnderItsChecksum() {
        Schema v7 = Schema.parse("name: f\nversion: 7\nfields:\n  - {name: a, type: int64}\n", "fixed");
        ExcerptFormat f = ExcerptFormat.of(4, v7);
        assertThat(f.versioned()).isTrue();
        assertThat(f.schemaVersion()).isEqualTo(7);
        assertThat(f.overhead()).isEqualTo(8);
        assertThat(f.excerptLength()).isEqualTo(16);
        assertThat(f.stride()).isEqualTo(20);
        assertThat(f.recordLengthIn(16)).isEqualTo(8);
        assertThat(f.checkedLengthIn(16)).isEqualTo(12);
        assertThat(ExcerptFormat.schemaVersionAt(16)).isEqualTo(8);
        assertThat(f).hasToString("layout version 4 (16-byte excerpts for 8-byte records of schema version 7, CRC32C)");
        ExcerptFormat v = ExcerptFormat.of(4, VARIABLE);
        assertThat(v.variable()).isTrue();
        assertThat(v.minExcerptLength()).isEqualTo(17 + 8);
        assertThat(v.maxExcerptLength()).isEqualTo(40 + 8);
        assertThat(v.recordLengthIn(30)).isEqualTo(22);
    }

    @Test
    void layoutThreeExcerptsRangeFromTheFixedPartToTheLargestRecordPlusChecksum() {
        ExcerptFormat f = ExcerptFormat.of(3, VARIABLE);
        assertThat(f.variable()).isTrue();
        assertThat(f.checksummed()).isTrue();
        assertThat(VARIABLE.fixedLength()).isEqualTo(1 + 4 + 8 + 4);
        assertThat(f.minRecordLength()).isEqualTo(17);
        assertThat(f.maxRecordLength()).isEqualTo(17 + 23);
        assertThat(f.minExcerptLength()).isEqualTo(21);
        assertThat(f.maxExcerptLength()).isEqualTo(44);
        assertThat(f.fits(20)).isFalse();
        assertThat(f.fits(21)).isTrue();
        assertThat(f.fits(44)).isTrue();
        assertThat(f.fits(45)).isFalse();
        assertThat(f.recordLengthIn(30)).isEqualTo(26);
        assertThat(f).hasToString("layout version 3 (21 to 44-byte excerpts for records of 17 to 40 bytes, CRC32C)");
        assertThatThrownBy(f::recordLength).isInstanceOf(IllegalStateException.class)
                .hasMessage("records of layout version 3 (21 to 44-byte excerpts for records of 17 to 40 bytes, CRC32C) vary in length: no single "
                        + "recordLength");
        assertThatThrownBy(f::excerptLength).hasMessageEndingWith("no single excerptLength");
        assertThatThrownBy(f::stride).hasMessageEndingWith("no single stride");
    }

    @Test
    void fixedLayoutsAreUnchanged() {
        ExcerptFormat two = ExcerptFormat.of(2, FIXED);
        assertThat(two.variable()).isFalse();
        assertThat(two.recordLength()).isEqualTo(8);
        assertThat(two.excerptLength()).isEqualTo(12);
        assertThat(two.minExcerptLength()).isEqualTo(12);
        assertThat(two.maxExcerptLength()).isEqualTo(12);
        assertThat(two.fits(12)).isTrue();
        assertThat(two.fits(11)).isFalse();
        assertThat(ExcerptFormat.of(1, FIXED).excerptLength()).isEqualTo(8);
        assertThat(ExcerptFormat.of(2, 8).stride()).isEqualTo(two.stride());
    }

    @Test
    void refusesALayoutThatDoesNotFitTheSchema() {
        assertThatThrownBy(() -> ExcerptFormat.of(2, VARIABLE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queue layout version 2 does not fit schema " + VARIABLE.identity()
                        + ": its string/binary fields need version 3: layoutVersion=2");
        assertThatThrownBy(() -> ExcerptFormat.of(3, FIXED)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queue layout version 3 does not fit schema " + FIXED.identity()
                        + ": version 3 holds records with string/binary fields: layoutVersion=3");
        assertThatThrownBy(() -> ExcerptFormat.of(5, VARIABLE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown queue layout version: layoutVersion=5, supported=1..4 (a newer Parquetry wrote this queue)");
        assertThatThrownBy(() -> ExcerptFormat.of(0, FIXED)).hasMessageContaining("layoutVersion=0");
        assertThatThrownBy(() -> ExcerptFormat.of(3, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown queue layout version for records of one length: layoutVersion=3, supported=1..2");
    }
}
