package io.parquetry.console.processes;

/**
 * What the console shows of one watched process at one moment. Fields that do not apply to the kind are zero or
 * empty. Rates come from the console's own samples.
 */
public record ProcessView(String id, String kind, String state, boolean alive, long pid, long heartbeatAgeMs, String statusFile,
        // converter
        String queue, String dataset, String schema, String source, String settings, long recordsRead, long rowsWritten,
        long filesCommitted, long bytesWritten, long checkpoint, long head, long lagRecords, long lagMs, double rowsPerSecond,
        double megabytesPerSecond, String currentFile, long currentRows, long currentBytes, long currentAgeMs, String lastCommitFile,
        long lastCommitRows, long lastCommitBytes, long lastCommitAtMs, long errors, String lastError, long quarantined,
        RotationCounts rotations,
        // recorder
        long appended, long refusedDiskGuard, long refusedClosed, double appendsPerSecond, long freeBytes, boolean diskGuardTripped,
        long lastAppendMs) {

    /** Commits by cause. */
    public record RotationCounts(long rows, long bytes, long age, long cycle, long command, long shutdown) {
    }
}
