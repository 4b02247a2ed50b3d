package io.parquetry.converter.parquet;

import io.parquetry.schema.Field;
import io.parquetry.schema.RecordLayout;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The raw records of one row group, copied in schema layout into fixed-size chunks, one record every {@code slot} bytes.
 * The slot is the record length, or, for records from a queue, the distance between records in its cycle files
 * (the stride of the part's schema version in the queue: the record, what follows it, padding, the next header), so that a run of records is copied in one
 * piece. A chunk (about 256 KiB) is also the slab the encoder transposes at a time, so the records are read from memory
 * once and the column extraction runs in cache. Chunks come from, and go back to, their file's {@link Pool} as soon as
 * the row group is transposed.
 *
 * <p>A schema with {@code string(N)} or {@code binary(N)} fields has records of varying length: each whole record is
 * copied into the row group's {@link RecordArena} ({@link #addRecord}), where the variable columns are read, and its
 * fixed part from there into the stride chunks ({@code recordLength} is then the fixed part's length), where the fixed
 * columns are read by the same loops as for any schema. Such a row group is full at {@code capacity} records or at
 * {@code byteLimit} bytes of records, whichever comes first; a record that would take it past the byte limit starts the
 * next one, and a record longer than the limit is alone in its row group.
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
        /** The schema's variable fields in declaration order; empty for a schema of fixed-length records. */
        final Field[] variables;
        /** Schemas with variable fields: bytes of records a row group holds at most (one longer record stands alone). */
        final long byteLimit;
        private final ConcurrentLinkedQueue<byte[]> free;
        private final ConcurrentLinkedQueue<RecordArena> freeArenas;
        /** Chunks taken and not given back: this file's raw records in memory. */
        private final AtomicInteger inUse = new AtomicInteger();
        /** The most ever in use (read by the file's own thread, for tests of the memory bound). */
        private int maxInUse;
        /** Heap bytes of the arenas taken and not given back. */
        private final AtomicLong arenaBytesInUse = new AtomicLong();
        private long maxArenaBytesInUse;

        /** @param slot bytes from one record's start to the next in a chunk, at least {@code recordLength} */
        Pool(int recordLength, int slot, int rowGroupRecords, RowGroupEncoders encoders) {
            this(recordLength, slot, rowGroupRecords, new Field[0], Long.MAX_VALUE, encoders);
        }

        /**
         * @param recordLength the record's length, or with {@code variables} the fixed part's
         * @param variables the schema's variable fields, in declaration order (none: fixed-length records)
         * @param byteLimit with variable fields, the most bytes of records a row group holds (a longer record alone)
         */
        Pool(int recordLength, int slot, int rowGroupRecords, Field[] variables, long byteLimit, RowGroupEncoders encoders) {
            if (slot < recordLength) {
                throw new IllegalArgumentException("record slot shorter than the record: slot=" + slot + ", recordLength=" + recordLength);
            }
            this.recordLength = recordLength;
            this.slot = slot;
            this.chunkRecords = Math.max(1, Math.min(rowGroupRecords, CHUNK_BYTES / slot));
            this.free = encoders.freeChunks(Math.multiplyExact(chunkRecords, slot));
            this.variables = variables.clone();
            this.byteLimit = byteLimit;
            this.freeArenas = encoders.freeArenas();
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

        RecordArena takeArena(int rowGroupRecords) {
            RecordArena a = freeArenas.poll();
            if (a == null) {
                a = new RecordArena((int) Math.min(RecordArena.INITIAL_BYTES, byteLimit), Math.min(rowGroupRecords, 1 << 12));
            }
            a.used = 0;
            grew(a.heapBytes());
            return a;
        }

        /** Counts {@code bytes} more of arenas held (by the file's own thread, which takes and grows them). */
        void grew(long bytes) {
            if (bytes != 0) {
                maxArenaBytesInUse = Math.max(maxArenaBytesInUse, arenaBytesInUse.addAndGet(bytes));
            }
        }

        void giveArena(RecordArena a) {
            arenaBytesInUse.addAndGet(-a.heapBytes());
            freeArenas.add(a);
        }

        /** The most heap bytes of arenas this file ever held at once (for tests of the memory bound). */
        long maxArenaBytesInUse() {
            return maxArenaBytesInUse;
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
    /** Schemas with variable fields: the whole records; null until the first, and for fixed-length records. */
    private RecordArena arena;

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

    /**
     * Schemas with variable fields: whether a record of {@code length} bytes fits (an empty row group takes any record).
     */
    boolean fits(int length) {
        return count < capacity && (count == 0 || arena.used + (long) length <= pool.byteLimit);
    }

    /**
     * Schemas with variable fields: copies the next record of {@code src}, {@code length} bytes; the caller checked that
     * it {@link #fits}.
     *
     * @throws IllegalArgumentException when the record's values are not well formed ({@link RecordLayout#checkVariable});
     *     the row group is unchanged
     */
    void addRecord(RecordSource src, int length) {
        int at = reserve(length);
        src.copyTo(arena.bytes, at, length);
        took(at, length);
    }

    /** As {@link #addRecord(RecordSource, int)}, the record at {@code src[off, off + length)}. */
    void addRecord(byte[] src, int off, int length) {
        int at = reserve(length);
        System.arraycopy(src, off, arena.bytes, at, length);
        took(at, length);
    }

    private int reserve(int length) {
        if (arena == null) {
            arena = pool.takeArena(capacity);
        }
        pool.grew(arena.reserve(count, length, pool.byteLimit));
        return arena.used;
    }

    /** Checks the record copied to the arena at {@code at}, then counts it and copies its fixed part to its slot. */
    private void took(int at, int length) {
        byte[] b = arena.bytes;
        String problem = RecordLayout.checkVariable(b, at, length, pool.variables);
        if (problem != null) {
            throw new IllegalArgumentException("record is not well formed: " + problem + ": record=" + count);
        }
        if (cursor == cursorEnd) {
            nextChunk();
        }
        System.arraycopy(b, at, current, cursor, recordLength);
        cursor += slot;
        arena.starts[count++] = at;
        arena.used = at + length;
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
        return count == capacity || (arena != null && arena.used >= pool.byteLimit);
    }

    /** Bytes of the records held. */
    long bytes() {
        return arena != null ? arena.used : (long) count * recordLength;
    }

    /** Schemas with variable fields: the whole records ({@code arena().starts[i]}: where record {@code i} starts). */
    RecordArena arena() {
        return arena;
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
        RecordArena a = arena;
        arena = null;
        if (a != null) {
            pool.giveArena(a);
        }
    }
}
