package io.parquetry.converter.parquet;

import java.util.Arrays;

/**
 * A dictionary of 64-bit values (integers, float bits, char(N&le;8) keys) built in one pass that also writes each
 * value's index. Integers whose chunk spans a small range are mapped through a direct table (no hashing); the rest go
 * through an open-addressing hash table. Building gives up early when the chunk looks high-cardinality (more than half
 * of the first 1 Ki, 4 Ki or {@value #SAMPLE} values distinct) or when the dictionary outgrows its cap, so a chunk that
 * will not be dictionary-encoded costs little: a sequence is given up after 1024 values. One instance per encoder
 * thread, reused.
 */
final class LongDictionary {

    /** The last prefix checked for high cardinality. */
    static final int SAMPLE = 16_384;
    /** Largest value range mapped through the direct table. */
    static final int DIRECT_RANGE = 1 << 16;
    private static final long GOLDEN = 0x9E37_79B9_7F4A_7C15L;

    private long[] keys = new long[1 << 10];
    private int[] slots = new int[1 << 10];
    private int bits = 10;
    private int[] direct = new int[0];
    long[] values = new long[1 << 10];
    int size;

    /**
     * Builds the dictionary of {@code v[0, n)} writing indices into {@code ids}. Returns false (dictionary unusable)
     * when it would exceed {@code maxEntries} or, with {@code giveUpEarly}, when a prefix says high cardinality.
     *
     * @param min smallest value when {@code integer} (for the direct table), else ignored
     * @param max largest value when {@code integer}
     */
    boolean build(long[] v, int n, int[] ids, int maxEntries, boolean integer, long min, long max, boolean giveUpEarly) {
        size = 0;
        long range = max - min;
        if (integer && n > 0 && range >= 0 && range < DIRECT_RANGE && range < 4L * n) {
            return buildDirect(v, n, ids, maxEntries, min, (int) range + 1);
        }
        clearTable(10); // grows by rehashing: a 16-symbol column keeps a table that fits in L1
        // Give up as soon as a prefix says high cardinality: after 1 Ki, 4 Ki and 16 Ki values, more than half distinct.
        int done = 0;
        for (int checkpoint = 1 << 10; giveUpEarly && checkpoint <= SAMPLE && done < n; checkpoint <<= 2) {
            int to = Math.min(n, checkpoint);
            if (!hashRange(v, done, to, ids, maxEntries)) {
                return false;
            }
            done = to;
            if (done < n && size > done / 2) {
                return false;
            }
        }
        return hashRange(v, done, n, ids, maxEntries);
    }

    private boolean buildDirect(long[] v, int n, int[] ids, int maxEntries, long min, int span) {
        if (direct.length < span) {
            direct = new int[Math.max(span, Math.min(DIRECT_RANGE, direct.length * 2))];
        }
        int[] d = direct;
        Arrays.fill(d, 0, span, -1);
        for (int i = 0; i < n; i++) {
            long x = v[i];
            int k = (int) (x - min);
            int id = d[k];
            if (id < 0) {
                if (size == maxEntries) {
                    return false;
                }
                id = add(x);
                d[k] = id;
            }
            ids[i] = id;
        }
        return true;
    }

    private boolean hashRange(long[] v, int from, int to, int[] ids, int maxEntries) {
        for (int i = from; i < to; i++) {
            long x = v[i];
            int mask = slots.length - 1;
            int h = (int) ((x * GOLDEN) >>> (64 - bits));
            int id;
            while (true) {
                int s = slots[h];
                if (s == 0) {
                    if (size == maxEntries) {
                        return false;
                    }
                    id = add(x);
                    slots[h] = id + 1;
                    keys[h] = x;
                    if (size * 2 > slots.length) {
                        rehash();
                    }
                    break;
                }
                if (keys[h] == x) {
                    id = s - 1;
                    break;
                }
                h = (h + 1) & mask;
            }
            ids[i] = id;
        }
        return true;
    }

    private int add(long x) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size] = x;
        return size++;
    }

    private void clearTable(int tableBits) {
        if (slots.length != 1 << tableBits) {
            slots = new int[1 << tableBits];
            keys = new long[1 << tableBits];
        } else {
            Arrays.fill(slots, 0);
        }
        bits = tableBits;
    }

    private void rehash() {
        clearTable(bits + 1);
        int mask = slots.length - 1;
        for (int id = 0; id < size; id++) {
            long x = values[id];
            int h = (int) ((x * GOLDEN) >>> (64 - bits));
            while (slots[h] != 0) {
                h = (h + 1) & mask;
            }
            slots[h] = id + 1;
            keys[h] = x;
        }
    }
}
