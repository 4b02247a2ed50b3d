package io.parquetry.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Records of one version rewritten as records of a later one (docs/FORMAT.md §2.1), checked byte by byte through
 * {@link RecordLayout}: every kind of compatible change, nulls, defaults, and the variable part.
 */
class RecordProjectionTest {

    static final Schema V1 = SchemaEvolutionTest.v(1, """
              - {name: seq, type: int64}
              - {name: i8, type: int8}
              - {name: i16, type: int16}
              - {name: i32, type: int32}
              - {name: f32, type: float32}
              - {name: name, type: char(8)}
              - {name: note, type: string(8), nullable: true}
              - {name: px, type: int32, nullable: true}
              - {name: gone, type: int16}
              - {name: dec, type: "decimal(10,2)"}
              - {name: flag, type: bool}
            """);
    /** Every kind of compatible change from {@link #V1}, fields reordered too. */
    static final Schema V2 = SchemaEvolutionTest.withIds(List.of(V1), SchemaEvolutionTest.v(2, """
              - {name: tag, type: string(8), default: none}
              - {name: seq, type: int64}
              - {name: i8, type: int64}
              - {name: i16, type: int32}
              - {name: i32, type: int64}
              - {name: f32, type: float64}
              - {name: sym, type: char(12), was: name}
              - {name: note, type: string(16), nullable: true}
              - {name: px, type: int32, nullable: true}
              - {name: qty, type: int32, default: 7}
              - {name: venue, type: string(4), nullable: true}
              - {name: dec, type: "decimal(12,2)", nullable: true}
              - {name: flag, type: bool, nullable: true}
              - {name: at, type: timestamp(ms), nullable: true, default: "1970-01-01T00:00:01Z"}
            """));

    /** A record of {@link #V1}; {@code note} and {@code px} null when {@code nulls}. */
    static byte[] v1Record(boolean nulls) {
        byte[] b = new byte[V1.maxRecordLength()];
        RecordLayout.putLong(b, V1.field("seq").offset(), 42);
        b[V1.field("i8").offset()] = -3;
        RecordLayout.putShort(b, V1.field("i16").offset(), (short) -300);
        RecordLayout.putInt(b, V1.field("i32").offset(), -70_000);
        RecordLayout.putFloat(b, V1.field("f32").offset(), 0.1f);
        byte[] name = "abc".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, b, V1.field("name").offset(), name.length);
        RecordLayout.putShort(b, V1.field("gone").offset(), (short) 9);
        RecordLayout.putLong(b, V1.field("dec").offset(), -12_345);
        b[V1.field("flag").offset()] = 1;
        int end = V1.fixedLength();
        if (nulls) {
            RecordLayout.markNull(b, 0, V1.field("note").nullBit());
            RecordLayout.markNull(b, 0, V1.field("px").nullBit());
        } else {
            byte[] note = "héllo".getBytes(StandardCharsets.UTF_8);
            System.arraycopy(note, 0, b, end, note.length);
            end += note.length;
            RecordLayout.putInt(b, V1.field("px").offset(), 1234);
        }
        RecordLayout.putInt(b, V1.field("note").offset(), end);
        assertThat(RecordLayout.checkVariable(b, 0, end, V1.variableFields())).isNull();
        return Arrays.copyOf(b, end);
    }

    private static String value(Schema s, byte[] b, int base, String field) {
        Field f = s.field(field);
        int start = RecordLayout.valueStart(b, base, f);
        return new String(b, base + start, RecordLayout.valueEnd(b, base, f) - start, StandardCharsets.UTF_8);
    }

    private static String chars(Schema s, byte[] b, int base, String field) {
        Field f = s.field(field);
        return new String(b, base + f.offset(), RecordLayout.charLength(b, base + f.offset(), f.length()), StandardCharsets.UTF_8);
    }

    @Test
    void theIdsFollowTheNames() {
        assertThat(V2.fieldIds()).containsExactly(14, 1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 10, 11, 17);
    }

    @Test
    void aRecordOfV1ReadsAsV2() {
        byte[] src = v1Record(false);
        int base = 5;
        byte[] dst = new byte[base + V2.maxRecordLength()];
        Arrays.fill(dst, (byte) 0x5a); // whatever was there before is overwritten
        int n = new RecordProjection(V1, V2).project(src, 0, dst, base);
        assertThat(n).isEqualTo(V2.fixedLength() + "none".length() + "héllo".getBytes(StandardCharsets.UTF_8).length);
        assertThat(RecordLayout.checkVariable(dst, base, n, V2.variableFields())).isNull();
        assertThat(value(V2, dst, base, "tag")).as("a string default").isEqualTo("none");
        assertThat(RecordLayout.getLong(dst, base + V2.field("seq").offset())).isEqualTo(42);
        assertThat(RecordLayout.getLong(dst, base + V2.field("i8").offset())).as("int8 sign-extended to int64").isEqualTo(-3);
        assertThat(RecordLayout.getInt(dst, base + V2.field("i16").offset())).as("int16 sign-extended to int32").isEqualTo(-300);
        assertThat(RecordLayout.getLong(dst, base + V2.field("i32").offset())).as("int32 sign-extended to int64").isEqualTo(-70_000);
        assertThat(Double.longBitsToDouble(RecordLayout.getLong(dst, base + V2.field("f32").offset()))).isEqualTo((double) 0.1f);
        assertThat(chars(V2, dst, base, "sym")).as("char(8) renamed and grown to char(12)").isEqualTo("abc");
        assertThat(Arrays.copyOfRange(dst, base + V2.field("sym").offset() + 3, base + V2.field("sym").offset() + 12)).containsOnly(0);
        assertThat(value(V2, dst, base, "note")).isEqualTo("héllo");
        assertThat(RecordLayout.getInt(dst, base + V2.field("px").offset())).isEqualTo(1234);
        assertThat(RecordLayout.getInt(dst, base + V2.field("qty").offset())).as("a fixed default").isEqualTo(7);
        assertThat(RecordLayout.isNull(dst, base, V2.field("venue").nullBit())).as("added nullable without a default").isTrue();
        assertThat(value(V2, dst, base, "venue")).isEmpty();
        assertThat(RecordLayout.getLong(dst, base + V2.field("dec").offset())).as("decimal(10,2) to (12,2): its unscaled value").isEqualTo(-12_345);
        assertThat(dst[base + V2.field("flag").offset()]).isEqualTo((byte) 1);
        assertThat(RecordLayout.getLong(dst, base + V2.field("at").offset())).as("a nullable field's default").isEqualTo(1000);
        for (String present : List.of("note", "px", "dec", "flag", "at")) {
            assertThat(RecordLayout.isNull(dst, base, V2.field(present).nullBit())).as(present).isFalse();
        }
        assertThat(dst[base - 1]).as("nothing before the record is touched").isEqualTo((byte) 0x5a);
    }

    @Test
    void nullsStayNullAndTakeNoBytes() {
        byte[] src = v1Record(true);
        byte[] dst = new byte[V2.maxRecordLength()];
        int n = new RecordProjection(V1, V2).project(src, 0, dst, 0);
        assertThat(n).isEqualTo(V2.fixedLength() + "none".length());
        assertThat(RecordLayout.checkVariable(dst, 0, n, V2.variableFields())).isNull();
        assertThat(RecordLayout.isNull(dst, 0, V2.field("note").nullBit())).isTrue();
        assertThat(value(V2, dst, 0, "note")).isEmpty();
        assertThat(RecordLayout.isNull(dst, 0, V2.field("px").nullBit())).isTrue();
        assertThat(RecordLayout.getInt(dst, V2.field("px").offset())).as("a null field's bytes are zero").isZero();
        assertThat(RecordLayout.isNull(dst, 0, V2.field("venue").nullBit())).isTrue();
        assertThat(RecordLayout.isNull(dst, 0, V2.field("dec").nullBit())).isFalse();
    }

    @Test
    void aProjectionIsReusedRecordAfterRecord() {
        RecordProjection p = new RecordProjection(V1, V2);
        byte[] dst = new byte[V2.maxRecordLength()];
        p.project(v1Record(false), 0, dst, 0);
        int n = p.project(v1Record(true), 0, dst, 0);
        byte[] fresh = new byte[V2.maxRecordLength()];
        assertThat(new RecordProjection(V1, V2).project(v1Record(true), 0, fresh, 0)).isEqualTo(n);
        assertThat(Arrays.copyOf(dst, n)).isEqualTo(Arrays.copyOf(fresh, n));
    }

    @Test
    void aVariableTargetAfterAFixedOnlySourceTakesItsDefaultAfterTheFixedPart() {
        Schema from = SchemaEvolutionTest.v(1, "  - {name: seq, type: int64}\n  - {name: n, type: int8}\n");
        Schema to = SchemaEvolutionTest.withIds(List.of(from), SchemaEvolutionTest.v(2, """
                  - {name: seq, type: int64}
                  - {name: note, type: string(8), nullable: true}
                  - {name: n, type: int16}
                  - {name: tag, type: string(8), default: "é-x"}
                  - {name: raw, type: binary(4), default: AQID}
                """));
        byte[] src = new byte[from.recordLength()];
        RecordLayout.putLong(src, 0, -1);
        src[8] = -128;
        byte[] dst = new byte[to.maxRecordLength()];
        int n = new RecordProjection(from, to).project(src, 0, dst, 0);
        int tagBytes = "é-x".getBytes(StandardCharsets.UTF_8).length;
        assertThat(n).isEqualTo(to.fixedLength() + tagBytes + 3);
        assertThat(RecordLayout.checkVariable(dst, 0, n, to.variableFields())).isNull();
        assertThat(RecordLayout.getLong(dst, to.field("seq").offset())).isEqualTo(-1);
        assertThat(RecordLayout.getShort(dst, to.field("n").offset())).isEqualTo((short) -128);
        assertThat(RecordLayout.isNull(dst, 0, to.field("note").nullBit())).isTrue();
        assertThat(RecordLayout.valueStart(dst, 0, to.field("tag"))).isEqualTo(to.fixedLength());
        assertThat(value(to, dst, 0, "tag")).isEqualTo("é-x");
        Field raw = to.field("raw");
        assertThat(Arrays.copyOfRange(dst, RecordLayout.valueStart(dst, 0, raw), RecordLayout.valueEnd(dst, 0, raw))).containsExactly(1, 2, 3);
    }

    @Test
    void aVersionIntoItselfCopiesTheRecord() {
        byte[] src = v1Record(false);
        byte[] dst = new byte[V1.maxRecordLength()];
        int n = new RecordProjection(V1, V1).project(src, 0, dst, 0);
        assertThat(Arrays.copyOf(dst, n)).isEqualTo(src);
    }

    @Test
    void anIncompatiblePairIsRefusedNamingTheField() {
        Schema narrow = SchemaEvolutionTest.v(2, "  - {name: seq, type: int32}\n");
        assertThatThrownBy(() -> new RecordProjection(SchemaEvolutionTest.v(1, "  - {name: seq, type: int64}\n"), narrow))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("cannot project t v1 fingerprint "
                        + SchemaEvolutionTest.v(1, "  - {name: seq, type: int64}\n").fingerprintHex() + " into " + narrow.identity()
                        + ": field seq is int64 in the one, int32 in the other");
    }
}
