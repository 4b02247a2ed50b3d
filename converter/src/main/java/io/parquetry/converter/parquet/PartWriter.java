package io.parquetry.converter.parquet;

import io.parquetry.schema.Schema;
import java.io.IOException;
import java.util.Map;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.schema.MessageType;

/**
 * The converter's part writer, kept for its callers while the converter moves to {@link ParquetPartFile}: records are
 * collected into batches of about 256 KiB and handed to a {@link ParquetPartFile}, encoded on a process-wide
 * {@link RowGroupEncoders} pool of one thread per available processor. Not thread-safe.
 */
public final class PartWriter implements AutoCloseable {

    private static final class SharedPool {
        static final RowGroupEncoders POOL = new RowGroupEncoders(Runtime.getRuntime().availableProcessors(), "parquetry-part-encoder");
        private static final java.util.concurrent.atomic.AtomicBoolean WARM = new java.util.concurrent.atomic.AtomicBoolean();

        /** The pool, warmed up with the first writer's codec while that writer's first records arrive. */
        static RowGroupEncoders get(org.apache.parquet.hadoop.metadata.CompressionCodecName codec) {
            if (WARM.compareAndSet(false, true)) {
                POOL.warmUp(codec);
            }
            return POOL;
        }
    }

    private static final int BATCH_BYTES = 256 << 10;

    private final ParquetPartFile file;
    private final int recordLength;
    private final byte[] batch;
    private int batched;
    private long fileBytes;
    private boolean closed;

    /**
     * @param messageType must be {@code ParquetSchemas.toParquet(schema)} (the file's type comes from the schema)
     * @param props page version, page size and dictionary switch are taken from it
     * @param compressor only its codec is used
     */
    public PartWriter(Schema schema, MessageType messageType, ParquetProperties props, CompressionCodecFactory.BytesInputCompressor compressor,
            SyncedOutputFile out, long rowGroupBytes) throws IOException {
        MessageType expected = ParquetSchemas.toParquet(schema);
        if (!expected.equals(messageType)) {
            throw new IllegalArgumentException("message type does not match the schema: schema=" + schema.identity() + ", type=" + messageType);
        }
        boolean dictionary = props.isDictionaryEnabled(messageType.getColumns().get(0)); // one switch for all columns
        ParquetOptions options = new ParquetOptions(compressor.getCodecName(), props.getWriterVersion() == ParquetProperties.WriterVersion.PARQUET_2_0,
                Math.min(rowGroupBytes, ParquetOptions.MAX_ROW_GROUP_BYTES), props.getPageSizeThreshold(), dictionary, 0, null, null);
        this.recordLength = schema.recordLength();
        this.batch = new byte[Math.max(1, BATCH_BYTES / recordLength) * recordLength];
        this.file = ParquetPartFile.create(schema, options, out, SharedPool.get(options.compression()));
    }

    /** Appends one record whose {@code schema.recordLength()} bytes start at {@code off} in {@code rec}. */
    public void write(byte[] rec, int off) throws IOException {
        System.arraycopy(rec, off, batch, batched * recordLength, recordLength);
        if (++batched * recordLength == batch.length) {
            flush();
        }
    }

    private void flush() throws IOException {
        if (batched > 0) {
            int n = batched;
            batched = 0;
            file.append(batch, 0, n);
        }
    }

    public long rows() {
        return file.rows() + batched;
    }

    /** An estimate of the final file size: bytes written plus the rows in flight at the compression ratio seen so far. */
    public long estimatedBytes() throws IOException {
        return file.estimatedBytes() + (long) batched * recordLength;
    }

    /** Writes the last row groups and the footer with {@code metadata}, and closes (syncing, for a {@link SyncedOutputFile}). */
    public void close(Map<String, String> metadata) throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flush();
        } catch (IOException | RuntimeException e) {
            file.abort();
            throw e;
        }
        fileBytes = file.end(metadata);
    }

    /** Gives the file up without a footer: nothing is published (see {@link SyncedOutputFile#abort()}). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            file.abort();
        }
    }

    /** Bytes of the file once closed. */
    public long fileBytes() throws IOException {
        return fileBytes;
    }
}
