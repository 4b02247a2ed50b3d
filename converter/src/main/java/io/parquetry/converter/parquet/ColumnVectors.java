package io.parquetry.converter.parquet;

import io.parquetry.schema.RecordLayout;
import java.util.Arrays;

/**
 * One row group transposed into column vectors: a column's non-null values packed from index 0 (nulls take no slot),
 * and for a nullable column a presence flag per row (its definition level). Filled chunk by chunk, all columns per
 * chunk, so each record is read from memory once. One instance per encoder thread; the arrays only grow.
 *
 * <p>The values of {@code string(N)} and {@code binary(N)} columns are copied out of the row group's
 * {@link RecordArena}, column after column, into one shared array {@link #varData}: value {@code j} of column {@code i}
 * spans {@code varData[offsets[i][j], offsets[i][j + 1])} (as Arrow's variable-width vectors), so an encoder reads each
 * column's values in one sweep, and the shared array never outgrows the largest row group's values.
 */
final class ColumnVectors {

    long[][] longs = new long[0][];
    byte[][] bytes = new byte[0][];
    byte[][] present = new byte[0][];
    int[] valueCount = new int[0];
    /** Smallest and largest value of each integer column (I32, I64), computed while transposing. */
    long[] min = new long[0];
    long[] max = new long[0];
    /** The values of the variable columns, column after column. */
    byte[] varData = new byte[0];
    /** Per variable column, {@code valueCount + 1} offsets into {@link #varData}. */
    int[][] offsets = new int[0][];
    int rows;
    /** Timestamps that lost precision in a unit conversion. */
    long truncated;

    /** Transposes every record of {@code raw}. */
    void load(RawRowGroup raw, ColumnLayout[] cols) {
        int n = raw.count();
        ensure(cols, n);
        Arrays.fill(valueCount, 0, cols.length, 0);
        Arrays.fill(min, 0, cols.length, Long.MAX_VALUE);
        Arrays.fill(max, 0, cols.length, Long.MIN_VALUE);
        truncated = 0;
        rows = 0;
        int stride = raw.slot; // bytes from one record to the next
        for (int c = 0; c < raw.chunkCount(); c++) {
            byte[] chunk = raw.chunk(c);
            int k = raw.recordsIn(c);
            for (int i = 0; i < cols.length; i++) {
                if (cols[i].values != ColumnLayout.Values.VARIABLE) {
                    extract(cols[i], i, chunk, k, stride);
                }
            }
            rows += k;
        }
        RecordArena arena = raw.arena();
        if (arena != null) {
            // The values lie after each record's fixed part: at most the arena's bytes less the fixed parts.
            varData = grow(varData, arena.used - n * raw.recordLength);
            int at = 0;
            for (int i = 0; i < cols.length; i++) {
                if (cols[i].values == ColumnLayout.Values.VARIABLE) {
                    at = extractVariable(cols[i], i, arena, n, at);
                }
            }
        }
    }

    /** Copies the values of variable column {@code i} of the {@code n} records to {@link #varData} at {@code at}; returns their end. */
    private int extractVariable(ColumnLayout col, int i, RecordArena arena, int n, int at) {
        byte[] a = arena.bytes;
        int[] starts = arena.starts;
        byte[] out = varData;
        int[] off = offsets[i];
        int previous = col.previousEndSlot;
        int first = col.variableStart;
        int endSlot = col.offset;
        int bit = col.nullBit;
        byte[] flags = col.nullable() ? present[i] : null;
        int bitByte = bit < 0 ? 0 : RecordLayout.nullByte(bit);
        int bitMask = bit < 0 ? 0 : RecordLayout.nullMask(bit);
        int count = 0;
        off[0] = at;
        for (int r = 0; r < n; r++) {
            int base = starts[r];
            if (flags != null) {
                boolean isNull = (a[base + bitByte] & bitMask) != 0;
                flags[r] = isNull ? (byte) 0 : (byte) 1;
                if (isNull) {
                    continue;
                }
            }
            int from = base + (previous < 0 ? first : RecordLayout.getInt(a, base + previous));
            int length = base + RecordLayout.getInt(a, base + endSlot) - from;
            System.arraycopy(a, from, out, at, length);
            at += length;
            off[++count] = at;
        }
        valueCount[i] = count;
        return at;
    }

    private void ensure(ColumnLayout[] cols, int n) {
        if (longs.length < cols.length) {
            longs = Arrays.copyOf(longs, cols.length);
            bytes = Arrays.copyOf(bytes, cols.length);
            offsets = Arrays.copyOf(offsets, cols.length);
            present = Arrays.copyOf(present, cols.length);
            valueCount = Arrays.copyOf(valueCount, cols.length);
            min = Arrays.copyOf(min, cols.length);
            max = Arrays.copyOf(max, cols.length);
        }
        for (int i = 0; i < cols.length; i++) {
            ColumnLayout col = cols[i];
            switch (col.values) {
                case BOOL -> bytes[i] = grow(bytes[i], n);
                case CHAR_SLICE, FIXED -> bytes[i] = grow(bytes[i], Math.multiplyExact(n, col.width));
                case VARIABLE -> offsets[i] = grow(offsets[i], n + 1);
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

    private static int[] grow(int[] a, int n) {
        return a != null && a.length >= n ? a : new int[n];
    }

    private static byte[] grow(byte[] a, int n) {
        return a != null && a.length >= n ? a : new byte[n];
    }

    private void extract(ColumnLayout col, int i, byte[] chunk, int k, int stride) {
        int from = valueCount[i];
        int out;
        if (col.nullable()) {
            out = extractNullable(col, i, chunk, k, stride);
        } else {
            // The common case gets a loop per type: no null test, no type switch per value.
            int at = col.offset;
            int w = col.width;
            long[] lv = longs[i];
            out = from;
            switch (col.values) {
                case I64 -> {
                    if (col.divisor == 1) {
                        // min/max in the same loop: the values are in registers once
                        long mn = min[i];
                        long mx = max[i];
                        for (int r = 0, p = at; r < k; r++, p += stride) {
                            long x = RecordLayout.getLong(chunk, p);
                            lv[out++] = x;
                            mn = x < mn ? x : mn;
                            mx = x > mx ? x : mx;
                        }
                        min[i] = mn;
                        max[i] = mx;
                        valueCount[i] = out;
                        return;
                    }
                    for (int r = 0, p = at; r < k; r++, p += stride) {
                        lv[out++] = RecordLayout.getLong(chunk, p);
                    }
                }
                case F64 -> {
                    for (int r = 0, p = at; r < k; r++, p += stride) {
                        lv[out++] = RecordLayout.getLong(chunk, p);
                    }
                }
                case I32 -> {
                    long mn = min[i];
                    long mx = max[i];
                    if (w == 4) {
                        for (int r = 0, p = at; r < k; r++, p += stride) {
                            long x = RecordLayout.getInt(chunk, p);
                            lv[out++] = x;
                            mn = x < mn ? x : mn;
                            mx = x > mx ? x : mx;
                        }
                    } else {
                        for (int r = 0, p = at; r < k; r++, p += stride) {
                            long x = w == 2 ? RecordLayout.getShort(chunk, p) : chunk[p];
                            lv[out++] = x;
                            mn = x < mn ? x : mn;
                            mx = x > mx ? x : mx;
                        }
                    }
                    min[i] = mn;
                    max[i] = mx;
                    valueCount[i] = out;
                    return;
                }
                case F32 -> {
                    for (int r = 0, p = at; r < k; r++, p += stride) {
                        lv[out++] = RecordLayout.getInt(chunk, p);
                    }
                }
                case CHAR_KEY -> {
                    if (w == 8) {
                        for (int r = 0, p = at; r < k; r++, p += stride) {
                            lv[out++] = RecordLayout.getLong(chunk, p);
                        }
                    } else {
                        for (int r = 0, p = at; r < k; r++, p += stride) {
                            lv[out++] = key(chunk, p, w);
                        }
                    }
                }
                case BOOL -> {
                    byte[] bv = bytes[i];
                    for (int r = 0, p = at; r < k; r++, p += stride) {
                        bv[out++] = chunk[p] != 0 ? (byte) 1 : (byte) 0;
                    }
                }
                default -> {
                    byte[] bv = bytes[i];
                    for (int r = 0, p = at; r < k; r++, p += stride) {
                        System.arraycopy(chunk, p, bv, (out++) * w, w);
                    }
                }
            }
        }
        if (col.divisor != 1) {
            convertUnit(longs[i], from, out, col.divisor);
        }
        if (col.integer()) {
            long[] v = longs[i];
            long mn = min[i];
            long mx = max[i];
            for (int j = from; j < out; j++) {
                long x = v[j];
                mn = x < mn ? x : mn;
                mx = x > mx ? x : mx;
            }
            min[i] = mn;
            max[i] = mx;
        }
        valueCount[i] = out;
    }

    private int extractNullable(ColumnLayout col, int i, byte[] chunk, int k, int stride) {
        int bit = col.nullBit;
        int bitByte = RecordLayout.nullByte(bit);
        int bitMask = RecordLayout.nullMask(bit);
        byte[] flags = present[i];
        int row = rows;
        int out = valueCount[i];
        int at = col.offset;
        long[] lv = longs[i];
        byte[] bv = bytes[i];
        int w = col.width;
        for (int r = 0, base = 0; r < k; r++, base += stride) {
            boolean isNull = (chunk[base + bitByte] & bitMask) != 0;
            flags[row + r] = isNull ? (byte) 0 : (byte) 1;
            if (isNull) {
                continue;
            }
            int p = base + at;
            switch (col.values) {
                case I32, F32 -> lv[out] = w == 4 ? RecordLayout.getInt(chunk, p) : w == 2 ? RecordLayout.getShort(chunk, p) : chunk[p];
                case I64, F64 -> lv[out] = RecordLayout.getLong(chunk, p);
                case CHAR_KEY -> lv[out] = w == 8 ? RecordLayout.getLong(chunk, p) : key(chunk, p, w);
                case BOOL -> bv[out] = chunk[p] != 0 ? (byte) 1 : (byte) 0;
                default -> System.arraycopy(chunk, p, bv, out * w, w);
            }
            out++;
        }
        return out;
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
