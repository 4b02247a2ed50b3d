package io.parquetry.converter.parquet;

import io.parquetry.schema.Field;
import io.parquetry.schema.RecordLayout;
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
 * <p>A schema with {@code string(N)} or {@code binary(N)} fields has records of {@code fixedLength} to
 * {@code maxRecordLength} bytes: a row group holds records until the next would take their bytes past
 * {@code rowGroupBytes}, and at most {@code rowGroupBytes / fixedLength} of them; a record longer than
 * {@code rowGroupBytes} (up to {@code maxRecordLength}, 16 MiB) makes a row group of its own. So a row group of such
 * records holds at most {@code B = max(rowGroupBytes, maxRecordLength)} bytes of records, whatever their sizes.
 *
 * <p>Memory, per file: at most {@code T + 1} row groups of raw records, where {@code T} is the pool's thread count (one
 * filling, up to {@code T} submitted; a submitted row group gives its records back as soon as they are transposed, to
 * a free list the pool's files share), so
 * at most {@code (T + 1) * rowGroupBytes} bytes of records, plus the compressed pages of at most {@code T} row groups
 * waiting to be written. Per encoder thread (shared by all files): one row group's column vectors, about
 * {@code rows * (8 per numeric or char(N<=8) column + 1 per bool + N per char(N>8) or bytes(N) + 1 per nullable column
 * + 4 for dictionary indices)} bytes, and page buffers. With variable fields, a row group's records are held twice over
 * their fixed parts (whole in a {@link RecordArena}, up to {@code B} bytes, and their fixed parts in stride chunks, up
 * to {@code rows * fixedLength <= rowGroupBytes} bytes), so the raw records in flight are at most
 * {@code (T + 1) * (B + rowGroupBytes)} bytes; an encoder's vectors add the values once more (their bytes in one vector
 * shared by the variable columns, and up to 16 bytes a value of offsets, lengths and dictionary indices); a page's
 * statistics keep at most 64 bytes of its smallest and largest values.
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
    /** The record's length, or for a schema with variable fields its fixed part's ({@link Schema#fixedLength()}: both). */
    private final int recordLength;
    /** Schemas with variable fields: the last one, whose end slot says where the record ends; else null. */
    private final Field lastVariable;
    private final int maxRecordLength;
    private final int rowGroupRecords;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();

    private RawRowGroup filling;
    private State state = State.OPEN;
    private volatile boolean abandoned;
    private volatile Throwable failure;
    private int nextOrdinal;
    private long rows;
    /** Bytes of the records appended, and of those in row groups written. */
    private long rawBytes;
    private long rawBytesWritten;
    private long rowsWritten;
    private long encodedBytesWritten;
    private long filePos;
    private long truncated;
    private ParquetMetadata footer;

    private ParquetPartFile(FilePlan plan, MessageType messageType, Schema schema, int recordSlot, OutputFile out, RowGroupEncoders pool)
            throws IOException {
        this.plan = plan;
        this.pool = pool;
        this.out = out;
        ParquetOptions o = plan.options();
        this.codec = o.compression().parquetName();
        this.v2 = o.pageV2();
        this.recordLength = schema.fixedLength();
        Field[] variables = schema.variableFields();
        this.lastVariable = variables.length == 0 ? null : variables[variables.length - 1];
        this.maxRecordLength = schema.variable() ? schema.maxRecordLength() : recordLength;
        this.rowGroupRecords = (int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, o.rowGroupBytes(schema) / recordLength));
        this.chunks = new RawRowGroup.Pool(recordLength, recordSlot, rowGroupRecords, variables, o.rowGroupBytes(schema), pool);
        this.writer = new PartFileWriter(out, messageType, o.rowGroupBytes(schema), schema.variable());
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
        return create(schema, options, out, pool, schema.fixedLength(), FilePlan.ColumnHook.NONE);
    }

    /**
     * As {@link #create(Schema, ParquetOptions, OutputFile, RowGroupEncoders)}, with records kept {@code recordSlot} bytes
     * apart in the row groups: a {@link RecordSource} whose records lie that far apart (a run in a queue's cycle file)
     * is then copied in one piece. With variable fields, the slot holds each record's fixed part.
     *
     * @param recordSlot at least the schema's record length, or with variable fields its fixed part's ({@link Schema#fixedLength()}, the
     *     record's length for a schema without)
     */
    public static ParquetPartFile create(Schema schema, ParquetOptions options, OutputFile out, RowGroupEncoders pool, int recordSlot)
            throws IOException {
        return create(schema, options, out, pool, recordSlot, FilePlan.ColumnHook.NONE);
    }

    static ParquetPartFile create(Schema schema, ParquetOptions options, OutputFile out, RowGroupEncoders pool, FilePlan.ColumnHook hook)
            throws IOException {
        return create(schema, options, out, pool, schema.fixedLength(), hook);
    }

    private static ParquetPartFile create(Schema schema, ParquetOptions options, OutputFile out, RowGroupEncoders pool, int recordSlot,
            FilePlan.ColumnHook hook) throws IOException {
        MessageType messageType = ParquetSchemas.toParquet(schema, options.timestampUnit());
        FilePlan plan = new FilePlan(ColumnLayout.of(schema, messageType, options), options, hook);
        return new ParquetPartFile(plan, messageType, schema, recordSlot, out, pool);
    }

    /**
     * Appends the next {@code count} records of {@code records}, copied one after the other straight into the row groups
     * (no copy in between); as {@link #append(byte[], int, int)} otherwise. With variable fields, each record's length
     * is {@link RecordSource#nextLength()}.
     *
     * @throws IllegalArgumentException for a record of variable fields whose length is out of the schema's range or whose
     *     values are not well formed ({@link RecordLayout#checkVariable}); the records before it are appended
     */
    public void append(RecordSource records, int count) throws IOException {
        checkOpen();
        if (count < 0) {
            throw new IllegalArgumentException("negative record count: " + count);
        }
        if (lastVariable != null) {
            for (int i = 0; i < count; i++) {
                int length = records.nextLength();
                checkLength(length);
                RawRowGroup g = rowGroupFor(length);
                g.addRecord(records, length);
                took(g, length);
            }
            return;
        }
        while (count > 0) {
            if (filling == null) {
                filling = new RawRowGroup(chunks, rowGroupRecords);
            }
            int k = filling.add(records, count);
            rows += k;
            rawBytes += (long) k * recordLength;
            count -= k;
            if (filling.full()) {
                submitFilling();
            }
        }
    }

    /**
     * Copies {@code count} records of {@code schema.recordLength()} bytes starting at {@code offset}, or with variable
     * fields {@code count} records one after the other, each as long as its last value's end slot says. Blocks while the
     * pool holds this file's limit of row groups; writes finished row groups.
     *
     * @throws IllegalArgumentException for records out of bounds, or not well formed; the records before are appended
     */
    public void append(byte[] records, int offset, int count) throws IOException {
        checkOpen();
        if (lastVariable != null) {
            appendVariable(records, offset, count);
            return;
        }
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
            rawBytes += (long) k * recordLength;
            offset += k * recordLength;
            count -= k;
            if (filling.full()) {
                submitFilling();
            }
        }
    }

    private void appendVariable(byte[] records, int offset, int count) throws IOException {
        if (offset < 0 || count < 0) {
            throw new IllegalArgumentException("records out of bounds: offset=" + offset + ", count=" + count + ", length=" + records.length);
        }
        for (int i = 0; i < count; i++) {
            if ((long) offset + recordLength > records.length) {
                throw new IllegalArgumentException("records out of bounds: record " + i + " at offset=" + offset + " has no fixed part of "
                        + recordLength + " bytes, length=" + records.length);
            }
            int length = RecordLayout.valueEnd(records, offset, lastVariable);
            checkLength(length);
            if ((long) offset + length > records.length) {
                throw new IllegalArgumentException("records out of bounds: record " + i + " at offset=" + offset + " of " + length
                        + " bytes, length=" + records.length);
            }
            RawRowGroup g = rowGroupFor(length);
            g.addRecord(records, offset, length);
            took(g, length);
            offset += length;
        }
    }

    private void checkLength(int length) {
        if (length < recordLength || length > maxRecordLength) {
            throw new IllegalArgumentException("record length out of the schema's range " + recordLength + ".." + maxRecordLength + ": length="
                    + length);
        }
    }

    /** The row group a record of {@code length} bytes goes to: the filling one, or the next when it does not fit. */
    private RawRowGroup rowGroupFor(int length) throws IOException {
        if (filling != null && !filling.fits(length)) {
            submitFilling();
        }
        if (filling == null) {
            filling = new RawRowGroup(chunks, rowGroupRecords);
        }
        return filling;
    }

    private void took(RawRowGroup g, int length) throws IOException {
        rows++;
        rawBytes += length;
        if (g.full()) {
            submitFilling();
        }
    }

    public long rows() {
        return rows;
    }

    /** Bytes of the records appended, in the schema's layout. */
    public long rawBytes() {
        return rawBytes;
    }

    /**
     * The file's expected final size: bytes written so far, plus the records not yet written at the ratio of encoded to
     * raw bytes seen so far (1 before the first row group is written).
     */
    public long estimatedBytes() {
        long pendingRaw = rawBytes - rawBytesWritten;
        double ratio = rowsWritten == 0 ? 1.0 : (double) encodedBytesWritten / (double) rawBytesWritten;
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

    /** The most heap bytes of record arenas this file ever held (schemas with variable fields; for tests of the memory bound). */
    long maxArenaBytesInUse() {
        return chunks.maxArenaBytesInUse();
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
        InFlight f = new InFlight(this, g, nextOrdinal++, g.bytes());
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
        write(f.ordinal, f.result, f.rawBytes);
    }

    private void write(int ordinal, EncodedRowGroup g, long raw) throws IOException {
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
        rawBytesWritten += raw;
        encodedBytesWritten += filePos - before;
        truncated += g.truncatedTimestamps;
    }

    /** A row group submitted to the pool; its fields are published by {@link #done}. */
    private static final class InFlight implements Runnable {
        final ParquetPartFile file;
        final RawRowGroup raw;
        final int ordinal;
        /** Bytes of the row group's records (before its encoder releases them). */
        final long rawBytes;
        final CountDownLatch done = new CountDownLatch(1);
        /** The pool's handle, to take the task off the queue on abort. */
        Runnable handle;
        volatile boolean cancelled;
        EncodedRowGroup result;
        Throwable failure;

        InFlight(ParquetPartFile file, RawRowGroup raw, int ordinal, long rawBytes) {
            this.file = file;
            this.raw = raw;
            this.ordinal = ordinal;
            this.rawBytes = rawBytes;
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
