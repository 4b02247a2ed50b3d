package io.parquetry.console.processes;

import static io.parquetry.status.ConverterStatusDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.status.ConverterLag;
import io.parquetry.status.ConverterState;
import io.parquetry.status.RecorderStatusDescriptor;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusFileDescriptor;
import io.parquetry.status.StatusSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's rules, as plain objects over real status files. */
class ViewsTest {

    private static final Duration STALE = Duration.ofSeconds(3);
    private static final Duration LAG_WARN = Duration.ofSeconds(60);
    private static final int SHIFT = 36;
    private static final long CYCLE = 493_000;
    private static final String QUEUE_ID = "0000000000000000042";

    @TempDir
    Path dir;

    private final Rates rates = new Rates(Duration.ofSeconds(10));

    private static long index(long seq) {
        return CYCLE << SHIFT | seq;
    }

    /** A converter status file owned by this JVM (so "alive" when its heartbeat is fresh). */
    private StatusSnapshot converter(ConverterState state, boolean beating, long checkpoint, long lastRead, long head, long unread,
            long uncommitted, long caughtUpMs) {
        long now = System.currentTimeMillis();
        StatusFile f = StatusFile.create(dir.resolve("converter.status"), StatusFileDescriptor.KIND_CONVERTER, ProcessHandle.current().pid(),
                now - 600_000);
        try (StatusFile.Update u = f.update()) {
            u.value(STATE, state.ordinal()).value(CHECKPOINT, checkpoint).value(LAST_READ_INDEX, lastRead).value(HEAD_INDEX, head)
                    .value(UNREAD_RECORDS, unread).value(UNCOMMITTED_RECORDS, uncommitted).value(LAG_RECORDS, unread + uncommitted)
                    .value(CAUGHT_UP_MS, caughtUpMs).value(INDEX_CYCLE_SHIFT, SHIFT).value(CURRENT_ROWS, uncommitted)
                    .text(TEXT_QUEUE_ID, QUEUE_ID).text(TEXT_VERSION, "0.1.0")
                    .text(TEXT_LAST_COMMIT_FILE, "file:/data/market_data/dt=2026-11-21/hour=06/part-h-1-0.parquet");
        }
        f.heartbeat(beating ? now : 0);
        return f.snapshot();
    }

    private ProcessView view(StatusSnapshot s, List<ConverterLag.Head> heads) {
        return Views.converter("md", dir.resolve("converter.status"), s, System.currentTimeMillis(), STALE, LAG_WARN, heads, rates);
    }

    @Test
    void aBigFileBeingWrittenIsNotLagging() {
        // 10 M rows read into the current file (rotation by age, an hour), nothing unread: healthy.
        long now = System.currentTimeMillis();
        ProcessView v = view(converter(ConverterState.RUNNING, true, index(0), index(10_000_000), index(10_000_000), 0, 10_000_000, now), List.of());
        assertThat(v.health()).isEqualTo("up");
        assertThat(v.converter().lagging()).isFalse();
        assertThat(v.converter().lagRecords()).isEqualTo(10_000_000);
        assertThat(v.converter().uncommittedRecords()).isEqualTo(10_000_000);
        assertThat(v.converter().unreadRecords()).isZero();
        assertThat(v.converter().lagSeconds()).isZero();
        assertThat(v.converter().lastCommitPartition()).isEqualTo("dt=2026-11-21/hour=06");
    }

    @Test
    void showsTheSchemaVersionFilesAreWrittenInTheQueuesNewestAndSchemaRotations() {
        long now = System.currentTimeMillis();
        StatusFile f = StatusFile.create(dir.resolve("converter.status"), StatusFileDescriptor.KIND_CONVERTER, ProcessHandle.current().pid(),
                now - 600_000);
        try (StatusFile.Update u = f.update()) {
            u.value(STATE, ConverterState.RUNNING.ordinal()).value(CAUGHT_UP_MS, now).value(SCHEMA_VERSION, 2).value(QUEUE_SCHEMA_VERSION, 3)
                    .value(QUEUE_SCHEMA_CHANGED_MS, now - 5_000).value(ROTATIONS_SCHEMA, 1).value(ROTATIONS_AGE, 4)
                    .text(TEXT_SCHEMA, "market_data v2 fingerprint 00000000000000ab");
        }
        f.heartbeat(now);
        ProcessView.ConverterFields c = view(f.snapshot(), List.of()).converter();
        assertThat(c.schemaVersion()).isEqualTo(2);
        assertThat(c.queueSchemaVersion()).isEqualTo(3);
        assertThat(c.queueSchemaChangedAtMs()).isEqualTo(now - 5_000);
        assertThat(c.rotations().schema()).isEqualTo(1);
        assertThat(c.rotations().age()).isEqualTo(4);

        // A converter from before status minor 4 never wrote these slots: unknown, not version 0.
        ProcessView.ConverterFields old = view(converter(ConverterState.RUNNING, true, index(0), index(1), index(1), 0, 1, now), List.of())
                .converter();
        assertThat(old.schemaVersion()).isNull();
        assertThat(old.queueSchemaVersion()).isNull();
        assertThat(old.queueSchemaChangedAtMs()).isNull();
    }

    @Test
    void aConverterThatHasNotCaughtUpForLongerThanLagWarnIsLagging() {
        long now = System.currentTimeMillis();
        ProcessView fresh = view(converter(ConverterState.RUNNING, true, index(0), index(500), index(900), 400, 500, now - 2_000), List.of());
        assertThat(fresh.health()).isEqualTo("up");
        ProcessView behind = view(converter(ConverterState.RUNNING, true, index(0), index(500), index(900), 400, 500, now - 120_000), List.of());
        assertThat(behind.health()).isEqualTo("lagging");
        assertThat(behind.converter().lagging()).isTrue();
        assertThat(behind.converter().lagSeconds()).isBetween(119.0, 125.0);
        assertThat(behind.converter().behindSinceMs()).isEqualTo(now - 120_000);
    }

    @Test
    void aStoppedConverterShowsTheBacklogFromTheRecordersHeadNeverZero() {
        long stoppedAt = System.currentTimeMillis() - 30_000;
        StatusSnapshot s = converter(ConverterState.STOPPED, false, index(999), index(999), index(999), 0, 0, stoppedAt);
        ProcessView withHead = view(s, List.of(new ConverterLag.Head(index(3_000_999), QUEUE_ID, true, "recorder rec")));
        assertThat(withHead.state()).isEqualTo("stopped");
        assertThat(withHead.health()).isEqualTo("down");
        assertThat(withHead.converter().lagRecords()).isEqualTo(3_000_000);
        assertThat(withHead.converter().lagQuality()).isEqualTo("exact");
        assertThat(withHead.converter().headSource()).isEqualTo("recorder rec");
        assertThat(withHead.converter().lagSeconds()).isGreaterThanOrEqualTo(30.0);
        assertThat(withHead.converter().lagging()).as("lagging is for running converters; a stopped one is down").isFalse();

        ProcessView noHead = view(s, List.of());
        assertThat(noHead.converter().lagRecords()).isNull();
        assertThat(noHead.converter().lagSeconds()).isNull();
        assertThat(noHead.converter().lagQuality()).isEqualTo("unknown");
        assertThat(noHead.converter().lagNote()).contains("not running");
    }

    @Test
    void aRetryingConverterIsOutOfService() {
        ProcessView v = view(converter(ConverterState.RETRYING, true, index(0), index(0), index(0), 0, 0, System.currentTimeMillis()), List.of());
        assertThat(v.health()).isEqualTo("out_of_service");
        assertThat(v.state()).isEqualTo("retrying");
    }

    @Test
    void aRecorderRefusingAppendsIsOutOfService() {
        StatusFile f = StatusFile.create(dir.resolve("recorder.status"), StatusFileDescriptor.KIND_RECORDER, ProcessHandle.current().pid(),
                System.currentTimeMillis());
        try (StatusFile.Update u = f.update()) {
            u.value(RecorderStatusDescriptor.DISK_GUARD_TRIPPED, 1).value(RecorderStatusDescriptor.APPENDED, 7);
        }
        f.heartbeat(System.currentTimeMillis());
        ProcessView v = Views.recorder("rec", f.path(), f.snapshot(), System.currentTimeMillis(), STALE, rates);
        assertThat(v.health()).isEqualTo("out_of_service");
        assertThat(v.recorder().appended()).isEqualTo(7);
        assertThat(v.converter()).isNull();
    }

    @Test
    void anUnreadableStatusFileIsThatProcessesErrorWithNoNumbers() throws Exception {
        Files.writeString(dir.resolve("garbage.status"), "x".repeat(5000));
        WatchedProcess garbage = new WatchedProcess("g", WatchedProcess.Kind.CONVERTER, dir.resolve("garbage.status"), Duration.ofSeconds(10));
        WatchedProcess.Reading r = garbage.read();
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).contains("not a Parquetry status file").contains("garbage.status");
        ProcessView v = Views.unreadable("g", WatchedProcess.Kind.CONVERTER, garbage.statusFile(), r);
        assertThat(v.state()).isEqualTo("error");
        assertThat(v.converter()).isNull();

        StatusFile.create(dir.resolve("rec.status"), StatusFileDescriptor.KIND_RECORDER, 1, 1);
        WatchedProcess wrongKind = new WatchedProcess("w", WatchedProcess.Kind.CONVERTER, dir.resolve("rec.status"), Duration.ofSeconds(10));
        assertThat(wrongKind.read().error()).contains("another kind's").contains("right list in console.yaml");

        WatchedProcess missing = new WatchedProcess("m", WatchedProcess.Kind.RECORDER, dir.resolve("none.status"), Duration.ofSeconds(10));
        assertThat(missing.read().missing()).isTrue();
        WatchedProcess directory = new WatchedProcess("d", WatchedProcess.Kind.RECORDER, dir, Duration.ofSeconds(10));
        assertThat(directory.read().error()).contains("not a regular file");
    }

    @Test
    void partitionsAreTheKeyValueDirectoriesOfAFile() {
        assertThat(Views.partition("file:/d/market_data/dt=2026-11-21/hour=06/part-a-1-0.parquet")).isEqualTo("dt=2026-11-21/hour=06");
        assertThat(Views.partition("hdfs://nn/x/market_data/part-a.parquet")).isEmpty();
        assertThat(Views.partition("")).isEmpty();
    }

    @Test
    void ratesAreAveragedOverTheWindowAndStartAnewWhenACounterGoesBack() {
        Rates r = new Rates(Duration.ofSeconds(10));
        assertThat(r.perSecond("read")).isZero();
        // Rows committed in steps: 0 for 4 s, then 4000 at once; a 1 s delta would read 0, 0, 0, 4000.
        r.add(1, 0, "read", 0);
        r.add(1, 1_000, "read", 0);
        r.add(1, 2_000, "read", 0);
        r.add(1, 3_000, "read", 0);
        r.add(1, 4_000, "read", 4_000);
        assertThat(r.perSecond("read")).isEqualTo(1_000.0);
        for (int s = 5; s <= 20; s++) {
            r.add(1, s * 1_000L, "read", 4_000 + (s - 4) * 100L);
        }
        assertThat(r.spanMs("read")).isEqualTo(10_000);
        assertThat(r.perSecond("read")).isEqualTo(100.0);
        // The process restarted: its counters start again from 0, and so does the window.
        r.add(2, 21_000, "read", 50);
        assertThat(r.perSecond("read")).isZero();
        r.add(2, 22_000, "read", 250);
        assertThat(r.perSecond("read")).isEqualTo(200.0);
        r.add(2, 23_000, "read", 10);
        assertThat(r.perSecond("read")).isZero();
    }
}
