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
