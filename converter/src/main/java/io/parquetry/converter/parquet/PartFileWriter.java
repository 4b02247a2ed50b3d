package io.parquetry.converter.parquet;

import java.io.IOException;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * parquet-hadoop's file writer, opened for pages we encode ourselves (page CRCs on). It exists only to close the
 * stream of an abandoned file: {@link ParquetFileWriter#abort()} marks the writer but leaves the stream open.
 *
 * <p>The writer builds each chunk's column index and footer statistics from the page statistics we hand it, truncating
 * long binary bounds as parquet-java's own writer does (the minimum cut, the maximum cut and incremented, at a UTF-8
 * character boundary for strings): the column index at {@link #TRUNCATE_LENGTH} bytes always (parquet-java's default),
 * and for a schema with {@code string(N)} or {@code binary(N)} fields the footer statistics too, which parquet-java
 * leaves whole by default and drops altogether past 4 KiB, so that a chunk of long values keeps bounds readers can
 * prune with. A schema without them keeps the footers it always had.
 */
final class PartFileWriter extends ParquetFileWriter {

    /** Bytes a binary minimum or maximum keeps in the column index and, for variable fields, in the footer statistics. */
    static final int TRUNCATE_LENGTH = ParquetProperties.DEFAULT_COLUMN_INDEX_TRUNCATE_LENGTH;

    private static final ParquetProperties PROPERTIES = ParquetProperties.builder().withPageWriteChecksumEnabled(true)
            .withColumnIndexTruncateLength(TRUNCATE_LENGTH).build();
    private static final ParquetProperties VARIABLE_PROPERTIES = ParquetProperties.builder().withPageWriteChecksumEnabled(true)
            .withColumnIndexTruncateLength(TRUNCATE_LENGTH).withStatisticsTruncateLength(TRUNCATE_LENGTH).build();

    /** @param variable the schema has {@code string(N)} or {@code binary(N)} fields: footer statistics are truncated too */
    PartFileWriter(OutputFile file, MessageType schema, long rowGroupBytes, boolean variable) throws IOException {
        super(file, schema, Mode.CREATE, rowGroupBytes, 0, null, variable ? VARIABLE_PROPERTIES : PROPERTIES);
    }

    /** Closes the stream without a footer; the caller deletes or abandons the file. */
    void closeStreamQuietly() {
        try {
            out.close();
        } catch (IOException | RuntimeException ignored) {
            // abandoning: the file is incomplete whatever happens here
        }
    }
}
