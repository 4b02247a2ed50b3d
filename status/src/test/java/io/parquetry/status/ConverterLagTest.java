package io.parquetry.status;

import static io.parquetry.status.ConverterStatusDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConverterLagTest {

    /** LARGE_HOURLY_SPARSE-like: 36 bits of sequence below the cycle. */
    private static final int SHIFT = 36;
    private static final long CYCLE = 493_123;
    private static final String QUEUE_ID = "00008567239984807936";

    @TempDir
    Path dir;

    private static long index(long cycle, long seq) {
        return cycle << SHIFT | seq;
    }

    /** A converter's status as it last published: checkpoint, last read and head, with its own counts. */
    private StatusSnapshot converter(long checkpoint, long lastRead, long head, long unread, long uncommitted, long caughtUpMs) {
        StatusFile f = StatusFile.create(dir.resolve("converter.status"), StatusFileDescriptor.KIND_CONVERTER, 1, 1_000);
        try (StatusFile.Update u = f.update()) {
            u.value(CHECKPOINT, checkpoint).value(LAST_READ_INDEX, lastRead).value(HEAD_INDEX, head).value(UNREAD_RECORDS, unread)
                    .value(UNCOMMITTED_RECORDS, uncommitted).value(LAG_RECORDS, unread + uncommitted).value(CAUGHT_UP_MS, caughtUpMs)
                    .value(INDEX_CYCLE_SHIFT, SHIFT).text(TEXT_QUEUE_ID, QUEUE_ID);
        }
        return f.snapshot();
    }

    private static ConverterLag.Head recorderHead(long index, boolean current) {
        return new ConverterLag.Head(index, QUEUE_ID, current, "recorder.status");
    }

    @Test
    void aStoppedConverterIsBehindByWhatWasRecordedSinceInTheSameCycle() {
        // Stopped cleanly, caught up; 3,000,000 records recorded since.
        StatusSnapshot s = converter(index(CYCLE, 999), index(CYCLE, 999), index(CYCLE, 999), 0, 0, 5_000);
        ConverterLag.Estimate e = ConverterLag.estimate(s, false, List.of(recorderHead(index(CYCLE, 3_000_999), true)));
        assertThat(e.quality()).isEqualTo(ConverterLag.Quality.EXACT);
        assertThat(e.records()).isEqualTo(3_000_000);
        assertThat(e.unread()).isEqualTo(3_000_000);
        assertThat(e.uncommitted()).isZero();
        assertThat(e.behindSinceMs()).isEqualTo(5_000);
        assertThat(e.secondsBehind(65_000)).isEqualTo(60.0);
        assertThat(e.headSource()).isEqualTo("recorder.status");
    }

    @Test
    void aHeadInALaterCycleGivesALowerBound() {
        StatusSnapshot s = converter(index(CYCLE, 999), index(CYCLE, 999), index(CYCLE, 999), 0, 0, 5_000);
        ConverterLag.Estimate e = ConverterLag.estimate(s, false, List.of(recorderHead(index(CYCLE + 2, 41), true)));
        assertThat(e.quality()).isEqualTo(ConverterLag.Quality.AT_LEAST);
        assertThat(e.records()).isEqualTo(42); // the head's cycle holds 42 up to the head; the cycles before are not counted
        assertThat(e.note()).contains("later cycle");
    }

    @Test
    void aStoppedConverterWithNoHeadToLookAtIsUnknownNeverZero() {
        StatusSnapshot s = converter(index(CYCLE, 10), index(CYCLE, 10), index(CYCLE, 10), 0, 0, 5_000);
        ConverterLag.Estimate e = ConverterLag.estimate(s, false, List.of());
        assertThat(e.quality()).isEqualTo(ConverterLag.Quality.UNKNOWN);
        assertThat(e.records()).isEqualTo(-1);
        assertThat(e.secondsBehind(9_000)).isNaN();
        assertThat(e.note()).contains("not running");
    }

    @Test
    void aRunningConverterSeparatesItsBacklogFromTheFileBeingWritten() {
        // 500 read into the current file, 20 appended and not read yet; the recorder has seen 5 more since.
        StatusSnapshot s = converter(index(CYCLE, 99), index(CYCLE, 599), index(CYCLE, 619), 20, 500, 7_000);
        ConverterLag.Estimate e = ConverterLag.estimate(s, true, List.of(recorderHead(index(CYCLE, 624), true)));
        assertThat(e.quality()).isEqualTo(ConverterLag.Quality.EXACT);
        assertThat(e.unread()).isEqualTo(25);
        assertThat(e.uncommitted()).isEqualTo(500);
        assertThat(e.records()).isEqualTo(525);
        assertThat(e.behindSinceMs()).isEqualTo(7_000);
        // Caught up: not behind at all, however many rows the current file holds.
        ConverterLag.Estimate idle = ConverterLag.estimate(converter(index(CYCLE, 99), index(CYCLE, 599), index(CYCLE, 599), 0, 500, 7_000),
                true, List.of());
        assertThat(idle.records()).isEqualTo(500);
        assertThat(idle.behindSinceMs()).isZero();
        assertThat(idle.secondsBehind(100_000)).isZero();
    }

    @Test
    void aKilledConverterMustReadItsUncommittedRecordsAgain() {
        StatusSnapshot s = converter(index(CYCLE, 99), index(CYCLE, 599), index(CYCLE, 599), 0, 500, 7_000);
        ConverterLag.Estimate e = ConverterLag.estimate(s, false, List.of(recorderHead(index(CYCLE, 599), true)));
        assertThat(e.quality()).isEqualTo(ConverterLag.Quality.EXACT);
        assertThat(e.unread()).isEqualTo(500);
        assertThat(e.uncommitted()).isZero();
        assertThat(e.behindSinceMs()).isEqualTo(7_000);
    }

    @Test
    void headsOfAnotherQueueAndHeadsThatMayHaveMovedAreSaidSo() {
        StatusSnapshot s = converter(index(CYCLE, 9), index(CYCLE, 9), index(CYCLE, 9), 0, 0, 5_000);
        ConverterLag.Estimate other = ConverterLag.estimate(s, false,
                List.of(new ConverterLag.Head(index(CYCLE, 500), "another-queue", true, "/q/recorder.status")));
        assertThat(other.quality()).isEqualTo(ConverterLag.Quality.UNKNOWN);
        assertThat(other.note()).contains("ignored /q/recorder.status").contains("another-queue");
        ConverterLag.Estimate killed = ConverterLag.estimate(s, false, List.of(recorderHead(index(CYCLE, 109), false)));
        assertThat(killed.quality()).isEqualTo(ConverterLag.Quality.AT_LEAST);
        assertThat(killed.records()).isEqualTo(100);
    }

    @Test
    void aConverterOfTheFirstMinorVersionIsReadAsWellAsItCanBe() throws Exception {
        converter(index(CYCLE, 9), 0, index(CYCLE, 19), 0, 0, 5_000);
        StatusFile f = StatusFile.open(dir.resolve("converter.status"), true);
        try (StatusFile.Update u = f.update()) {
            u.value(LAG_RECORDS, 10).value(UNREAD_RECORDS, 0).value(INDEX_CYCLE_SHIFT, 0);
        }
        try (FileChannel ch = FileChannel.open(dir.resolve("converter.status"), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 1), StatusFileDescriptor.MINOR_OFFSET);
        }
        StatusSnapshot s = StatusFile.open(dir.resolve("converter.status"), false).snapshot();
        assertThat(s.minorVersion()).isEqualTo(1);
        assertThat(ConverterLag.estimate(s, true, List.of()).records()).isEqualTo(10);
        ConverterLag.Estimate moved = ConverterLag.estimate(s, false, List.of(recorderHead(index(CYCLE, 29), true)));
        assertThat(moved.quality()).isEqualTo(ConverterLag.Quality.AT_LEAST);
        assertThat(moved.records()).isEqualTo(11);
    }

    @Test
    void statusOfAStoppedConverterSaysItsBacklogFromItsQueuesRecorder() {
        Path queue = dir.resolve("queue");
        StatusFile conv = StatusFile.create(queue.resolve("converter-a/converter.status"), StatusFileDescriptor.KIND_CONVERTER, 1, 1_000);
        try (StatusFile.Update u = conv.update()) {
            u.value(CHECKPOINT, index(CYCLE, 999)).value(LAST_READ_INDEX, index(CYCLE, 999)).value(HEAD_INDEX, index(CYCLE, 999))
                    .value(CAUGHT_UP_MS, 5_000).value(INDEX_CYCLE_SHIFT, SHIFT).text(TEXT_QUEUE_ID, QUEUE_ID)
                    .text(TEXT_QUEUE, queue.toString()).value(STATE, ConverterState.STOPPED.ordinal());
        }
        conv.heartbeat(0); // stopped cleanly
        try (ConverterControl c = ConverterControl.open(conv.path())) {
            assertThat(ConverterControl.describe(c.lag(c.snapshot(), c.alive()))).startsWith("unknown: ");
            StatusFile rec = StatusFile.create(queue.resolve("recorder.status"), StatusFileDescriptor.KIND_RECORDER, 1, 1_000);
            try (StatusFile.Update u = rec.update()) {
                u.value(RecorderStatusDescriptor.HEAD_INDEX, index(CYCLE, 3_000_999)).text(RecorderStatusDescriptor.TEXT_QUEUE_ID, QUEUE_ID);
            }
            rec.heartbeat(0);
            assertThat(ConverterControl.describe(c.lag(c.snapshot(), c.alive()))).isEqualTo("3000000 (unread 3000000, uncommitted 0)");
            assertThat(ConverterControl.effectiveState(c.snapshot(), c.alive())).isEqualTo(ConverterState.STOPPED);
        }
    }

    @Test
    void findsTheRecordersOfAQueueDirectory() {
        Path queue = dir.resolve("queue");
        StatusFile a = StatusFile.create(queue.resolve("recorder.status"), StatusFileDescriptor.KIND_RECORDER, ProcessHandle.current().pid(),
                System.currentTimeMillis());
        try (StatusFile.Update u = a.update()) {
            u.value(RecorderStatusDescriptor.HEAD_INDEX, 77).text(RecorderStatusDescriptor.TEXT_QUEUE_ID, QUEUE_ID);
        }
        a.heartbeat(System.currentTimeMillis());
        StatusFile.create(queue.resolve("recorder-12.status"), StatusFileDescriptor.KIND_CONVERTER, 12, 1); // not a recorder's
        List<ConverterLag.Head> heads = ConverterLag.headsInQueueDirectory(queue, System.currentTimeMillis(), Duration.ofSeconds(3));
        assertThat(heads).containsExactly(new ConverterLag.Head(77, QUEUE_ID, true, queue.resolve("recorder.status").toString()));
        assertThat(ConverterLag.headsInQueueDirectory(dir.resolve("none"), 0, Duration.ofSeconds(3))).isEmpty();
    }
}
