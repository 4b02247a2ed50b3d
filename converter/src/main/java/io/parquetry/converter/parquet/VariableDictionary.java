package io.parquetry.converter.parquet;

import java.util.Arrays;

/**
 * A dictionary of variable-length byte values ({@code string(N)}, {@code binary(N)}), each value {@code i} at
 * {@code data[off[i], off[i + 1])}: an open-addressing table maps a value to its first occurrence, and each value's
 * dictionary index is written in the same pass. Gives up once the entries' PLAIN bytes pass a cap (the dictionary page
 * must stay a page), which also bounds the work on a column of unique values. One instance per encoder thread.
 */
final class VariableDictionary {


    private int[] slots = new int[1 << 10];
    private int bits = 10;
    /** Each entry's hash, so a probe compares bytes only on a full hash match, and a rehash reads no values. */
    private long[] hashes = new long[1 << 10];
    /** Dictionary index to the value index of its first occurrence. */
    int[] first = new int[1 << 10];
    int size;
    /** PLAIN bytes of the entries: a 4-byte length and the bytes of each. */
    long plainBytes;

    /**
     * Builds the dictionary of the {@code n} values; false when the entries' PLAIN bytes would pass {@code maxBytes}
     * ({@link #size} and {@link #first} are then meaningless).
     */
    boolean build(byte[] data, int[] off, int n, int[] ids, long maxBytes) {
        size = 0;
        plainBytes = 0;
        clear(10);
        for (int i = 0; i < n; i++) {
            int at = off[i];
            int length = off[i + 1] - at;
            long h = SliceDictionary.hash(data, at, length);
            int mask = slots.length - 1;
            int s = (int) (h >>> (64 - bits));
            int id;
            while (true) {
                int e = slots[s];
                if (e == 0) {
                    plainBytes += 4 + length;
                    if (plainBytes > maxBytes) {
                        return false;
                    }
                    if (size == first.length) {
                        first = Arrays.copyOf(first, size * 2);
                        hashes = Arrays.copyOf(hashes, size * 2);
                    }
                    first[size] = i;
                    hashes[size] = h;
                    id = size++;
                    slots[s] = id + 1;
                    if (size * 2 > slots.length) {
                        rehash();
                    }
                    break;
                }
                int other = first[e - 1];
                if (hashes[e - 1] == h && Arrays.equals(data, at, at + length, data, off[other], off[other + 1])) {
                    id = e - 1;
                    break;
                }
                s = (s + 1) & mask;
            }
            ids[i] = id;
        }
        return true;
    }

    private void clear(int tableBits) {
        if (slots.length != 1 << tableBits) {
            slots = new int[1 << tableBits];
        } else {
            Arrays.fill(slots, 0);
        }
        bits = tableBits;
    }

    private void rehash() {
        clear(bits + 1);
        int mask = slots.length - 1;
        for (int id = 0; id < size; id++) {
            int s = (int) (hashes[id] >>> (64 - bits));
            while (slots[s] != 0) {
                s = (s + 1) & mask;
            }
            slots[s] = id + 1;
        }
    }
}
