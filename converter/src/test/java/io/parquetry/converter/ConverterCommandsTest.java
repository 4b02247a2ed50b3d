package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.assertExactlyOnce;
import static io.parquetry.converter.ConverterFixtures.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.status.ConverterControl;
import io.parquetry.status.ConverterState;
import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.testing.AllTypes;
import io.parquetry.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Flush, rotate, pause and resume through the status file, with a converter running on another thread. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConverterCommandsTest {

    @TempDir
    Path dir;

    @Test
    void flushRotatePauseAndResumeThroughTheStatusFile() throws Exception {
        AllTypes t = new AllTypes();
        Path dataset = dir.resolve("out/all_types");
        try (Recorder rec = Recorder.open(dir.resolve("queue"), t.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0));
             RecordWriter w = rec.newWriter()) {
            for (long s = 0; s < 100; s++) {
                t.write(w, s);
            }
            Converter c = Converter.open(config(dir, "rotation: {maxAge: 1h}\n"));
            Thread th = new Thread(() -> c.run(false));
            th.start();
            try (ConverterControl ctl = ConverterControl.open(c.statusFile())) {
                assertThat(ctl.alive()).isTrue();
                // flush: everything appended before the request is committed, and the answer names the file.
                ConverterControl.Outcome f = ctl.flush(Duration.ofSeconds(20));
                assertThat(f.ok()).as(f.message()).isTrue();
                assertThat(f.file()).endsWith(".parquet");
                assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dataset))).isEqualTo(100);

                for (long s = 100; s < 150; s++) {
                    t.write(w, s);
                }
                awaitRows(ctl, 50);
                ConverterControl.Outcome r = ctl.rotate(Duration.ofSeconds(20));
                assertThat(r.ok()).as(r.message()).isTrue();
                assertThat(Datasets.files(dataset, ".parquet")).hasSize(2);

                ConverterControl.Outcome p = ctl.pause(Duration.ofSeconds(20));
                assertThat(p.ok()).as(p.message()).isTrue();
                assertThat(ctl.state()).isEqualTo(ConverterState.PAUSED);
                for (long s = 150; s < 200; s++) {
                    t.write(w, s);
                }
                Thread.sleep(200);
                assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dataset))).isEqualTo(150);
                ConverterControl.Outcome res = ctl.resume(Duration.ofSeconds(20));
                assertThat(res.ok()).as(res.message()).isTrue();
                ConverterControl.Outcome f2 = ctl.flush(Duration.ofSeconds(20));
                assertThat(f2.ok()).isTrue();
                assertExactlyOnce(dataset, 200);
                assertThat(ctl.snapshot().value(ConverterStatusDescriptor.LAG_RECORDS)).isZero();
            } finally {
                c.requestStop();
                th.join(10_000);
                c.close();
            }
            try (ConverterControl ctl = ConverterControl.open(c.statusFile())) {
                assertThat(ctl.alive()).isFalse();
                assertThat(ctl.flush(Duration.ofMillis(500)).ok()).isFalse();
            }
        }
    }

    @Test
    void aPauseIsKeptAcrossARestartUntilResumed() throws Exception {
        AllTypes t = new AllTypes();
        Path dataset = dir.resolve("out/all_types");
        ConverterConfig cfg = config(dir, "rotation: {maxAge: 1h}\n");
        try (Recorder rec = Recorder.open(dir.resolve("queue"), t.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0));
             RecordWriter w = rec.newWriter()) {
            for (long s = 0; s < 100; s++) {
                t.write(w, s);
            }
            long pausedAt;
            try (Running r = new Running(cfg); ConverterControl ctl = ConverterControl.open(r.c.statusFile())) {
                assertThat(ctl.flush(Duration.ofSeconds(20)).ok()).isTrue();
                assertThat(ctl.pause(Duration.ofSeconds(20)).ok()).isTrue();
                pausedAt = ctl.snapshot().value(ConverterStatusDescriptor.PAUSED_SINCE_MS);
                assertThat(pausedAt).isPositive();
                assertThat(cfg.stateDir().resolve(Commands.PAUSE_FILE_NAME)).exists();
            }
            for (long s = 100; s < 150; s++) {
                t.write(w, s);
            }
            // Restarted: still paused, says since when, and converts nothing.
            try (Running r = new Running(cfg); ConverterControl ctl = ConverterControl.open(r.c.statusFile())) {
                assertThat(ctl.state()).isEqualTo(ConverterState.PAUSED);
                assertThat(ctl.snapshot().value(ConverterStatusDescriptor.PAUSED_SINCE_MS)).isEqualTo(pausedAt);
                Thread.sleep(500);
                assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dataset))).isEqualTo(100);
                ConverterStatusTestSupport.awaitUnread(ctl, 50);
                assertThat(ctl.resume(Duration.ofSeconds(20)).ok()).isTrue();
                assertThat(cfg.stateDir().resolve(Commands.PAUSE_FILE_NAME)).doesNotExist();
                assertThat(ctl.flush(Duration.ofSeconds(20)).ok()).isTrue();
                assertExactlyOnce(dataset, 150);
            }
            // Resumed is resumed for good.
            try (Running r = new Running(cfg); ConverterControl ctl = ConverterControl.open(r.c.statusFile())) {
                assertThat(ctl.state()).isEqualTo(ConverterState.RUNNING);
                assertThat(ctl.snapshot().value(ConverterStatusDescriptor.PAUSED_SINCE_MS)).isZero();
            }
        }
    }

    @Test
    void aRunUntilIdleThatStartsPausedEndsWithoutConverting() throws Exception {
        ConverterFixtures.recordAllTypes(dir.resolve("queue"), 0, 10);
        ConverterConfig cfg = config(dir, "");
        java.nio.file.Files.createDirectories(cfg.stateDir());
        java.nio.file.Files.writeString(cfg.stateDir().resolve(Commands.PAUSE_FILE_NAME), "1700000000000\n");
        try (Converter c = Converter.open(cfg)) {
            c.run(true);
            assertThat(c.result().rowsWritten()).isZero();
        }
        assertThat(cfg.stateDir().resolve(Commands.PAUSE_FILE_NAME)).exists();
    }

    @Test
    void statusSeparatesRecordsNotReadFromRecordsNotCommitted() throws Exception {
        AllTypes t = new AllTypes();
        try (Recorder rec = Recorder.open(dir.resolve("queue"), t.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0));
             RecordWriter w = rec.newWriter()) {
            for (long s = 0; s < 100; s++) {
                t.write(w, s);
            }
            try (Running r = new Running(config(dir, "rotation: {maxAge: 1h}\n")); ConverterControl ctl = ConverterControl.open(r.c.statusFile())) {
                // Read, in the file being written, not committed: no backlog.
                io.parquetry.status.StatusSnapshot s = ConverterFixtures.awaitStatus(r.c.statusFile(), "100 uncommitted",
                        x -> x.value(ConverterStatusDescriptor.UNCOMMITTED_RECORDS) == 100);
                assertThat(s.value(ConverterStatusDescriptor.UNREAD_RECORDS)).isZero();
                assertThat(s.value(ConverterStatusDescriptor.LAG_RECORDS)).isEqualTo(100);
                assertThat(s.value(ConverterStatusDescriptor.LAST_READ_INDEX)).isEqualTo(s.value(ConverterStatusDescriptor.HEAD_INDEX));
                assertThat(s.value(ConverterStatusDescriptor.INDEX_CYCLE_SHIFT)).isBetween(16L, 48L);
                assertThat(s.value(ConverterStatusDescriptor.HEAD_INDEX) >>> s.value(ConverterStatusDescriptor.INDEX_CYCLE_SHIFT))
                        .as("the head's cycle").isPositive();
                assertThat(s.text(ConverterStatusDescriptor.TEXT_VERSION)).isNotEmpty();
                assertThat(s.minorVersion()).isEqualTo(io.parquetry.status.StatusFileDescriptor.MINOR_VERSION);
                // Paused, more appended: a backlog, and the reader is no longer caught up.
                assertThat(ctl.pause(Duration.ofSeconds(20)).ok()).isTrue();
                for (long i = 100; i < 130; i++) {
                    t.write(w, i);
                }
                s = ConverterStatusTestSupport.awaitUnread(ctl, 30);
                assertThat(s.value(ConverterStatusDescriptor.UNCOMMITTED_RECORDS)).isZero();
                assertThat(s.value(ConverterStatusDescriptor.LAG_RECORDS)).isEqualTo(30);
                assertThat(s.value(ConverterStatusDescriptor.CAUGHT_UP_MS)).isLessThan(s.value(ConverterStatusDescriptor.PUBLISHED_MS));
                assertThat(ctl.resume(Duration.ofSeconds(20)).ok()).isTrue();
            }
        }
    }

    /** A converter running on a thread of its own; closing stops it (committing what it holds). */
    private static final class Running implements AutoCloseable {
        final Converter c;
        private final Thread th;

        Running(ConverterConfig cfg) {
            c = Converter.open(cfg);
            th = new Thread(() -> c.run(false), "converter");
            th.start();
        }

        @Override
        public void close() throws Exception {
            c.requestStop();
            th.join(20_000);
            c.close();
        }
    }

    /** Waits for what a converter publishes. */
    private static final class ConverterStatusTestSupport {
        static io.parquetry.status.StatusSnapshot awaitUnread(ConverterControl ctl, long n) {
            io.parquetry.status.StatusSnapshot[] last = {ctl.snapshot()};
            Await.until(() -> String.format("unread=%d, waiting for %d", last[0].value(ConverterStatusDescriptor.UNREAD_RECORDS), n),
                    Duration.ofSeconds(20), () -> {
                        last[0] = ctl.snapshot();
                        return last[0].value(ConverterStatusDescriptor.UNREAD_RECORDS) == n;
                    });
            return last[0];
        }
    }

    private static void awaitRows(ConverterControl ctl, long rows) {
        Await.until("current rows reach " + rows, Duration.ofSeconds(20),
                () -> ctl.snapshot().value(ConverterStatusDescriptor.CURRENT_ROWS) >= rows);
    }
}
