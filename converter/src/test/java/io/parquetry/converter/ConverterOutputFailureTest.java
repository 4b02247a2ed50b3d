package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.assertExactlyOnce;
import static io.parquetry.converter.ConverterFixtures.assertFootersTileTheQueue;
import static io.parquetry.converter.ConverterFixtures.awaitStatus;
import static io.parquetry.converter.ConverterFixtures.recordAllTypes;
import static io.parquetry.status.ConverterStatusDescriptor.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.status.ConverterControl;
import io.parquetry.status.ConverterState;
import io.parquetry.status.StatusSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An output that fails (an HDFS or object-store outage, simulated by {@link FlakyFileSystem}) never ends the converter:
 * it aborts the file it was writing, says RETRYING with the cause, retries with back-off, and once the output heals
 * carries on by itself, exactly once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConverterOutputFailureTest {

    @TempDir
    Path dir;

    @AfterEach
    void heal() {
        FlakyFileSystem.FAIL_NEXT.set(0);
    }

    private ConverterConfig config(String extra) {
        return ConverterConfig.parse("queue: " + dir.resolve("queue") + "\noutput: flaky://" + dir.resolve("out") + "\nsource: test\n"
                + "hadoop: {fs.flaky.impl: " + FlakyFileSystem.class.getName() + ", fs.flaky.impl.disable.cache: 'true'}\n" + extra, "test.yaml",
                ConverterConfig.Overrides.none());
    }

    private Path dataset() {
        return dir.resolve("out/all_types");
    }

    @Test
    void outageWhileRunningIsRetriedAndTheDatasetIsExactlyOnceWhenTheOutputHeals() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 20_000);
        ConverterConfig cfg = config("rotation: {maxRows: 2000, maxAge: 1h}\n");
        Converter c = Converter.open(cfg);
        Thread runner = new Thread(() -> c.run(false), "test-converter");
        runner.start();
        try {
            awaitStatus(cfg.statusFile(), "two files committed", s -> s.value(FILES_COMMITTED) >= 2);
            // The output goes down; records keep arriving.
            FlakyFileSystem.FAIL_NEXT.set(Integer.MAX_VALUE);
            recordAllTypes(dir.resolve("queue"), 20_000, 30_000);
            StatusSnapshot down = awaitStatus(cfg.statusFile(), "retrying after repeated failures",
                    s -> ConverterState.decode(s.value(STATE)) == ConverterState.RETRYING && s.value(OUTPUT_FAILURES) >= 2);
            assertThat(down.text(TEXT_LAST_ERROR)).contains("simulated outage");
            assertThat(down.value(NEXT_RETRY_MS)).isPositive();
            assertThat(runner.isAlive()).as("the converter keeps running through the outage").isTrue();

            FlakyFileSystem.FAIL_NEXT.set(0); // the output heals
            awaitStatus(cfg.statusFile(), "running again", s -> ConverterState.decode(s.value(STATE)) == ConverterState.RUNNING
                    && s.value(OUTPUT_FAILURES) == 0);
            try (ConverterControl ctl = ConverterControl.open(cfg.statusFile())) {
                ConverterControl.Outcome flushed = ctl.flush(Duration.ofSeconds(30));
                assertThat(flushed.ok()).as(flushed.message()).isTrue();
            }
        } finally {
            c.requestStop();
            runner.join(30_000);
            c.close();
        }
        assertThat(c.result().outputFailures()).isGreaterThanOrEqualTo(2);
        assertThat(FlakyFileSystem.FAILED.get()).isPositive();
        assertThat(Datasets.files(dir.resolve("out"), ".inprogress")).as("aborted parts leave nothing behind").isEmpty();
        assertExactlyOnce(dataset(), 30_000);
        assertFootersTileTheQueue(dir.resolve("queue"), dataset());
    }

    @Test
    void retriesBackOffFromATenthOfASecondDoublingToThirtySeconds() {
        long[] expected = {100, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 30_000, 30_000};
        for (int n = 1; n <= expected.length; n++) {
            assertThat(ConverterAgent.retryDelayMs(n)).as("failure %d in a row", n).isEqualTo(expected[n - 1]);
        }
        assertThat(ConverterAgent.retryDelayMs(Integer.MAX_VALUE)).as("no overflow after days of outage").isEqualTo(30_000);
    }

    @Test
    void outputUnreachableAtStartIsRetriedInsteadOfEndingTheProcess() {
        recordAllTypes(dir.resolve("queue"), 0, 5_000);
        FlakyFileSystem.FAIL_NEXT.set(5); // the next five operations fail, then the output works
        ConverterConfig cfg = config("rotation: {maxRows: 2000}\n");
        ConversionResult r = ConverterService.run(cfg, true);
        assertThat(r.outputFailures()).isPositive();
        assertThat(r.rowsWritten()).isEqualTo(5_000);
        assertExactlyOnce(dataset(), 5_000);
        assertFootersTileTheQueue(dir.resolve("queue"), dataset());
    }

    @Test
    void failuresAtEveryStepOfTheCommitAreRetriedExactlyOnce() {
        // Fail each single operation in turn, from the first create of a run to past its last commit: whatever step is
        // hit (create, write, sync, rename, status, delete, lease), the dataset ends exactly once.
        recordAllTypes(dir.resolve("queue"), 0, 3_000);
        ConverterConfig cfg = config("rotation: {maxRows: 1000}\n");
        for (int skip = 0; skip < 40; skip += 3) {
            FlakyFileSystem.FAIL_NEXT.set(0);
            FlakyFileSystem.countdownThenFail(skip);
            ConverterService.run(cfg, true);
        }
        FlakyFileSystem.FAIL_NEXT.set(0);
        FlakyFileSystem.countdownThenFail(-1);
        recordAllTypes(dir.resolve("queue"), 3_000, 3_100);
        ConverterService.run(cfg, true);
        assertExactlyOnce(dataset(), 3_100);
        assertFootersTileTheQueue(dir.resolve("queue"), dataset());
        assertThat(Datasets.files(dir.resolve("out"), ".inprogress")).isEmpty();
    }
}
