package io.parquetry.converter.parquet;

import io.parquetry.schema.Schema;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.MessageType;

/**
 * One Parquet file being written from records in a schema's layout: {@link #append} them, then {@link #end} (footer,
 * sync, close) or {@link #abort}. Encoding runs on the shared {@link RowGroupEncoders}; every call of this class is made
 * by one thread, the converter's.
 */
public final class ParquetPartFile {

    private final int recordLength;
    private final EncodeStage stage;
    private final CodecFactory codecs;
    private final PartWriter writer;
    private long rows;
    private boolean done;

    private ParquetPartFile(Schema schema, ParquetOptions options, SyncedOutputFile out, RowGroupEncoders encoders) throws IOException {
        this.recordLength = schema.recordLength();
        MessageType type = ParquetSchemas.toParquet(schema);
        ParquetProperties props = ParquetProperties.builder()
                .withWriterVersion(options.pageV2() ? ParquetProperties.WriterVersion.PARQUET_2_0 : ParquetProperties.WriterVersion.PARQUET_1_0)
                .withPageSize(options.pageBytes()).withDictionaryPageSize(options.pageBytes()).withDictionaryEncoding(options.dictionary())
                .build();
        this.codecs = new CodecFactory(new Configuration(false), options.pageBytes());
        try {
            this.stage = encoders.stage(recordLength);
            stage.resetEstimate();
            this.writer = new PartWriter(schema, type, props, codecs.getCompressor(options.compression()), out, options.rowGroupBytes());
        } catch (IOException | RuntimeException e) {
            codecs.release();
            throw e;
        }
    }

    /** Starts a file at {@code out} (nothing is visible under its final name before the caller publishes it). */
    public static ParquetPartFile create(Schema schema, ParquetOptions options, SyncedOutputFile out, RowGroupEncoders encoders)
            throws IOException {
        return new ParquetPartFile(schema, options, out, encoders);
    }

    /** Hands over {@code count} records of {@code records} from {@code offset} (copied before this returns). */
    public void append(byte[] records, int offset, int count) throws IOException {
        checkOpen();
        stage.add(writer, records, offset, count);
        rows += count;
    }

    public long rows() {
        return rows;
    }

    /** The file's size if it ended now, estimated from what is encoded so far. */
    public long estimatedBytes() {
        return stage.projectedBytes(rows, recordLength);
    }

    /**
     * Encodes what is left, writes the footer with {@code keyValueMetadata} and closes the file, synced.
     *
     * @return the file's length
     * @throws IOException after aborting the file
     */
    public long end(Map<String, String> keyValueMetadata) throws IOException {
        checkOpen();
        try {
            stage.drain();
            writer.end(keyValueMetadata);
        } catch (IOException | RuntimeException | Error e) {
            abort();
            throw e;
        }
        done = true;
        codecs.release();
        return writer.fileBytes();
    }

    /** The footer written by {@link #end}. */
    public ParquetMetadata footer() {
        return writer.footer();
    }

    /** Gives the file up: nothing is published. Idempotent. */
    public void abort() {
        if (!done) {
            done = true;
            stage.reset();
            writer.abort();
            codecs.release();
        }
    }

    private void checkOpen() {
        if (done) {
            throw new IllegalStateException("Parquet file already ended or aborted");
        }
    }
}
