package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.assertExactlyOnce;
import static io.parquetry.converter.ConverterFixtures.assertFootersTileTheQueue;
import static io.parquetry.converter.ConverterFixtures.awaitStatus;
import static io.parquetry.converter.ConverterFixtures.recordAllTypes;
import static io.parquetry.status.ConverterStatusDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.platform.duty.ManualClock;
import io.parquetry.status.ConverterControl;
import io.parquetry.status.ConverterState;
import io.parquetry.status.StatusSnapshot;
import io.parquetry.testing.SmallFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A really full output disk (a small tmpfs): the converter does not die with Hadoop's FSError, it waits in RETRYING
 * with "No space left on device" in its status, and when space returns it carries on, exactly once.
 */
@Tag("slow")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConverterFullDiskTest {

    @TempDir
    Path dir;

    @Test
    void fullOutputDiskWaitsAndResumesExactlyOnceWhenSpaceReturns() throws Exception {
        try (SmallFileSystem small = SmallFileSystem.mount(dir.resolve("out"), 8)) {
            recordAllTypes(dir.resolve("queue"), 0, 100_000);
            ConverterConfig cfg = ConverterConfig.parse("queue: " + dir.resolve("queue") + "\noutput: " + small.path() + "\nsource: full\n"
                    + "rotation: {maxRows: 20000, maxAge: 1h}\nparquet: {compression: none}\n", "test.yaml", ConverterConfig.Overrides.none());
            Path filler = small.fill(256 * 1024); // room for the dataset directory and less than one file
            // The converter runs on a clock of the test's: each retry happens when the test moves the clock to it, so the
            // back-off is checked exactly, without waiting for it.
            ManualClock clock = new ManualClock(System.currentTimeMillis());
            Converter c = Converter.open(cfg, new StopRequest(), clock);
            Thread runner = new Thread(() -> c.run(false), "test-converter");
            runner.start();
            try {
                StatusSnapshot full = awaitStatus(cfg.statusFile(), "retrying on a full disk",
                        s -> ConverterState.decode(s.value(STATE)) == ConverterState.RETRYING);
                assertThat(full.text(TEXT_LAST_ERROR)).contains("No space left on device");
                // Each retry prepares the output again (that works) and fails writing: the back-off must still grow (it
                // once stayed at the first 100 ms, a retry ten times a second). Between two attempts nothing is in
                // progress: the aborted part was deleted.
                for (long backoff : new long[] {100, 200, 400, 800, 1600}) {
                    long now = clock.millis();
                    awaitStatus(cfg.statusFile(), "retrying " + backoff + " ms on", s -> ConverterState.decode(s.value(STATE))
                            == ConverterState.RETRYING && s.value(NEXT_RETRY_MS) == now + backoff);
                    assertThat(Datasets.files(small.path(), ".inprogress")).as("aborted parts are deleted").isEmpty();
                    assertThat(runner.isAlive()).as("the converter waits; it does not die").isTrue();
                    clock.advance(backoff - 1);
                    Thread.sleep(50); // passes a millisecond before the retry is due: it must not run
                    StatusSnapshot still = awaitStatus(cfg.statusFile(), "a snapshot", s -> true);
                    assertThat(still.value(NEXT_RETRY_MS)).as("no retry before it is due").isEqualTo(now + backoff);
                    assertThat(ConverterState.decode(still.value(STATE))).isEqualTo(ConverterState.RETRYING);
                    clock.advance(1);
                }
                awaitStatus(cfg.statusFile(), "retrying 3.2 s on", s -> s.value(NEXT_RETRY_MS) == clock.millis() + 3200);

                Files.delete(filler); // space returns
                clock.advance(3200);
                awaitStatus(cfg.statusFile(), "running again", s -> ConverterState.decode(s.value(STATE)) == ConverterState.RUNNING);
                try (ConverterControl ctl = ConverterControl.open(cfg.statusFile())) {
                    ConverterControl.Outcome flushed = ctl.flush(Duration.ofSeconds(60));
                    assertThat(flushed.ok()).as(flushed.message()).isTrue();
                }
            } finally {
                c.requestStop();
                runner.join(30_000);
                c.close();
            }
            assertThat(c.result().outputFailures()).isGreaterThanOrEqualTo(3);
            assertThat(Datasets.files(small.path(), ".inprogress")).as("nothing left in progress").isEmpty();
            Path dataset = small.path().resolve("all_types");
            assertExactlyOnce(dataset, 100_000);
            assertFootersTileTheQueue(dir.resolve("queue"), dataset);
        }
    }
}
