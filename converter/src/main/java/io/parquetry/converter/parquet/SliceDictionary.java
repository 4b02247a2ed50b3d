package io.parquetry.converter.parquet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dictionary of fixed-width byte values ({@code char(N>8)}, {@code bytes(N)}) stored back to back in one array: an
 * open-addressing table maps a value to the index of its first occurrence, and each value's dictionary index is written
 * in the same pass. Gives up when the dictionary outgrows its cap. One instance per encoder thread.
 */
final class SliceDictionary {

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long PRIME = 0x9E37_79B9_7F4A_7C15L;

    private int[] slots = new int[1 << 10];
    private int bits = 10;
    /** Dictionary index to the value index of its first occurrence. */
    int[] first = new int[1 << 10];
    int size;

    /** Builds the dictionary of the {@code n} values of {@code width} bytes in {@code data}; false when unusable. */
    boolean build(byte[] data, int width, int n, int[] ids, int maxEntries) {
        size = 0;
        clear(10);
        // No early give-up on a high-cardinality prefix: the alternative is PLAIN, which a dictionary of a column whose
        // distinct values stop growing can still beat. The cap bounds the work on a column of unique values.
        return hashRange(data, width, 0, n, ids, maxEntries);
    }

    private boolean hashRange(byte[] data, int width, int from, int to, int[] ids, int maxEntries) {
        for (int i = from; i < to; i++) {
            int at = i * width;
            int h = (int) (hash(data, at, width) >>> (64 - bits));
            int mask = slots.length - 1;
            int id;
            while (true) {
                int s = slots[h];
                if (s == 0) {
                    if (size == maxEntries) {
                        return false;
                    }
                    if (size == first.length) {
                        first = Arrays.copyOf(first, size * 2);
                    }
                    first[size] = i;
                    id = size++;
                    slots[h] = id + 1;
                    if (size * 2 > slots.length) {
                        rehash(data, width);
                    }
                    break;
                }
                int other = first[s - 1] * width;
                if (Arrays.equals(data, at, at + width, data, other, other + width)) {
                    id = s - 1;
                    break;
                }
                h = (h + 1) & mask;
            }
            ids[i] = id;
        }
        return true;
    }

    /** A 64-bit hash of {@code width} bytes from {@code at}, eight at a time (also {@link VariableDictionary}'s). */
    static long hash(byte[] d, int at, int width) {
        long h = width;
        int i = 0;
        for (; i + 8 <= width; i += 8) {
            h = (h ^ (long) LONG.get(d, at + i)) * PRIME;
            h ^= h >>> 29;
        }
        for (; i < width; i++) {
            h = (h ^ (d[at + i] & 0xFF)) * PRIME;
        }
        return (h ^ (h >>> 32)) * PRIME;
    }

    private void clear(int tableBits) {
        if (slots.length != 1 << tableBits) {
            slots = new int[1 << tableBits];
        } else {
            Arrays.fill(slots, 0);
        }
        bits = tableBits;
    }

    private void rehash(byte[] data, int width) {
        clear(bits + 1);
        int mask = slots.length - 1;
        for (int id = 0; id < size; id++) {
            int h = (int) (hash(data, first[id] * width, width) >>> (64 - bits));
            while (slots[h] != 0) {
                h = (h + 1) & mask;
            }
            slots[h] = id + 1;
        }
    }
}
