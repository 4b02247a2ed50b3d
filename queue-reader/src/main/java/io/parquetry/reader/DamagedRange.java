package io.parquetry.reader;

import java.nio.file.Path;

/**
 * A range of the queue that {@link QueueReader#skipDamagedRange(long)} moved past: indexes {@code fromIndex} (inclusive)
 * to {@code resumeIndex} (exclusive) were not delivered. Record it where the loss must be answered for (a commit log).
 *
 * @param file the damaged cycle file
 * @param lastGoodIndex the last record delivered before the damage, or -1
 * @param fromIndex the first index not delivered
 * @param resumeIndex the index the reader resumes at
 * @param skippedRecords how many records the skipped indexes held, as the cycle files' own counts say, or -1 when unknown
 * @param position the byte position in {@code file} where the damage was found
 * @param found what was found there
 */
public record DamagedRange(Path file, long lastGoodIndex, long fromIndex, long resumeIndex, long skippedRecords, long position, String found) {

    /** One line for a log: the indexes skipped, how many records, the file and what was found. */
    @Override
    public String toString() {
        return "skipped damaged range: indexes " + fromIndex + ".." + (resumeIndex - 1) + " (" + (skippedRecords >= 0 ? skippedRecords : "unknown")
                + " records, resuming at " + resumeIndex + ") of file=" + file + ", last good index " + lastGoodIndex + ", found " + found
                + " at position " + position;
    }
}
