package io.parquetry.converter.output;

import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

/**
 * A Parquet file made visible under its final name: what the rest of the commit protocol (table append, checkpoint,
 * commit log, status) needs to know of it.
 *
 * @param path the final, fully qualified path
 * @param bytes the file's length
 * @param rows records written into it
 * @param firstIndex queue index of its first record
 * @param lastIndex queue index of its last record (quarantined records included)
 * @param cycle queue cycle of its first record (its partition)
 * @param footer its footer, as written
 * @param truncatedTimestamps timestamp values that lost precision to {@code parquet.timestampUnit} (0 without it)
 */
public record CommittedFile(Path path, long bytes, long rows, long firstIndex, long lastIndex, int cycle, ParquetMetadata footer,
        long truncatedTimestamps) {

    /** CRC-32C of its first record's bytes, from its footer; -1 for a file written before footers carried it. */
    public long firstRecordChecksum() {
        return FooterKeys.checksum(footer.getFileMetaData().getKeyValueMetaData(), FooterKeys.FIRST_RECORD_CRC32C);
    }

    /** CRC-32C of its last record's bytes, from its footer; -1 for a file written before footers carried it. */
    public long lastRecordChecksum() {
        return FooterKeys.checksum(footer.getFileMetaData().getKeyValueMetaData(), FooterKeys.LAST_RECORD_CRC32C);
    }
}
