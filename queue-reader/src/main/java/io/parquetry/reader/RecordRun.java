package io.parquetry.reader;

import net.openhft.chronicle.bytes.BytesStore;

/**
 * Records of the schema's length that follow one another in a cycle file, handed on together by a {@link QueueReader}
 * (see {@link QueueReader.Consumer#acceptRun}). Valid only during that call; reusable, allocates nothing.
 */
public final class RecordRun {

    private final RecordReader reader;
    private final int recordLength;
    private final int excerptLength;
    private BytesStore<?, ?> store;
    private long base;
    private int stride;
    private int count;

    RecordRun(RecordReader reader, int recordLength, int excerptLength) {
        this.reader = reader;
        this.recordLength = recordLength;
        this.excerptLength = excerptLength;
    }

    /** Points the run at {@code count} records, the first one's bytes at {@code base}, each {@code stride} bytes after the last. */
    void wrap(BytesStore<?, ?> store, long base, int count, int stride) {
        this.store = store;
        this.base = base;
        this.count = count;
        this.stride = stride;
    }

    /** The schema version of every record of the run. */
    public io.parquetry.schema.Schema schema() {
        return reader.schema();
    }

    /** The number of records in the run. */
    public int count() {
        return count;
    }

    /** Copies record {@code i}'s {@code length} bytes (at most the schema's record length) into {@code dst} at {@code offset}. */
    public void copyTo(int i, byte[] dst, int offset, int length) {
        if (i < 0 || i >= count || length < 0 || length > recordLength) {
            throw new IndexOutOfBoundsException("record " + i + " of a run of " + count + ", " + length + " of " + recordLength + " bytes");
        }
        copy(base + (long) i * stride, dst, offset, length);
    }

    /**
     * Bytes from one record of the run to the next: the record, then its padding and the next record's header
     * (its version's {@code ExcerptFormat.stride()}).
     */
    public int stride() {
        return stride;
    }

    /**
     * Copies records {@code i .. i+n-1} as they lie in the queue, in one copy: {@code n} slots of {@link #stride()} bytes
     * into {@code dst} at {@code offset}, record {@code i+j} at {@code offset + j * stride()}. The bytes of a slot after
     * the record (padding, the next record's header) are copied too and mean nothing to the caller. They are in the file:
     * every record of a run is followed by a complete header.
     */
    public void copyRecords(int i, int n, byte[] dst, int offset) {
        if (i < 0 || n < 0 || i > count - n) {
            throw new IndexOutOfBoundsException("records " + i + ".." + (i + n - 1) + " of a run of " + count);
        }
        copy(base + (long) i * stride, dst, offset, Math.multiplyExact(n, stride));
    }

    /** Chronicle's read stops short, silently, at the store's read limit: stale bytes must never pass for records. */
    private void copy(long from, byte[] dst, int offset, int length) {
        long read = store.read(from, dst, offset, length);
        if (read != length) {
            throw new IllegalStateException("read " + read + " of " + length + " bytes of a run at position " + from + ": the mapping ends at "
                    + store.readLimit());
        }
    }

    /** The reader pointed at record {@code i}; valid until the next call. */
    public RecordReader record(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("record " + i + " of a run of " + count);
        }
        reader.wrap(store, base + (long) i * stride, excerptLength);
        return reader;
    }
}
