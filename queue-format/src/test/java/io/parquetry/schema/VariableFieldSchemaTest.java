package io.parquetry.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.queue.ExcerptFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Schemas with {@code string(N)} and {@code binary(N)} fields: types, layout, fingerprint, YAML, and what is refused. */
class VariableFieldSchemaTest {

    private static final String HEAD = "name: t\nversion: 1\nfields:\n";

    private static Schema parse(String fields) {
        return Schema.parse(HEAD + fields, "inline");
    }

    private static void rejects(String fields, String... fragments) {
        assertThatThrownBy(() -> Schema.parse(HEAD + fields, "bad.yaml")).isInstanceOf(SchemaException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith("bad.yaml").contains(fragments).doesNotContain("\n"));
    }

    @Test
    void stringAndBinaryParseToTheirCanonicalSpelling() {
        FieldType s = FieldType.parse("STRING( 64 )");
        assertThat(s).isEqualTo(FieldType.string(64));
        assertThat(s.toString()).isEqualTo("string(64)");
        assertThat(s.kind()).isEqualTo(FieldType.Kind.STRING);
        assertThat(s.variable()).isTrue();
        assertThat(s.length()).as("its place in the fixed part is the end slot").isEqualTo(FieldType.END_SLOT_LENGTH).isEqualTo(4);
        assertThat(s.maxLength()).isEqualTo(64);

        FieldType b = FieldType.parse("binary(1048576)");
        assertThat(b.toString()).isEqualTo("binary(1048576)");
        assertThat(b.kind()).isEqualTo(FieldType.Kind.BINARY);
        assertThat(b.maxLength()).isEqualTo(FieldType.MAX_VARIABLE_LENGTH);
        assertThat(FieldType.parse("string(1)").maxLength()).isEqualTo(1);

        assertThat(FieldType.chars(8).variable()).isFalse();
        assertThat(FieldType.bytes(8).variable()).isFalse();
        assertThat(FieldType.parse("int64").variable()).isFalse();
    }

    @Test
    void boundsOutsideOneToOneMebibyteAreRefused() {
        assertThatThrownBy(() -> FieldType.string(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("string(N) needs 1 <= N <= 1048576 (the largest value, in bytes): N=0");
        assertThatThrownBy(() -> FieldType.binary(-5)).isInstanceOf(IllegalArgumentException.class).hasMessageEndingWith(": N=-5");
        assertThatThrownBy(() -> FieldType.binary(FieldType.MAX_VARIABLE_LENGTH + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("binary(N) needs 1 <= N <= 1048576 (the largest value, in bytes): N=1048577");
        assertThatThrownBy(() -> FieldType.parse("string(x)")).hasMessageContaining("type=string(x)");
    }

    @Test
    void variableFieldsTakeAnEndSlotInTheFixedPartAndBoundTheRecord() {
        Schema s = parse("  - {name: id, type: int64}\n  - {name: note, type: string(100), nullable: true}\n  - {name: px, type: int32}\n"
                + "  - {name: blob, type: binary(50)}\n  - {name: tag, type: char(3), nullable: true}\n");
        assertThat(s.variable()).isTrue();
        assertThat(s.variableCount()).isEqualTo(2);
        assertThat(s.bitmapLength()).isEqualTo(1);
        assertThat(s.fixedLength()).isEqualTo(1 + 8 + 4 + 4 + 4 + 3);
        assertThat(s.maxRecordLength()).isEqualTo(s.fixedLength() + 100 + 50);
        assertThat(s.layoutVersion()).isEqualTo(Schema.VARIABLE_LAYOUT_VERSION).isEqualTo(2);
        assertThat(s.field("note").offset()).isEqualTo(9);
        assertThat(s.field("blob").offset()).isEqualTo(17);
        assertThat(s.field("note").length()).isEqualTo(4);
        assertThat(s.field("note").maxLength()).isEqualTo(100);
        assertThat(s.field("note").variableStart()).isEqualTo(s.fixedLength());
        assertThat(s.field("note").previousEndSlot()).as("the first variable field").isEqualTo(-1);
        assertThat(s.field("blob").previousEndSlot()).as("the end slot of note").isEqualTo(9);
        assertThat(s.field("px").variable()).isFalse();
        assertThat(s.variableFields()).extracting(Field::name).containsExactly("note", "blob");
        assertThatThrownBy(s::recordLength).isInstanceOf(IllegalStateException.class)
                .hasMessage("records of schema " + s.identity() + " vary in length (it has 2 string/binary fields): fixedLength=24, "
                        + "maxRecordLength=174");
    }

    @Test
    void variableFieldsArrayIsACopy() {
        Schema s = parse("  - {name: a, type: string(4)}\n");
        s.variableFields()[0] = null;
        assertThat(s.variableFields()[0]).isNotNull();
    }

    @Test
    void fixedOnlySchemaKeepsItsLayoutVersionLengthAndFingerprint() {
        Schema md = Schema.load(SchemaTest.confSchema("market-data.yaml"));
        assertThat(md.fingerprintHex()).as("the fingerprint before string/binary existed").isEqualTo("ed1b5f53544b331c");
        assertThat(md.canonicalForm()).startsWith("schema market_data v1 layout 1\n");
        assertThat(md.layoutVersion()).isEqualTo(Schema.LAYOUT_VERSION).isEqualTo(1);
        assertThat(md.variable()).isFalse();
        assertThat(md.variableCount()).isZero();
        assertThat(md.variableFields()).isEmpty();
        assertThat(md.recordLength()).isEqualTo(52);
        assertThat(md.fixedLength()).isEqualTo(52);
        assertThat(md.maxRecordLength()).isEqualTo(52);
    }

    @Test
    void canonicalFormHoldsTheBoundAndLayoutButNotTheOverflowPolicy() {
        Schema refuse = parse("  - {name: a, type: int32}\n  - {name: s, type: string(10), nullable: true}\n");
        assertThat(refuse.canonicalForm()).isEqualTo("schema t v1 layout 2\na int32\ns string(10) nullable\n");
        Schema truncate = parse("  - {name: a, type: int32}\n  - {name: s, type: string(10), nullable: true, overflow: truncate}\n");
        assertThat(truncate.fingerprint()).as("overflow is writer behaviour, not layout").isEqualTo(refuse.fingerprint());
        assertThat(truncate.field("s").overflow()).isEqualTo(Overflow.TRUNCATE);
        assertThat(refuse.field("s").overflow()).as("the default").isEqualTo(Overflow.REFUSE);
        Schema longer = parse("  - {name: a, type: int32}\n  - {name: s, type: string(11), nullable: true}\n");
        Schema binary = parse("  - {name: a, type: int32}\n  - {name: s, type: binary(10), nullable: true}\n");
        Schema chars = parse("  - {name: a, type: int32}\n  - {name: s, type: char(10), nullable: true}\n");
        assertThat(List.of(longer.fingerprint(), binary.fingerprint(), chars.fingerprint())).doesNotContain(refuse.fingerprint())
                .doesNotHaveDuplicates();
        assertThat(chars.canonicalForm()).startsWith("schema t v1 layout 1\n");
    }

    @Test
    void toYamlRoundTripKeepsBoundsNullabilityAndOverflow() {
        Schema s = Schema.parse("name: t\nversion: 3\ndescription: d\nfields:\n  - {name: a, type: int32}\n"
                + "  - {name: s, type: string(10), nullable: true, overflow: truncate, description: text}\n"
                + "  - {name: b, type: binary(7), overflow: refuse}\n  - {name: c, type: binary(9), overflow: truncate}\n", "inline");
        String yaml = s.toYaml();
        assertThat(yaml).contains("    type: \"string(10)\"\n    nullable: true\n    overflow: truncate\n")
                .as("refuse is the default and not written").doesNotContain("overflow: refuse");
        Schema again = Schema.parse(yaml, "again");
        assertThat(again.canonicalForm()).isEqualTo(s.canonicalForm());
        assertThat(again.fingerprint()).isEqualTo(s.fingerprint());
        assertThat(again.fields()).extracting(Field::overflow).containsExactly(Overflow.REFUSE, Overflow.TRUNCATE, Overflow.REFUSE,
                Overflow.TRUNCATE);
        assertThat(again.field("s").description()).isEqualTo("text");
        assertThat(again.toYaml()).isEqualTo(yaml);
    }

    @Test
    void overflowPolicySpellings() {
        assertThat(Overflow.parse("refuse")).isEqualTo(Overflow.REFUSE);
        assertThat(Overflow.parse("truncate")).isEqualTo(Overflow.TRUNCATE);
        assertThat(Overflow.TRUNCATE.spelling()).isEqualTo("truncate");
        assertThatThrownBy(() -> Overflow.parse("TRUNCATE")).hasMessage("overflow must be refuse or truncate: overflow=TRUNCATE");
        assertThat(new FieldSpec("a", FieldType.string(3), false, null, null).overflow()).isEqualTo(Overflow.REFUSE);
    }

    @Test
    void rejectsZeroNegativeAndTooLargeBoundsNamingFileLineFieldAndValue() {
        rejects("  - {name: a, type: int32}\n  - {name: note, type: string(0)}\n", "bad.yaml:5: ", "field 'note'", "string(N)", "N=0");
        rejects("  - {name: note, type: string(-1)}\n", "bad.yaml:4: ", "field 'note'", "N=-1");
        rejects("  - {name: note, type: string(1048577)}\n", "bad.yaml:4: ", "field 'note'", "1 <= N <= 1048576", "N=1048577");
        rejects("  - {name: blob, type: binary(1048577)}\n", "bad.yaml:4: ", "field 'blob'", "binary(N)", "N=1048577");
        rejects("  - {name: blob, type: binary(0)}\n", "bad.yaml:4: ", "field 'blob'", "N=0");
        rejects("  - {name: blob, type: binary(lots)}\n", "bad.yaml:4: ", "field 'blob'", "type=binary(lots)");
    }

    @Test
    void rejectsUnknownOverflowPolicyNamingFileLineFieldAndValue() {
        rejects("  - {name: a, type: int32}\n  - name: note\n    type: string(8)\n    overflow: truncated\n", "bad.yaml:7: ",
                "field 'note'", "overflow must be refuse or truncate", "overflow=truncated");
    }

    @Test
    void rejectsOverflowOnAFieldThatIsNotVariable() {
        rejects("  - {name: sym, type: char(8), overflow: truncate}\n", "bad.yaml:4: ", "field 'sym'",
                "overflow applies to string(N) and binary(N) fields only, not to char(8)", "overflow=truncate");
        rejects("  - {name: raw, type: bytes(8), overflow: refuse}\n", "bad.yaml:4: ", "field 'raw'", "not to bytes(8)", "overflow=refuse");
    }

    @Test
    void rejectsASchemaWhoseLargestRecordExceedsSixteenMebibytesNamingTheFieldThatCrossesIt() {
        StringBuilder fields = new StringBuilder("  - {name: id, type: int64}\n");
        for (int i = 0; i < 16; i++) {
            fields.append("  - {name: b").append(i).append(", type: binary(1048576)}\n");
        }
        fields.append("  - {name: trailer, type: int32}\n");
        // 8 + 16 * (4 + 1 MiB) + 4 = 16 MiB + 76: b15's bound crosses the limit; the int32 after it has nothing to lower.
        rejects(fields.toString(), "bad.yaml:20: ", "largest record of schema 't'", "more than 16777208 (16 MiB with its version and checksum)", "field=b15",
                "maxRecordLength=16777292");
    }

    @Test
    void aSchemaWhoseExcerptIsExactlySixteenMebibytesIsAccepted() {
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            fields.append("  - {name: b").append(i).append(", type: binary(").append(FieldType.MAX_VARIABLE_LENGTH - (i == 0 ? 12 : 4))
                    .append(")}\n");
        }
        Schema s = parse(fields.toString());
        assertThat(s.fixedLength()).isEqualTo(64);
        assertThat(s.maxRecordLength()).isEqualTo(Schema.MAX_RECORD_LENGTH);
        assertThat(Schema.MAX_RECORD_LENGTH + ExcerptFormat.SCHEMA_VERSION_LENGTH + ExcerptFormat.CHECKSUM_LENGTH)
                .as("a quarter of Chronicle's default block").isEqualTo(16 << 20);
        rejects(fields.toString().replaceFirst("binary\\(1048564\\)", "binary(1048565)"), "bad.yaml:19: ", "field=b15",
                "maxRecordLength=16777209");
    }
}
