package io.parquetry.converter.parquet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable little-endian byte buffer, reused by one encoder thread for page after page: its array only ever grows,
 * so a warmed-up encoder writes pages without allocating.
 */
final class ByteSink {

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    byte[] buf;
    int size;

    ByteSink(int initial) {
        buf = new byte[Math.max(16, initial)];
    }

    void reset() {
        size = 0;
    }

    /** Makes room for {@code n} more bytes; returns the position to write them at (the caller advances {@link #size}). */
    int reserve(int n) {
        int need = size + n;
        if (need > buf.length || need < 0) {
            grow(need);
        }
        return size;
    }

    private void grow(int need) {
        if (need < 0) {
            throw new IllegalStateException("page buffer over 2 GiB: size=" + size);
        }
        buf = Arrays.copyOf(buf, Math.max(need, (int) Math.min(Integer.MAX_VALUE - 16, buf.length * 2L)));
    }

    void put(int b) {
        reserve(1);
        buf[size++] = (byte) b;
    }

    void putIntLe(int v) {
        int p = reserve(4);
        INT.set(buf, p, v);
        size = p + 4;
    }

    void putLongLe(long v) {
        int p = reserve(8);
        LONG.set(buf, p, v);
        size = p + 8;
    }

    /** The low {@code n} bytes of {@code v}, little-endian. */
    void putBytesLe(long v, int n) {
        int p = reserve(n);
        for (int i = 0; i < n; i++) {
            buf[p + i] = (byte) (v >>> (8 * i));
        }
        size = p + n;
    }

    void put(byte[] src, int off, int len) {
        int p = reserve(len);
        System.arraycopy(src, off, buf, p, len);
        size = p + len;
    }

    /** Unsigned LEB128, as Parquet's varints. */
    void putVarLong(long v) {
        reserve(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
    }

    void putZigZag(long v) {
        putVarLong((v << 1) ^ (v >> 63));
    }

    static int varLongSize(long v) {
        return v == 0 ? 1 : (64 - Long.numberOfLeadingZeros(v) + 6) / 7;
    }

    static void putIntLe(byte[] b, int at, int v) {
        INT.set(b, at, v);
    }

    byte[] toArray() {
        return Arrays.copyOf(buf, size);
    }
}
