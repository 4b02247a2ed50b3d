package io.parquetry.converter;

import io.parquetry.schema.Schema;
import io.parquetry.status.RotationCause;

/**
 * What a converter did: the summary {@code bin/parquetry convert} prints, and what tests check.
 *
 * @param schema the queue's schema; null when the converter stopped before it had started
 * @param lastCommitted the checkpoint at the end: index of the last committed record, -1 for none
 * @param outputFailures output failures met and retried (each aborted the file being written)
 * @param truncatedTimestamps timestamp values in committed files that lost precision to {@code parquet.timestampUnit}
 */
public record ConversionResult(Schema schema, String datasetDir, long recordsRead, long rowsWritten, long filesCommitted, long bytesWritten,
        long quarantined, long lastCommitted, long outputFailures, long[] rotationCounts, long truncatedTimestamps) {

    /** A converter stopped before it had started (a signal while it opened): it did nothing, and knows no schema. */
    static ConversionResult nothing() {
        return new ConversionResult(null, "", 0, 0, 0, 0, 0, -1, 0, new long[RotationCause.values().length], 0);
    }

    /** Files committed for {@code cause}. */
    public long rotations(RotationCause cause) {
        return rotationCounts[cause.ordinal()];
    }
}
