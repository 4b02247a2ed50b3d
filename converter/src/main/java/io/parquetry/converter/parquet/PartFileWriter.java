package io.parquetry.converter.parquet;

import java.io.IOException;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.schema.MessageType;

/**
 * parquet-hadoop's file writer, opened for pages we encode ourselves (page CRCs on). It exists only to close the
 * stream of an abandoned file: {@link ParquetFileWriter#abort()} marks the writer but leaves the stream open.
 */
final class PartFileWriter extends ParquetFileWriter {

    private static final ParquetProperties PROPERTIES = ParquetProperties.builder().withPageWriteChecksumEnabled(true).build();

    PartFileWriter(OutputFile file, MessageType schema, long rowGroupBytes) throws IOException {
        super(file, schema, Mode.CREATE, rowGroupBytes, 0, null, PROPERTIES);
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
