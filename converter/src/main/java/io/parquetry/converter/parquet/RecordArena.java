package io.parquetry.converter.parquet;

import java.util.Arrays;

/**
 * The whole records of one row group of a schema with {@code string(N)} or {@code binary(N)} fields, back to back in one
 * array, and where each starts: the home of their variable values until the row group is transposed (their fixed parts
 * are copied again into the row group's stride chunks, where the fixed columns are read as for any schema). Kept whole
 * rather than as values alone because a queue hands a record over as one copy; the fixed part it repeats is a few
 * bytes beside the values.
 *
 * <pre>
 *  bytes:  | record 0 (fixed part, values) | record 1 | ... | record n-1 |  free  |
 *           ^ starts[0]                     ^ starts[1]                 ^ used
 * </pre>
 *
 * Grows by doubling, never past {@code limit} bytes unless one record needs more; taken from and given back to the free
 * list the pool's files share ({@link RowGroupEncoders#freeArenas()}), so a warmed-up file reuses the arenas of the last.
 */
final class RecordArena {

    /** First size of a new arena: a row group of small records never needs to double. */
    static final int INITIAL_BYTES = 1 << 20;

    byte[] bytes;
    int[] starts;
    /** Bytes of records held: where the next record goes. */
    int used;

    RecordArena(int bytes, int records) {
        this.bytes = new byte[bytes];
        this.starts = new int[records];
    }

    /**
     * Makes room for record {@code index} of {@code length} bytes, growing to at most {@code limit} bytes unless the
     * record alone needs more; returns how many bytes the arena grew by ({@link #heapBytes()}, for its owner's count).
     */
    long reserve(int index, int length, long limit) {
        long before = heapBytes();
        long need = (long) used + length;
        if (need > bytes.length) {
            long size = Math.max(need, Math.min(2L * bytes.length, Math.max(limit, need)));
            if (size > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("row group of records over 2 GiB: used=" + used + ", length=" + length);
            }
            bytes = Arrays.copyOf(bytes, (int) size);
        }
        if (index >= starts.length) {
            starts = Arrays.copyOf(starts, Math.max(index + 1, 2 * starts.length));
        }
        return heapBytes() - before;
    }

    /** Bytes the arena holds on the heap, its records' and its index's. */
    long heapBytes() {
        return bytes.length + 4L * starts.length;
    }
}
