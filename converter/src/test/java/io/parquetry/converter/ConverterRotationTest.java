package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.assertExactlyOnce;
import static io.parquetry.converter.ConverterFixtures.config;
import static io.parquetry.converter.ConverterFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.platform.duty.ManualClock;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.status.RotationCause;
import io.parquetry.testing.AllTypes;
import io.parquetry.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConverterRotationTest {

    @TempDir
    Path dir;

    private Path dataset() {
        return dir.resolve("out/all_types");
    }

    @Test
    void rotatesByMaxRows() {
        recordAllTypes(dir.resolve("queue"), 0, 3500);
        ConversionResult c = ConverterService.run(config(dir, "rotation: {maxRows: 1000}\n"), true);
        assertThat(c.rotations(RotationCause.ROWS)).isEqualTo(3);
        assertThat(c.rotations(RotationCause.SHUTDOWN)).isEqualTo(1);
        List<long[]> ranges = Datasets.ranges(dataset());
        assertThat(ranges).extracting(r -> r[2]).containsExactly(1000L, 1000L, 1000L, 500L);
        for (int i = 1; i < ranges.size(); i++) {
            assertThat(ranges.get(i)[0]).isEqualTo(ranges.get(i - 1)[1] + 1);
        }
        assertExactlyOnce(dataset(), 3500);
    }

    @Test
    void rotatesByMaxBytes() {
        recordAllTypes(dir.resolve("queue"), 0, 20_000);
        ConversionResult c = ConverterService.run(config(dir, "rotation: {maxBytes: 16KiB}\nparquet: {compression: none}\n"), true);
        assertThat(c.rotations(RotationCause.BYTES)).isGreaterThanOrEqualTo(2);
        // Every file is committed by size, but the last, which the end of the queue may commit by size too.
        assertThat(c.rotations(RotationCause.SHUTDOWN)).isLessThanOrEqualTo(1);
        assertThat(c.filesCommitted()).isEqualTo(c.rotations(RotationCause.BYTES) + c.rotations(RotationCause.SHUTDOWN));
        assertExactlyOnce(dataset(), 20_000);
    }

    @Test
    void idleQueueBecomesVisibleWithinMaxAge() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 10);
        Converter c = Converter.open(config(dir, "rotation: {maxAge: 300ms}\n"));
        Thread t = new Thread(() -> c.run(false));
        t.start();
        try {
            Await.until("a file committed by age", Duration.ofSeconds(20), () -> !Datasets.files(dataset(), ".parquet").isEmpty());
            assertThat(t.isAlive()).isTrue();
        } finally {
            c.requestStop();
            t.join(10_000);
            c.close();
        }
        assertThat(c.result().rotations(RotationCause.AGE)).isEqualTo(1);
        assertExactlyOnce(dataset(), 10);
    }

    @Test
    void maxAgeCountsOnTheConvertersClockNotTheWallClock() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 10);
        ManualClock clock = new ManualClock(1_000_000);
        ConverterContext ctx = ConverterContext.open(config(dir, "rotation: {maxAge: 300ms}\n"), new StopRequest(), clock);
        ConverterAgent agent = new ConverterAgent(ctx);
        try {
            ctx.reader.claimForCurrentThread();
            agent.start(clock.millis());
            agent.doWork(clock.millis()); // the 10 records, in a file opened now
            clock.advance(299);
            for (int i = 0; i < 3; i++) {
                agent.doWork(clock.millis());
            }
            assertThat(agent.counters().rotations[RotationCause.AGE.ordinal()]).as("committed before maxAge").isZero();
            assertThat(Datasets.files(dataset(), ".parquet")).isEmpty();
            clock.advance(1);
            agent.doWork(clock.millis());
            assertThat(agent.counters().rotations[RotationCause.AGE.ordinal()]).isEqualTo(1);
            assertThat(Datasets.files(dataset(), ".parquet")).hasSize(1);
        } finally {
            agent.abandon();
            ctx.close();
        }
        assertExactlyOnce(dataset(), 10);
    }

    @Test
    void cycleRollStartsANewFileSoNoFileSpansTwoCycles() throws Exception {
        AllTypes t = new AllTypes();
        RecorderOptions secondly = RecorderOptions.defaults().diskGuardMinFreeBytes(0).rollCycle("TEST_SECONDLY");
        try (Recorder r = Recorder.open(dir.resolve("queue"), t.schema, secondly); RecordWriter w = r.newWriter()) {
            for (long s = 0; s < 5; s++) {
                t.write(w, s);
            }
            Thread.sleep(1100);
            for (long s = 5; s < 10; s++) {
                t.write(w, s);
            }
        }
        ConversionResult c = ConverterService.run(config(dir, ""), true);
        // On a loaded machine a burst can straddle a second boundary too: count the cycles the records really have.
        java.util.Set<Integer> cycles = new java.util.TreeSet<>();
        try (io.parquetry.reader.QueueReader r = io.parquetry.reader.QueueReader.open(dir.resolve("queue"))) {
            r.toStart();
            r.read((index, rec) -> cycles.add(r.cycleOf(index)), 100);
            List<long[]> ranges = Datasets.ranges(dataset());
            assertThat(cycles.size()).isGreaterThanOrEqualTo(2);
            assertThat(ranges).hasSize(cycles.size());
            for (long[] range : ranges) {
                assertThat(r.cycleOf(range[0])).as("file %d..%d spans two cycles", range[0], range[1]).isEqualTo(r.cycleOf(range[1]));
            }
        }
        assertThat(c.rotations(RotationCause.CYCLE)).as("commit log %s, cycles %s", java.nio.file.Files.readString(
                dir.resolve("queue/converter-test/commits.log")), cycles).isEqualTo(cycles.size() - 1);
        assertExactlyOnce(dataset(), 10);
    }

    @Test
    void resumesFromTheCheckpointWithoutDuplicates() {
        recordAllTypes(dir.resolve("queue"), 0, 1000);
        ConverterService.run(config(dir, ""), true);
        recordAllTypes(dir.resolve("queue"), 1000, 2500);
        ConversionResult c = ConverterService.run(config(dir, ""), true);
        assertThat(c.rowsWritten()).isEqualTo(1500);
        ConverterService.run(config(dir, ""), true); // nothing new: no empty file
        assertThat(Datasets.files(dataset(), ".parquet")).hasSize(2);
        assertExactlyOnce(dataset(), 2500);
    }
}
