package io.parquetry.converter.table;

import java.util.Objects;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

/**
 * A Parquet file the converter has closed, synced and published under its final name, ready to be appended to a table.
 *
 * @param path fully qualified URI of the committed file (as {@code FileSystem.makeQualified} gives it)
 * @param fileSizeBytes the file's length
 * @param rows records in the file
 * @param firstIndex queue index of the file's first record
 * @param lastIndex queue index of the file's last record (at least {@code firstIndex})
 * @param cycleStartMillis start of the queue cycle of the file's first record, epoch milliseconds UTC: the
 *     {@code dt=/hour=} partition the file lives in ({@code DatasetPaths}); a file never spans two cycles
 * @param footer the footer the writer wrote (schema with field ids, row groups and their statistics), so the table's
 *     column metrics come from it without reading the file again
 */
public record PublishedFile(String path, long fileSizeBytes, long rows, long firstIndex, long lastIndex, long cycleStartMillis,
        ParquetMetadata footer) {

    public PublishedFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(footer, "footer");
        if (firstIndex < 0 || lastIndex < firstIndex) {
            throw new IllegalArgumentException("bad index range: path=" + path + ", firstIndex=" + firstIndex + ", lastIndex=" + lastIndex);
        }
        if (rows < 0 || fileSizeBytes <= 0) {
            throw new IllegalArgumentException("bad file: path=" + path + ", rows=" + rows + ", fileSizeBytes=" + fileSizeBytes);
        }
    }
}
