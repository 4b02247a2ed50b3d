package io.parquetry.console.processes;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * What the console shows of one watched process at one moment, as the API serves it: the fields every process has,
 * then those of its kind (a converter's or a recorder's, in the same JSON object). A number the console cannot know
 * is null, never a made-up 0.
 *
 * @param state the life-cycle state as people should see it: running, paused, retrying, stopped, failed, ... (converters),
 *     running or stopped (recorders); {@code missing} when the status file is not there, {@code error} when it cannot
 *     be read as this kind's
 * @param health up, lagging, out_of_service, down (not alive), missing or error
 * @param error why the status file cannot be read, or null
 * @param heartbeatAgeMs age of the last heartbeat; null when there is none (stopped cleanly, or no file)
 * @param lastError the last error the process published (empty for none)
 */
public record ProcessView(String id, String kind, String state, String health, boolean alive, String error, Long pid, Long startedAtMs,
        Long heartbeatAgeMs, String statusFile, String lastError, @JsonUnwrapped ConverterFields converter,
        @JsonUnwrapped RecorderFields recorder) {

    /**
     * A converter's numbers.
     *
     * @param lagRecords records after the checkpoint up to the head: {@code unreadRecords + uncommittedRecords}; with
     *     {@code lagQuality} {@code at_least} a lower bound, null when {@code unknown}
     * @param unreadRecords records appended and not yet read: the backlog
     * @param uncommittedRecords records read and not yet committed: the file being written
     * @param lagSeconds seconds since the converter last caught up with the head (0 while caught up; null unknown)
     * @param behindSinceMs when the converter was last caught up, while it is behind (null otherwise)
     * @param lagging true when running and behind for longer than {@code lag-warn}
     * @param rowsPerSecond records read per second, over the rate window
     * @param megabytesPerSecond Parquet bytes written per second (committed plus the file being written), over the
     *     rate window, in MB (10^6)
     * @param skippedRecords records an operator skipped in accepted damaged ranges of the queue (skip-damaged)
     * @param truncatedTimestamps timestamp values that lost precision to {@code parquet.timestampUnit}
     * @param schemaVersion the schema version the converter writes files in now (null from a converter before status
     *     minor 4)
     * @param queueSchemaVersion the queue's newest schema version the converter knows (null likewise)
     * @param queueSchemaChangedAtMs when the queue took that version; null for the queue's first version (or unknown)
     */
    public record ConverterFields(String queue, String queueId, String dataset, String schema, String source, String settings, String version,
            long recordsRead, long rowsWritten, long filesCommitted, long bytesWritten, long checkpoint, long lastRead, long head,
            String headSource, Long lagRecords, String lagQuality, String lagNote, Long unreadRecords, Long uncommittedRecords,
            Double lagSeconds, Long behindSinceMs, boolean lagging, double rowsPerSecond, double megabytesPerSecond, String currentFile,
            long currentRows, long currentBytes, long currentAgeMs, String lastCommitFile, String lastCommitPartition, long lastCommitRows,
            long lastCommitBytes, long lastCommitAtMs, long errors, long quarantined, long skippedRecords,
            long truncatedTimestamps, long retentionDeleted, RotationCounts rotations,
            boolean paused, long pausedSinceMs, long outputFailures, long nextRetryAtMs, Long schemaVersion, Long queueSchemaVersion,
            Long queueSchemaChangedAtMs) {
    }

    /** Commits by cause. */
    public record RotationCounts(long rows, long bytes, long age, long cycle, long command, long shutdown, long damage, long schema) {
    }

    /** A recorder's numbers. */
    public record RecorderFields(String queue, String queueId, String schema, String rollCycle, long appended, long refusedDiskGuard,
            long refusedClosed, double appendsPerSecond, long freeBytes, boolean diskGuardTripped, long lastAppendMs, long head,
            long writers, long refusedTooLong, long truncated) {
    }
}
