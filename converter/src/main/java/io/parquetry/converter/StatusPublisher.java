package io.parquetry.converter;

import static io.parquetry.status.ConverterStatusDescriptor.*;

import io.parquetry.converter.output.Part;
import io.parquetry.queue.SchemaHistory;
import io.parquetry.schema.Schema;
import io.parquetry.status.ConverterState;
import io.parquetry.status.RotationCause;
import io.parquetry.status.StatusFile;
import java.util.function.LongToIntFunction;

/**
 * Publishes the converter's numbers into its status file, all in one seqlock publication, every
 * {@link #INTERVAL_MS} and after every commit, so that one reader's snapshot never mixes two moments.
 *
 * <p>Lag is published in two parts that mean different things: records appended but not read yet (a backlog: the
 * converter is behind) and records read but not committed yet (the file being written, normal until it rotates), with
 * the time the reader last caught up. Counting across cycles needs Chronicle's index, so it is done here, where the
 * queue is open; the index's cycle shift is published so that a reader can count within one cycle by itself.
 */
final class StatusPublisher {

    static final long INTERVAL_MS = 100;

    /** What is published besides the counters. */
    record Moment(ConverterState state, Part part, long head, long caughtUpMs, long outputFailures, long nextRetryMs, String lastError,
            String lastFlushFile, long pausedSinceMs, Schema schema, SchemaHistory history) {
    }

    private final StatusFile status;
    private final QueueLag lag;
    private final int cycleShift;
    private final String version;
    private long nextMs;

    /**
     * @param cycleOf the queue's cycle of an index, to find the index's cycle shift
     * @param version the converter's version, published for people and monitoring
     */
    StatusPublisher(StatusFile status, QueueLag lag, LongToIntFunction cycleOf, String version) {
        this.status = status;
        this.lag = lag;
        this.cycleShift = cycleShift(cycleOf);
        this.version = version;
    }

    /** The number of index bits below the cycle: the smallest shift whose power of two is in cycle 1 (0 if none is). */
    static int cycleShift(LongToIntFunction cycleOf) {
        for (int shift = 1; shift < 63; shift++) {
            if (cycleOf.applyAsInt(1L << shift) != 0) {
                return shift;
            }
        }
        return 0;
    }

    boolean due(long nowMs) {
        return nowMs >= nextMs;
    }

    void publish(long nowMs, Counters c, Moment m) {
        nextMs = nowMs + INTERVAL_MS;
        long unread = m.head() < 0 ? 0 : lag.recordsBetween(c.lastRead, m.head());
        long uncommitted = lag.recordsBetween(c.lastCommitted, c.lastRead);
        Part p = m.part();
        try (StatusFile.Update u = status.update()) {
            u.value(STATE, m.state().ordinal()).value(RECORDS_READ, c.recordsRead).value(ROWS_WRITTEN, c.rowsWritten)
                    .value(FILES_COMMITTED, c.filesCommitted).value(BYTES_WRITTEN, c.bytesWritten).value(ERRORS, c.errors)
                    .value(QUARANTINED, c.quarantined).value(RETENTION_DELETED, c.retentionDeleted).value(SKIPPED_RECORDS, c.skippedRecords)
                    .value(TRUNCATED_TIMESTAMPS, c.truncatedTimestamps)
                    .value(CURRENT_ROWS, p == null ? 0 : p.rows()).value(CURRENT_BYTES, p == null ? 0 : p.estimatedBytes())
                    .value(CURRENT_OPENED_MS, p == null ? 0 : p.openedAtMillis()).value(CURRENT_FIRST_INDEX, p == null ? -1 : p.firstIndex())
                    .value(CHECKPOINT, c.lastCommitted).value(HEAD_INDEX, m.head()).value(LAG_RECORDS, unread + uncommitted)
                    .value(CAUGHT_UP_MS, unread == 0 ? nowMs : m.caughtUpMs()).value(OUTPUT_FAILURES, m.outputFailures())
                    .value(LAST_READ_INDEX, c.lastRead).value(UNREAD_RECORDS, unread).value(UNCOMMITTED_RECORDS, uncommitted)
                    .value(INDEX_CYCLE_SHIFT, cycleShift).value(PAUSED_SINCE_MS, m.pausedSinceMs()).value(PUBLISHED_MS, nowMs)
                    .text(TEXT_VERSION, version).text(TEXT_SCHEMA, m.schema().identity()).value(SCHEMA_VERSION, m.schema().version())
                    .value(QUEUE_SCHEMA_VERSION, m.history().newest().number())
                    .value(QUEUE_SCHEMA_CHANGED_MS, m.history().newest().added() == null ? 0 : m.history().newest().added().toEpochMilli())
                    .value(NEXT_RETRY_MS, m.nextRetryMs()).text(TEXT_CURRENT_FILE, p == null ? "" : p.writingPath().toString())
                    .text(TEXT_LAST_ERROR, m.lastError()).text(TEXT_LAST_FLUSH_FILE, m.lastFlushFile());
            for (RotationCause cause : RotationCause.values()) {
                u.value(cause.slot(), c.rotations[cause.ordinal()]);
            }
            if (c.lastCommit != null) {
                u.text(TEXT_LAST_COMMIT_FILE, c.lastCommit.path().toString()).value(LAST_COMMIT_FIRST_INDEX, c.lastCommit.firstIndex())
                        .value(LAST_COMMIT_LAST_INDEX, c.lastCommit.lastIndex()).value(LAST_COMMIT_ROWS, c.lastCommit.rows())
                        .value(LAST_COMMIT_BYTES, c.lastCommit.bytes()).value(LAST_COMMIT_MS, c.lastCommitMillis);
            }
        }
    }

    /** Records of a queue between two indexes (the reader answers; tests may answer otherwise). */
    interface QueueLag {
        long recordsBetween(long from, long to);
    }
}
