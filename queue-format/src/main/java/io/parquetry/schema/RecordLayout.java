package io.parquetry.schema;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * How one record's bytes are laid out, in one place for the three pieces that touch them: the recorder's
 * {@code RecordWriter} builds a record in a {@code byte[]}, the {@code RecordReader} decodes it in place, and the
 * converter's encoder transposes a batch of records copied into a {@code byte[]} chunk.
 *
 * <ul>
 *   <li>The record starts with a null bitmap of {@link Schema#bitmapLength()} bytes; nullable field {@code f} is null when
 *       bit {@link Field#nullBit()} is set: {@link #nullByte(int) byte {@code bit >>> 3}}, {@link #nullMask(int) mask
 *       {@code 1 << (bit & 7)}}.</li>
 *   <li>Each field's value follows at {@link Field#offset()}, {@link FieldType#byteLength()} bytes, little-endian, with no
 *       padding between fields; a null field's bytes are zero.</li>
 *   <li>A {@code char(N)} value is its UTF-8 bytes followed by zero bytes up to N; its length is the length up to the
 *       last non-zero byte ({@link #charLength(byte[], int, int)}). A {@code bytes(N)} value is always N bytes.</li>
 *   <li>A {@code string(N)} or {@code binary(N)} field's place holds a 4-byte offset, from the record's start, just past
 *       its value ({@link #valueEnd}); the value starts where the variable field declared before it ends, or for the
 *       first one at the end of the fixed part ({@link #valueStart}). The values follow the fixed part in declaration
 *       order with nothing between them, so the last one ends where the record ends. A null or unset value is empty
 *       (start == end); a null one also has its null bit. Reading one value takes two 4-byte reads, whatever the others
 *       hold.</li>
 * </ul>
 *
 * The accessors are static and small so that the JIT inlines them into the writer's setters and the encoder's loops.
 */
public final class RecordLayout {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

    private RecordLayout() {
    }

    /** Byte of the null bitmap (from the record's start) that holds null bit {@code bit}. */
    public static int nullByte(int bit) {
        return bit >>> 3;
    }

    /** Mask of null bit {@code bit} within its {@link #nullByte(int) byte}. */
    public static int nullMask(int bit) {
        return 1 << (bit & 7);
    }

    /** True when null bit {@code bit} is set in the record starting at {@code base}; false for {@code bit < 0}. */
    public static boolean isNull(byte[] b, int base, int bit) {
        return bit >= 0 && (b[base + nullByte(bit)] & nullMask(bit)) != 0;
    }

    /** Sets null bit {@code bit} of the record starting at {@code base}. */
    public static void markNull(byte[] b, int base, int bit) {
        b[base + nullByte(bit)] |= (byte) nullMask(bit);
    }

    /** Clears null bit {@code bit} of the record starting at {@code base}. */
    public static void markPresent(byte[] b, int base, int bit) {
        b[base + nullByte(bit)] &= (byte) ~nullMask(bit);
    }

    /** Length of the {@code char(width)} value at {@code at}: its bytes up to the last non-zero one. */
    public static int charLength(byte[] b, int at, int width) {
        int n = width;
        while (n > 0 && b[at + n - 1] == 0) {
            n--;
        }
        return n;
    }

    /** Where the value of variable field {@code f} starts, from the start of the record at {@code base}. */
    public static int valueStart(byte[] b, int base, Field f) {
        int previous = f.previousEndSlot();
        return previous < 0 ? f.variableStart() : getInt(b, base + previous);
    }

    /** Where the value of variable field {@code f} ends (exclusive), from the start of the record at {@code base}. */
    public static int valueEnd(byte[] b, int base, Field f) {
        return getInt(b, base + f.offset());
    }

    /**
     * Checks the variable part of the record of {@code length} bytes at {@code base}: each value starts where the one
     * before it ends, is no longer than its field's bound, a null one is empty, and the last one ends where the record
     * does. What a reader checks before a record with variable fields is handed on: an end that points past the record
     * is damage, never a value.
     *
     * @param variables the schema's variable fields, in declaration order
     * @return null when the record is well formed, else what is wrong with it (allocates only then)
     */
    public static String checkVariable(byte[] b, int base, int length, Field[] variables) {
        if (variables.length == 0) {
            return null;
        }
        int start = variables[0].variableStart();
        if (length < start) {
            return "record of " + length + " bytes is shorter than its fixed part of " + start + " bytes";
        }
        for (Field f : variables) {
            int end = getInt(b, base + f.offset());
            if (end < start || end > length) {
                return "field " + f.name() + " ends at " + end + ", outside " + start + ".." + length;
            }
            if (end - start > f.maxLength()) {
                return "field " + f.name() + " holds " + (end - start) + " bytes, more than its bound of " + f.maxLength();
            }
            if (end != start && isNull(b, base, f.nullBit())) {
                return "field " + f.name() + " is null but holds " + (end - start) + " bytes";
            }
            start = end;
        }
        return start == length ? null : "the last value ends at " + start + ", before the record's end at " + length;
    }

    public static short getShort(byte[] b, int at) {
        return (short) SHORT.get(b, at);
    }

    public static int getInt(byte[] b, int at) {
        return (int) INT.get(b, at);
    }

    public static long getLong(byte[] b, int at) {
        return (long) LONG.get(b, at);
    }

    public static void putShort(byte[] b, int at, short v) {
        SHORT.set(b, at, v);
    }

    public static void putInt(byte[] b, int at, int v) {
        INT.set(b, at, v);
    }

    public static void putLong(byte[] b, int at, long v) {
        LONG.set(b, at, v);
    }

    public static void putFloat(byte[] b, int at, float v) {
        FLOAT.set(b, at, v);
    }

    public static void putDouble(byte[] b, int at, double v) {
        DOUBLE.set(b, at, v);
    }
}
