package io.parquetry.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordLayoutTest {

    @Test
    void theNinthNullableFieldIsTheFirstBitOfTheSecondBitmapByte() {
        StringBuilder yaml = new StringBuilder("name: t\nversion: 1\nfields:\n");
        for (int i = 0; i < 9; i++) {
            yaml.append("  - {name: f").append(i).append(", type: int8, nullable: true}\n");
        }
        Schema s = Schema.parse(yaml.toString(), "inline");
        Field ninth = s.field("f8");
        assertThat(RecordLayout.nullByte(ninth.nullBit())).isEqualTo(1);
        assertThat(RecordLayout.nullMask(ninth.nullBit())).isEqualTo(1);

        byte[] b = new byte[3 + s.recordLength()];
        int base = 3;
        RecordLayout.markNull(b, base, ninth.nullBit());
        assertThat(b[base + 1]).isEqualTo((byte) 1);
        assertThat(RecordLayout.isNull(b, base, ninth.nullBit())).isTrue();
        assertThat(RecordLayout.isNull(b, base, s.field("f0").nullBit())).isFalse();
        assertThat(RecordLayout.isNull(b, base, -1)).as("a field that is not nullable is never null").isFalse();
        RecordLayout.markPresent(b, base, ninth.nullBit());
        assertThat(b).containsOnly(0);
    }

    @Test
    void valuesAreLittleEndian() {
        byte[] b = new byte[16];
        RecordLayout.putLong(b, 1, 0x0102030405060708L);
        assertThat(b[1]).isEqualTo((byte) 0x08);
        assertThat(b[8]).isEqualTo((byte) 0x01);
        assertThat(RecordLayout.getLong(b, 1)).isEqualTo(0x0102030405060708L);
        RecordLayout.putInt(b, 0, -2);
        assertThat(RecordLayout.getInt(b, 0)).isEqualTo(-2);
        RecordLayout.putShort(b, 10, (short) 0x1234);
        assertThat(b[10]).isEqualTo((byte) 0x34);
        assertThat(RecordLayout.getShort(b, 10)).isEqualTo((short) 0x1234);
        RecordLayout.putDouble(b, 0, 1.5);
        assertThat(Double.longBitsToDouble(RecordLayout.getLong(b, 0))).isEqualTo(1.5);
        RecordLayout.putFloat(b, 4, -0.25f);
        assertThat(Float.intBitsToFloat(RecordLayout.getInt(b, 4))).isEqualTo(-0.25f);
    }

    @Test
    void aCharValueEndsAtItsLastNonZeroByte() {
        byte[] b = new byte[10];
        byte[] v = "a\0b".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(v, 0, b, 2, v.length);
        assertThat(RecordLayout.charLength(b, 2, 8)).as("a zero inside the value is kept").isEqualTo(3);
        assertThat(RecordLayout.charLength(b, 6, 4)).as("all padding").isZero();
        b[9] = 'z';
        assertThat(RecordLayout.charLength(b, 6, 4)).isEqualTo(4);
    }

    /** Bitmap (1), a int32 (4), s string(10) nullable: end slot at 5, b binary(5): end slot at 9; fixed part 13 bytes. */
    private static final Schema VARIABLE = Schema.parse("name: t\nversion: 1\nfields:\n  - {name: a, type: int32}\n"
            + "  - {name: s, type: string(10), nullable: true}\n  - {name: b, type: binary(5)}\n", "inline");

    /** A record at {@code base} of a bigger array whose values end at {@code sEnd} and {@code bEnd}. */
    private static byte[] record(int base, int sEnd, int bEnd) {
        byte[] b = new byte[base + 40];
        RecordLayout.putInt(b, base + VARIABLE.field("s").offset(), sEnd);
        RecordLayout.putInt(b, base + VARIABLE.field("b").offset(), bEnd);
        return b;
    }

    private static String check(byte[] b, int base, int length) {
        return RecordLayout.checkVariable(b, base, length, VARIABLE.variableFields());
    }

    @Test
    void variableValuesFollowEachOtherFromTheEndOfTheFixedPart() {
        assertThat(VARIABLE.fixedLength()).isEqualTo(13);
        byte[] b = record(7, 16, 18);
        Field s = VARIABLE.field("s");
        Field bin = VARIABLE.field("b");
        assertThat(RecordLayout.valueStart(b, 7, s)).isEqualTo(13);
        assertThat(RecordLayout.valueEnd(b, 7, s)).isEqualTo(16);
        assertThat(RecordLayout.valueStart(b, 7, bin)).isEqualTo(16);
        assertThat(RecordLayout.valueEnd(b, 7, bin)).isEqualTo(18);
        assertThat(check(b, 7, 18)).isNull();
        assertThat(check(record(0, 13, 13), 0, 13)).as("both empty").isNull();
        assertThat(check(record(0, 23, 28), 0, 28)).as("both at their bound").isNull();
        assertThat(RecordLayout.checkVariable(new byte[4], 0, 4, new Field[0])).as("no variable fields").isNull();
    }

    @Test
    void checkVariableNamesWhatIsWrong() {
        assertThat(check(record(0, 13, 13), 0, 12)).isEqualTo("record of 12 bytes is shorter than its fixed part of 13 bytes");
        assertThat(check(record(3, 40, 40), 3, 18)).isEqualTo("field s ends at 40, outside 13..18");
        assertThat(check(record(0, -1, 18), 0, 18)).isEqualTo("field s ends at -1, outside 13..18");
        assertThat(check(record(0, 12, 18), 0, 18)).as("before the fixed part's end").isEqualTo("field s ends at 12, outside 13..18");
        assertThat(check(record(0, 16, 14), 0, 18)).as("before the previous value's end").isEqualTo("field b ends at 14, outside 16..18");
        assertThat(check(record(0, 16, 19), 0, 18)).isEqualTo("field b ends at 19, outside 16..18");
        assertThat(check(record(0, 24, 24), 0, 24)).isEqualTo("field s holds 11 bytes, more than its bound of 10");
        assertThat(check(record(0, 13, 19), 0, 19)).isEqualTo("field b holds 6 bytes, more than its bound of 5");
        assertThat(check(record(0, 13, 15), 0, 18)).isEqualTo("the last value ends at 15, before the record's end at 18");
        byte[] nullWithBytes = record(2, 16, 16);
        RecordLayout.markNull(nullWithBytes, 2, VARIABLE.field("s").nullBit());
        assertThat(check(nullWithBytes, 2, 16)).isEqualTo("field s is null but holds 3 bytes");
        byte[] nullEmpty = record(2, 13, 16);
        RecordLayout.markNull(nullEmpty, 2, VARIABLE.field("s").nullBit());
        assertThat(check(nullEmpty, 2, 16)).isNull();
    }
}
