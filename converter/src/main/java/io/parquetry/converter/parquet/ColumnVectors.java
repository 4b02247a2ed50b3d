package io.parquetry.converter.parquet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One row group transposed into column vectors: a column's non-null values packed from index 0 (nulls take no slot),
 * and for a nullable column a presence flag per row (its definition level). Filled chunk by chunk, all columns per
 * chunk, so each record is read from memory once. One instance per encoder thread; the arrays only grow.
 */
final class ColumnVectors {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    long[][] longs = new long[0][];
    byte[][] bytes = new byte[0][];
    byte[][] present = new byte[0][];
    int[] valueCount = new int[0];
    int rows;
    /** Timestamps that lost precision in a unit conversion. */
    long truncated;

    /** Transposes every record of {@code raw}. */
    void load(RawRowGroup raw, ColumnLayout[] cols) {
        int n = raw.count();
        ensure(cols, n);
        Arrays.fill(valueCount, 0, cols.length, 0);
        truncated = 0;
        rows = 0;
        int len = raw.recordLength;
        for (int c = 0; c < raw.chunkCount(); c++) {
            byte[] chunk = raw.chunk(c);
            int k = raw.recordsIn(c);
            for (int i = 0; i < cols.length; i++) {
                extract(cols[i], i, chunk, k, len);
            }
            rows += k;
        }
    }

    private void ensure(ColumnLayout[] cols, int n) {
        if (longs.length < cols.length) {
            longs = Arrays.copyOf(longs, cols.length);
            bytes = Arrays.copyOf(bytes, cols.length);
            present = Arrays.copyOf(present, cols.length);
            valueCount = Arrays.copyOf(valueCount, cols.length);
        }
        for (int i = 0; i < cols.length; i++) {
            ColumnLayout col = cols[i];
            switch (col.values) {
                case BOOL -> bytes[i] = grow(bytes[i], n);
                case CHAR_SLICE, FIXED -> bytes[i] = grow(bytes[i], Math.multiplyExact(n, col.width));
                default -> longs[i] = grow(longs[i], n);
            }
            if (col.nullable()) {
                present[i] = grow(present[i], n);
            }
        }
    }

    private static long[] grow(long[] a, int n) {
        return a != null && a.length >= n ? a : new long[n];
    }

    private static byte[] grow(byte[] a, int n) {
        return a != null && a.length >= n ? a : new byte[n];
    }

    private void extract(ColumnLayout col, int i, byte[] chunk, int k, int len) {
        int bit = col.nullBit;
        int bitByte = bit >>> 3;
        int bitMask = 1 << (bit & 7);
        byte[] flags = bit >= 0 ? present[i] : null;
        int row = rows;
        int out = valueCount[i];
        int at = col.offset;
        long[] lv = longs[i];
        byte[] bv = bytes[i];
        int w = col.width;
        for (int r = 0, base = 0; r < k; r++, base += len) {
            if (flags != null) {
                boolean isNull = (chunk[base + bitByte] & bitMask) != 0;
                flags[row + r] = isNull ? (byte) 0 : (byte) 1;
                if (isNull) {
                    continue;
                }
            }
            int p = base + at;
            switch (col.values) {
                case I32 -> lv[out] = w == 4 ? (int) INT.get(chunk, p) : w == 2 ? (short) SHORT.get(chunk, p) : chunk[p];
                case I64 -> lv[out] = (long) LONG.get(chunk, p);
                case F32 -> lv[out] = (int) INT.get(chunk, p);
                case F64 -> lv[out] = (long) LONG.get(chunk, p);
                case CHAR_KEY -> lv[out] = w == 8 ? (long) LONG.get(chunk, p) : key(chunk, p, w);
                case BOOL -> bv[out] = chunk[p] != 0 ? (byte) 1 : (byte) 0;
                default -> System.arraycopy(chunk, p, bv, out * w, w);
            }
            out++;
        }
        if (col.divisor != 1) {
            convertUnit(lv, valueCount[i], out, col.divisor);
        }
        valueCount[i] = out;
    }

    private void convertUnit(long[] v, int from, int to, long divisor) {
        long lost = 0;
        for (int j = from; j < to; j++) {
            long x = v[j];
            long q = Math.floorDiv(x, divisor);
            lost += x != q * divisor ? 1 : 0;
            v[j] = q;
        }
        truncated += lost;
    }

    /** Up to 7 bytes, little-endian, zero-extended. */
    static long key(byte[] b, int p, int w) {
        long k = 0;
        for (int j = w - 1; j >= 0; j--) {
            k = (k << 8) | (b[p + j] & 0xFF);
        }
        return k;
    }
}
