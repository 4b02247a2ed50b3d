package io.parquetry.converter.parquet;

import io.parquetry.schema.Schema;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * One Parquet file being written column at a time. Records (raw bytes in the schema's layout) are copied into row
 * groups of {@code max(1, rowGroupBytes / recordLength)} records; each full row group is encoded on a
 * {@link RowGroupEncoders} thread while the next one fills, and the encoded row groups are appended to the file strictly
 * in order by the thread that calls {@link #append} and {@link #end}: all output I/O happens on that thread, so its
 * errors surface there. An encoder's failure surfaces at the next {@code append} or {@code end} as an
 * {@link IOException} naming the column, and the file is aborted.
 *
 * <p>Memory, per file: at most {@code T + 1} row groups of raw records, where {@code T} is the pool's thread count (one
 * filling, up to {@code T} submitted; a submitted row group gives its records back as soon as they are transposed, to
 * a free list the pool's files share), so
 * at most {@code (T + 1) * rowGroupBytes} bytes of records, plus the compressed pages of at most {@code T} row groups
 * waiting to be written. Per encoder thread (shared by all files): one row group's column vectors, about
 * {@code rows * (8 per numeric or char(N<=8) column + 1 per bool + N per char(N>8) or bytes(N) + 1 per nullable column
 * + 4 for dictionary indices)} bytes, and page buffers.
 *
 * <p>Life cycle: {@link #create} → {@link #append}* → {@link #end} (footer; returns the length) or {@link #abort} (gives
 * the file up, drops row groups in flight, waits until no encoder works for it; idempotent). Not thread-safe: one thread
 * at a time, with a happens-before edge when the calling thread changes.
 */
public final class ParquetPartFile {

    private enum State { OPEN, ENDED, ABORTED }

    private final FilePlan plan;
    private final RowGroupEncoders pool;
    private final OutputFile out;
    private final PartFileWriter writer;
    private final RawRowGroup.Pool chunks;
    private final CompressionCodecName codec;
    private final boolean v2;
    private final int recordLength;
    private final int rowGroupRecords;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();

    private RawRowGroup filling;
    private State state = State.OPEN;
    private volatile boolean abandoned;
    private volatile Throwable failure;
    private int nextOrdinal;
    private long rows;
    private long rowsWritten;
    private long encodedBytesWritten;
    private long filePos;
    private long truncated;
    private ParquetMetadata footer;

    private ParquetPartFile(FilePlan plan, MessageType messageType, int recordLength, int recordSlot, OutputFile out,
            RowGroupEncoders pool) throws IOException {
        this.plan = plan;
        this.pool = pool;
        this.out = out;
        ParquetOptions o = plan.options();
        this.codec = o.compression().parquetName();
        this.v2 = o.pageV2();
        this.recordLength = recordLength;
        this.rowGroupRecords = (int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, o.rowGroupBytes() / recordLength));
        this.chunks = new RawRowGroup.Pool(recordLength, recordSlot, rowGroupRecords, pool);
        this.writer = new PartFileWriter(out, messageType, o.rowGroupBytes());
        try {
            writer.start();
            filePos = writer.getPos();
        } catch (IOException | RuntimeException e) {
            abortOutput();
            throw e;
        }
    }

    /**
     * Checks {@code options} against the schema a converter is about to write (call it at start-up, where a queue's
     * schema is known): {@link #create} would refuse them later.
     *
     * @throws IllegalArgumentException naming a bloom filter column the schema lacks, or one on a bool column
     */
    public static void check(Schema schema, ParquetOptions options) {
        ColumnLayout.check(schema, options);
    }

    /**
     * Creates the file and writes its header.
     *
     * @throws IllegalArgumentException naming a bloom filter column the schema lacks (before anything is created)
     */
    public static ParquetPartFile create(Schema schema, ParquetOptions options, OutputFile out, RowGroupEncoders pool) throws IOException {
        return create(schema, options, out, pool, schema.recordLength(), FilePlan.ColumnHook.NONE);
    }

    /**
     * As {@link #create(Schema, ParquetOptions, OutputFile, RowGroupEncoders)}, with records kept {@code recordSlot} bytes
     * apart in the row groups: a {@link RecordSource} whose records lie that far apart (a run in a queue's cycle file)
     * is then copied in one piece.
     *
     * @param recordSlot at least the schema's record length
     */
    public static ParquetPartFile create(Schema schema, ParquetOptions options, OutputFile out, RowGroupEncoders pool, int recordSlot)
            throws IOException {
        return create(schema, options, out, pool, recordSlot, FilePlan.ColumnHook.NONE);
    }

    static ParquetPartFile create(Schema schema, ParquetOptions options, OutputFile out, RowGroupEncoders pool, FilePlan.ColumnHook hook)
            throws IOException {
        return create(schema, options, out, pool, schema.recordLength(), hook);
    }

    private static ParquetPartFile create(Schema schema, ParquetOptions options, OutputFile out, RowGroupEncoders pool, int recordSlot,
            FilePlan.ColumnHook hook) throws IOException {
        MessageType messageType = ParquetSchemas.toParquet(schema, options.timestampUnit());
        FilePlan plan = new FilePlan(ColumnLayout.of(schema, messageType, options), options, hook);
        return new ParquetPartFile(plan, messageType, schema.recordLength(), recordSlot, out, pool);
    }

    /**
     * Appends the next {@code count} records of {@code records}, copied one after the other straight into the row groups
     * (no copy in between); as {@link #append(byte[], int, int)} otherwise.
     */
    public void append(RecordSource records, int count) throws IOException {
        checkOpen();
        if (count < 0) {
            throw new IllegalArgumentException("negative record count: " + count);
        }
        while (count > 0) {
            if (filling == null) {
                filling = new RawRowGroup(chunks, rowGroupRecords);
            }
            int k = filling.add(records, count);
            rows += k;
            count -= k;
            if (filling.full()) {
                submitFilling();
            }
        }
    }

    /**
     * Copies {@code count} records of {@code schema.recordLength()} bytes starting at {@code offset}. Blocks while the
     * pool holds this file's limit of row groups; writes finished row groups.
     */
    public void append(byte[] records, int offset, int count) throws IOException {
        checkOpen();
        if (offset < 0 || count < 0 || (long) offset + (long) count * recordLength > records.length) {
            throw new IllegalArgumentException("records out of bounds: offset=" + offset + ", count=" + count + ", recordLength="
                    + recordLength + ", length=" + records.length);
        }
        while (count > 0) {
            if (filling == null) {
                filling = new RawRowGroup(chunks, rowGroupRecords);
            }
            int k = filling.add(records, offset, count);
            rows += k;
            offset += k * recordLength;
            count -= k;
            if (filling.full()) {
                submitFilling();
            }
        }
    }

    public long rows() {
        return rows;
    }

    /**
     * The file's expected final size: bytes written so far, plus the records not yet written at the ratio of encoded to
     * raw bytes seen so far (1 before the first row group is written).
     */
    public long estimatedBytes() {
        long pendingRaw = (rows - rowsWritten) * recordLength;
        double ratio = rowsWritten == 0 ? 1.0 : (double) encodedBytesWritten / (rowsWritten * (double) recordLength);
        return filePos + (long) (pendingRaw * ratio);
    }

    /** Timestamps that lost precision converting to {@link ParquetOptions#timestampUnit()}, in row groups written so far. */
    public long truncatedTimestamps() {
        return truncated;
    }

    /**
     * Encodes and writes what is left, then the footer with {@code keyValueMetadata}; closes the output. On failure the
     * file is aborted and the error rethrown.
     *
     * @return the file's length
     */
    public long end(Map<String, String> keyValueMetadata) throws IOException {
        checkOpen();
        try {
            if (filling != null && filling.count() > 0) {
                submitFilling();
            }
            while (!inFlight.isEmpty()) {
                writeHead();
            }
            writer.end(keyValueMetadata == null ? Map.of() : keyValueMetadata);
            footer = writer.getFooter();
            filePos = writer.getPos();
            state = State.ENDED;
            return filePos;
        } catch (IOException | RuntimeException | Error e) {
            abort();
            throw e;
        }
    }

    /** The footer, after {@link #end}. */
    public ParquetMetadata footer() {
        if (state != State.ENDED) {
            throw new IllegalStateException("footer before the file ended: state=" + state + ", file=" + out.getPath());
        }
        return footer;
    }

    /**
     * Gives the file up: row groups in flight are dropped (an encoder stops at its next column), and this returns once
     * no encoder works for this file; the output is aborted ({@link SyncedOutputFile#abort()}) or, for another
     * {@link OutputFile}, closed without a footer. Idempotent; does nothing after a successful {@link #end}.
     */
    public void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        abandoned = true;
        if (filling != null) {
            filling.release();
            filling = null;
        }
        boolean interrupted = false;
        for (InFlight f : inFlight) {
            f.cancelled = true;
            if (f.handle != null && pool.cancel(f.handle)) {
                f.dropQueued(); // never started: no encoder will touch it
            }
        }
        for (InFlight f : inFlight) {
            while (true) {
                try {
                    f.done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: the task ends at its next column
                }
            }
        }
        inFlight.clear();
        abortOutput();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The most record chunks this file ever held, and how many one row group takes (for tests of the memory bound). */
    int maxChunksInUse() {
        return chunks.maxInUse();
    }

    /** Row groups submitted and not yet written. */
    int inFlight() {
        return inFlight.size();
    }

    int chunksPerRowGroup() {
        return (rowGroupRecords + chunks.chunkRecords - 1) / chunks.chunkRecords;
    }

    private void abortOutput() {
        writer.abort();
        if (out instanceof SyncedOutputFile s) {
            try {
                s.abort();
            } catch (IOException | RuntimeException ignored) {
                // the caller deletes what it can; the converter's recovery deletes the rest
            }
        } else {
            writer.closeStreamQuietly();
        }
    }

    private void checkOpen() throws IOException {
        if (state != State.OPEN) {
            throw new IllegalStateException("file is not open: state=" + state + ", file=" + out.getPath());
        }
        Throwable t = failure;
        if (t != null) {
            throw failed(t);
        }
    }

    private IOException failed(Throwable t) {
        abort();
        return new IOException("cannot encode Parquet: file=" + out.getPath() + ": " + t.getMessage(), t);
    }

    private void submitFilling() throws IOException {
        RawRowGroup g = filling;
        filling = null;
        while (inFlight.size() >= pool.threads()) {
            writeHead();
        }
        InFlight f = new InFlight(this, g, nextOrdinal++);
        try {
            f.handle = pool.execute(f);
        } catch (IOException e) {
            g.release();
            abort();
            throw e;
        }
        inFlight.addLast(f);
        while (!inFlight.isEmpty() && inFlight.peekFirst().done.getCount() == 0) {
            writeHead();
        }
    }

    /** Waits for the oldest row group in flight and writes it. */
    private void writeHead() throws IOException {
        InFlight f = inFlight.peekFirst();
        try {
            f.done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for an encoder: file=" + out.getPath());
        }
        if (f.failure != null) {
            throw failed(f.failure);
        }
        inFlight.pollFirst();
        write(f.ordinal, f.result);
    }

    private void write(int ordinal, EncodedRowGroup g) throws IOException {
        long before = filePos;
        try {
            writer.startBlock(g.rows);
            for (EncodedRowGroup.Chunk c : g.chunks) {
                writer.startColumn(c.column().descriptor, g.rows, codec);
                if (c.dictionary() != null) {
                    writer.writeDictionaryPage(c.dictionary());
                }
                for (EncodedRowGroup.Page p : c.pages()) {
                    if (v2) {
                        writer.writeDataPageV2(p.rows(), p.nulls(), p.rows(), BytesInput.empty(), BytesInput.from(p.defLevels()), p.encoding(),
                                BytesInput.from(p.data()), p.compressed(), p.uncompressedSize(), p.statistics(), null, null);
                    } else {
                        writer.writeDataPage(p.rows(), p.uncompressedSize(), BytesInput.from(p.data()), p.statistics(), p.rows(),
                                Encoding.RLE, Encoding.RLE, p.encoding());
                    }
                }
                writer.endColumn();
                if (c.bloom() != null) {
                    writer.addBloomFilter(c.column().descriptor.getPrimitiveType().getName(), c.bloom());
                }
            }
            writer.endBlock();
            filePos = writer.getPos();
        } catch (IOException | RuntimeException e) {
            abort();
            throw new IOException("cannot write Parquet: file=" + out.getPath() + ", rowGroup=" + ordinal + ", position=" + before + ": " + e, e);
        }
        rowsWritten += g.rows;
        encodedBytesWritten += filePos - before;
        truncated += g.truncatedTimestamps;
    }

    /** A row group submitted to the pool; its fields are published by {@link #done}. */
    private static final class InFlight implements Runnable {
        final ParquetPartFile file;
        final RawRowGroup raw;
        final int ordinal;
        final CountDownLatch done = new CountDownLatch(1);
        /** The pool's handle, to take the task off the queue on abort. */
        Runnable handle;
        volatile boolean cancelled;
        EncodedRowGroup result;
        Throwable failure;

        InFlight(ParquetPartFile file, RawRowGroup raw, int ordinal) {
            this.file = file;
            this.raw = raw;
            this.ordinal = ordinal;
        }

        void dropQueued() {
            failure = new CancellationException("file aborted");
            raw.release();
            done.countDown();
        }

        @Override
        public void run() {
            try {
                if (!cancelled) {
                    result = RowGroupEncoders.encoder().encode(file.plan, raw, ordinal, () -> cancelled || file.abandoned);
                } else {
                    failure = new CancellationException("file aborted");
                }
            } catch (Throwable t) {
                failure = t;
                if (!(t instanceof CancellationException) && file.failure == null) {
                    file.failure = t;
                }
            } finally {
                raw.release();
                done.countDown();
            }
        }
    }
}
