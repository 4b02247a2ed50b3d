package io.parquetry.converter.parquet;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The raw records of one row group, copied in schema layout into fixed-size chunks. A chunk (about 256 KiB) is also the
 * slab the encoder transposes at a time, so the records are read from memory once and the column extraction runs in
 * cache. Chunks come from, and go back to, their file's {@link Pool} as soon as the row group is transposed.
 */
final class RawRowGroup {

    static final int CHUNK_BYTES = 256 << 10;

    /** Chunks of one file, recycled between its row groups (the encoder returns them from its own thread). */
    static final class Pool {
        final int recordLength;
        final int chunkRecords;
        private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
        /** Chunks ever allocated (taken only by the file's own thread): the memory bound, checked by tests. */
        private int allocated;

        Pool(int recordLength, int rowGroupRecords) {
            this.recordLength = recordLength;
            this.chunkRecords = Math.max(1, Math.min(rowGroupRecords, CHUNK_BYTES / recordLength));
        }

        byte[] take() {
            byte[] b = free.poll();
            if (b == null) {
                b = new byte[chunkRecords * recordLength];
                allocated++;
            }
            return b;
        }

        int allocated() {
            return allocated;
        }

        void give(byte[] chunk) {
            free.add(chunk);
        }

        void clear() {
            free.clear();
        }
    }

    final int recordLength;
    final int chunkRecords;
    final int capacity;
    private final Pool pool;
    private byte[][] chunks;
    private int count;

    RawRowGroup(Pool pool, int capacity) {
        this.pool = pool;
        this.recordLength = pool.recordLength;
        this.chunkRecords = pool.chunkRecords;
        this.capacity = capacity;
        this.chunks = new byte[(capacity + chunkRecords - 1) / chunkRecords][];
    }

    /** Copies up to {@code n} records from {@code src} at {@code off}; returns how many fitted. */
    int add(byte[] src, int off, int n) {
        int done = 0;
        while (done < n && count < capacity) {
            int c = count / chunkRecords;
            int at = count - c * chunkRecords;
            if (chunks[c] == null) {
                chunks[c] = pool.take();
            }
            int k = Math.min(Math.min(n - done, chunkRecords - at), capacity - count);
            System.arraycopy(src, off + done * recordLength, chunks[c], at * recordLength, k * recordLength);
            done += k;
            count += k;
        }
        return done;
    }

    int count() {
        return count;
    }

    boolean full() {
        return count == capacity;
    }

    int chunkCount() {
        return (count + chunkRecords - 1) / chunkRecords;
    }

    byte[] chunk(int i) {
        return chunks[i];
    }

    /** Records in chunk {@code i}. */
    int recordsIn(int i) {
        return Math.min(chunkRecords, count - i * chunkRecords);
    }

    /** Gives the chunks back to the pool; the records are gone. */
    void release() {
        byte[][] cs = chunks;
        chunks = new byte[0][];
        for (byte[] c : cs) {
            if (c != null) {
                pool.give(c);
            }
        }
    }
}
