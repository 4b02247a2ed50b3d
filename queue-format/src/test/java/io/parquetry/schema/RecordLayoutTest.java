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
}
