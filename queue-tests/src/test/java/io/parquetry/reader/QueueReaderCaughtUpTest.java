package io.parquetry.reader;

import static io.parquetry.testing.DamagedQueues.assertDelivered;
import static io.parquetry.testing.DamagedQueues.cycleFiles;
import static io.parquetry.testing.DamagedQueues.recordPositions;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.testing.Await;
import io.parquetry.testing.DamagedQueues;
import io.parquetry.testing.MarketData;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A reader that has read everything meets damage that appears ahead of it afterwards, while records go on being appended. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueReaderCaughtUpTest {

    private static final String HOURLY = RecorderOptions.DEFAULT_ROLL_CYCLE;
    private static final int N = 10_000;

    @TempDir
    Path dir;

    @Test
    void zeroedRecordsAppendedAfterTheReaderCaughtUpStopIt() {
        DamagedQueues.write(dir, HOURLY, 0, N);
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            DamagedQueues.Outcome o = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
            assertDelivered(o, 0, N);
            assertThat(o.damage).isNull();

            DamagedQueues.write(dir, HOURLY, N, 2 * N);
            Path file = cycleFiles(dir).get(0);
            List<Long> pos = recordPositions(file);
            DamagedQueues.zero(file, pos.get(N + 100), pos.get(N + 150));
            DamagedQueues.Outcome more = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
            assertDelivered(more, N, N + 100);
            assertThat(more.damage.lastGoodIndex()).isEqualTo(more.lastIndex());
            assertThat(more.damage.position()).isEqualTo(pos.get(N + 100));
            assertThat(more.damage.found()).contains("zero header");
        }
    }

    @Test
    void garbageOverRecordsAppendedAfterTheReaderCaughtUpStopsIt() {
        DamagedQueues.write(dir, HOURLY, 0, N);
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            assertDelivered(DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome()), 0, N);
            DamagedQueues.write(dir, HOURLY, N, 2 * N);
            Path file = cycleFiles(dir).get(0);
            List<Long> pos = recordPositions(file);
            DamagedQueues.garbage(file, pos.get(N + 700), pos.get(N + 700) + 333, 99);
            DamagedQueues.Outcome more = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
            assertDelivered(more, N, N + 700);
            assertThat(more.damage.position()).isEqualTo(pos.get(N + 700));
        }
    }

    @Test
    void truncationAheadOfACaughtUpReaderStopsIt() {
        DamagedQueues.write(dir, HOURLY, 0, N);
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            assertDelivered(DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome()), 0, N);
            DamagedQueues.write(dir, HOURLY, N, 2 * N);
            Path file = cycleFiles(dir).get(0);
            List<Long> pos = recordPositions(file);
            DamagedQueues.truncate(file, pos.get(N + 300) + 20);
            DamagedQueues.Outcome more = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
            assertDelivered(more, N, N + 300);
            assertThat(more.damage.found()).contains("truncated");
        }
    }

    @Test
    void fileCutBelowRecordsAlreadyHandedOnIsReportedWithTheLastRecordStillWhole() {
        DamagedQueues.write(dir, HOURLY, 0, N);
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            DamagedQueues.Outcome o = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
            assertDelivered(o, 0, N);
            Path file = cycleFiles(dir).get(0);
            List<Long> pos = recordPositions(file);
            DamagedQueues.truncate(file, pos.get(N - 100) + 20);
            DamagedQueues.Outcome more = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
            assertThat(more.orderIds).isEmpty();
            assertThat(more.damage.lastGoodIndex()).as("the last record still whole").isEqualTo(o.indexes.get(N - 101));
            assertThat(more.damage.damagedFromIndex()).isEqualTo(o.indexes.get(N - 100));
            assertThat(more.damage.position()).isEqualTo(pos.get(N - 100));
            assertThat(more.damage.found()).contains("below records already handed on");
        }
    }

    @Test
    void zeroedRangeBehindALiveWriterStopsTheReaderWhileTheWriterAppendsOn() throws Exception {
        MarketData md = new MarketData();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        try (Recorder rec = Recorder.open(dir, md.schema, DamagedQueues.options(HOURLY))) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (RecordWriter w = rec.newWriter()) {
                    for (long i = 0; !stop.get(); i++) {
                        assertThat(md.write(w, i)).isEqualTo(RecordWriter.OK);
                        written.set(i + 1);
                        if (i % 100 == 99) {
                            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                        }
                    }
                }
            });
            try (QueueReader r = QueueReader.open(dir)) {
                r.toStart();
                Await.until(() -> written.get() > 5_000);
                DamagedQueues.Outcome o = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
                assertThat(o.damage).isNull();
                long read = o.orderIds.size();
                assertDelivered(o, 0, read);
                // Records the reader has not read yet, with more appended after them.
                Await.until(() -> written.get() > read + 2_000);
                Path file = cycleFiles(dir).get(0);
                List<Long> pos = recordPositions(file);
                int from = (int) read + 500;
                DamagedQueues.zero(file, pos.get(from), pos.get(from + 20));
                long atDamage = written.get();
                Await.until(() -> written.get() > atDamage + 1_000);
                DamagedQueues.Outcome more = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
                assertDelivered(more, read, from);
                assertThat(more.damage.position()).isEqualTo(pos.get(from));
                assertThat(more.damage.found()).contains("below the write position");
                stop.set(true);
                writer.get(10, TimeUnit.SECONDS);

                DamagedRange range = r.skipDamagedRange(more.damage.damagedFromIndex());
                DamagedQueues.Outcome after = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
                assertThat(after.damage).isNull();
                long resume = from + range.skippedRecords();
                assertThat(resume % 1024).as("resumes at an index entry").isZero();
                assertDelivered(after, resume, written.get());
            }
        } finally {
            stop.set(true);
        }
    }
}
