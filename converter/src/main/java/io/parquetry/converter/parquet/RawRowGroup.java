package io.parquetry.converter.parquet;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The raw records of one row group, copied in schema layout into fixed-size chunks, one record every {@code slot} bytes.
 * The slot is the record length, or, for records from a queue, the distance between records in its cycle files
 * ({@code QueueReader.recordStride()}: the record, padding, the next header), so that a run of records is copied in one
 * piece. A chunk (about 256 KiB) is also the slab the encoder transposes at a time, so the records are read from memory
 * once and the column extraction runs in cache. Chunks come from, and go back to, their file's {@link Pool} as soon as
 * the row group is transposed.
 */
final class RawRowGroup {

    static final int CHUNK_BYTES = 256 << 10;

    /**
     * The chunks of one file: taken from, and given back to, a free list shared by every file of the same chunk size on
     * one {@link RowGroupEncoders} pool, so a new file reuses the chunks of the last. Counts the chunks this file holds.
     */
    static final class Pool {
        final int recordLength;
        final int slot;
        final int chunkRecords;
        private final ConcurrentLinkedQueue<byte[]> free;
        /** Chunks taken and not given back: this file's raw records in memory. */
        private final AtomicInteger inUse = new AtomicInteger();
        /** The most ever in use (read by the file's own thread, for tests of the memory bound). */
        private int maxInUse;

        /** @param slot bytes from one record's start to the next in a chunk, at least {@code recordLength} */
        Pool(int recordLength, int slot, int rowGroupRecords, RowGroupEncoders encoders) {
            if (slot < recordLength) {
                throw new IllegalArgumentException("record slot shorter than the record: slot=" + slot + ", recordLength=" + recordLength);
            }
            this.recordLength = recordLength;
            this.slot = slot;
            this.chunkRecords = Math.max(1, Math.min(rowGroupRecords, CHUNK_BYTES / slot));
            this.free = encoders.freeChunks(Math.multiplyExact(chunkRecords, slot));
        }

        byte[] take() {
            byte[] b = free.poll();
            if (b == null) {
                b = new byte[chunkRecords * slot];
            }
            maxInUse = Math.max(maxInUse, inUse.incrementAndGet());
            return b;
        }

        void give(byte[] chunk) {
            inUse.decrementAndGet();
            free.add(chunk);
        }

        int maxInUse() {
            return maxInUse;
        }
    }

    final int recordLength;
    /** Bytes from one record's start to the next in a chunk. */
    final int slot;
    final int chunkRecords;
    final int capacity;
    private final Pool pool;
    private byte[][] chunks;
    private int count;
    /** The chunk {@link #add(RecordSource, int)} copies into, and where in it; cursor == cursorEnd: find the next one. */
    private byte[] current;
    private int cursor;
    private int cursorEnd;

    RawRowGroup(Pool pool, int capacity) {
        this.pool = pool;
        this.recordLength = pool.recordLength;
        this.slot = pool.slot;
        this.chunkRecords = pool.chunkRecords;
        this.capacity = capacity;
        this.chunks = new byte[(capacity + chunkRecords - 1) / chunkRecords][];
    }

    /** Copies up to {@code n} next records of {@code src}, one after the other; returns how many fitted. */
    int add(RecordSource src, int n) {
        int done = 0;
        while (done < n && count < capacity) {
            if (cursor == cursorEnd) {
                nextChunk();
            }
            int k = Math.min(n - done, (cursorEnd - cursor) / slot);
            src.copyTo(current, cursor, k, slot, recordLength);
            cursor += k * slot;
            count += k;
            done += k;
        }
        return done;
    }

    /** Points the cursor at the free slots of the chunk that holds record {@link #count}. */
    private void nextChunk() {
        int c = count / chunkRecords;
        if (chunks[c] == null) {
            chunks[c] = pool.take();
        }
        current = chunks[c];
        cursor = (count - c * chunkRecords) * slot;
        cursorEnd = Math.min(chunkRecords, capacity - c * chunkRecords) * slot;
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
            if (slot == recordLength) {
                System.arraycopy(src, off + done * recordLength, chunks[c], at * recordLength, k * recordLength);
            } else {
                for (int i = 0; i < k; i++) {
                    System.arraycopy(src, off + (done + i) * recordLength, chunks[c], (at + i) * slot, recordLength);
                }
            }
            done += k;
            count += k;
        }
        cursor = cursorEnd; // one-record adds find their slot anew
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
        current = null;
        for (byte[] c : cs) {
            if (c != null) {
                pool.give(c);
            }
        }
    }
}
