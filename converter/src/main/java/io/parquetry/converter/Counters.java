package io.parquetry.converter;

import io.parquetry.converter.output.CommittedFile;
import io.parquetry.status.RotationCause;

/**
 * What a converter has done since it started, as the status file and the run's summary report it. Written and read by
 * the converter's thread only (the status file is how other threads and processes see it).
 */
final class Counters {

    long recordsRead;
    long rowsWritten;
    long filesCommitted;
    long bytesWritten;
    long errors;
    /** Output failures met and retried, in all. */
    long outputFailures;
    long quarantined;
    long retentionDeleted;
    /** Timestamp values that lost precision to a coarser {@code parquet.timestampUnit}, in committed files. */
    long truncatedTimestamps;
    /** Records given up in damaged ranges an operator accepted. */
    long skippedRecords;
    final long[] rotations = new long[RotationCause.values().length];
    /** The checkpoint: index of the last committed record, -1 before the first. */
    long lastCommitted = -1;
    /** Index of the last record read, -1 before the first. */
    long lastRead = -1;
    /** The last file committed, or null. */
    CommittedFile lastCommit;
    long lastCommitMillis;

    void committed(CommittedFile f, RotationCause cause, long nowMillis) {
        filesCommitted++;
        rowsWritten += f.rows();
        bytesWritten += f.bytes();
        truncatedTimestamps += f.truncatedTimestamps();
        rotations[cause.ordinal()]++;
        lastCommitted = f.lastIndex();
        lastCommit = f;
        lastCommitMillis = nowMillis;
    }
}
