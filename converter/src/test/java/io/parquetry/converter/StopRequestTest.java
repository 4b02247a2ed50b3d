package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.assertExactlyOnce;
import static io.parquetry.converter.ConverterFixtures.awaitStatus;
import static io.parquetry.converter.ConverterFixtures.config;
import static io.parquetry.converter.ConverterFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.status.ConverterState;
import io.parquetry.status.ConverterStatusDescriptor;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How a stop request reaches the converter's thread: an interrupt only inside a marked call, and only after the grace. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StopRequestTest {

    @TempDir
    Path dir;

    @Test
    void aMarkedCallBlockedAfterAStopRequestIsInterruptedAfterTheGraceAndTheFlagIsGoneAfterIt() throws Exception {
        StopRequest stop = new StopRequest();
        CountDownLatch inside = new CountDownLatch(1);
        AtomicLong interruptedAfterMs = new AtomicLong(-1);
        AtomicBoolean flagAfterExit = new AtomicBoolean(true);
        Thread t = new Thread(() -> {
            stop.enter("waiting for a catalog that never answers");
            try {
                inside.countDown();
                long start = System.nanoTime();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    interruptedAfterMs.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    Thread.currentThread().interrupt(); // as Iceberg's retries do: the flag stays set
                }
            } finally {
                stop.exit();
            }
            flagAfterExit.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        inside.await();
        stop.request("test");
        t.join(10_000);
        stop.finished();
        assertThat(interruptedAfterMs.get()).as("interrupted after the grace, not before").isBetween(StopRequest.GRACE_MS, StopRequest.GRACE_MS + 2000);
        assertThat(flagAfterExit.get()).as("interrupt flag after the marked call").isFalse();
    }

    @Test
    void aMarkedCallThatReturnsWithinTheGraceAndTheThreadOutsideOneAreNotInterrupted() throws Exception {
        StopRequest stop = new StopRequest();
        stop.request("test");
        stop.enter("a healthy table commit");
        try {
            Thread.sleep(StopRequest.GRACE_MS / 4);
        } finally {
            stop.exit();
        }
        Thread.sleep(StopRequest.GRACE_MS + 500); // unmarked: the watchdog leaves it alone
        stop.finished();
        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    void anInterruptOfTheConverterThreadStopsItWithoutAFailureAndLosesNothing() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 500);
        ConverterConfig cfg = config(dir, "rotation: {maxAge: 1h}\n");
        Converter c = Converter.open(cfg);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread runner = new Thread(() -> {
            try {
                c.run(false);
            } catch (Throwable t) {
                thrown.set(t);
            }
        }, "test-converter");
        runner.start();
        try {
            awaitStatus(cfg.statusFile(), "all 500 read", s -> s.value(ConverterStatusDescriptor.RECORDS_READ) == 500);
            runner.interrupt(); // wherever it lands: parked, reading, or forcing the queue
            runner.join(10_000);
            assertThat(runner.isAlive()).as("stopped by the interrupt").isFalse();
            assertThat(thrown.get()).as("an interrupt is a stop, not a failure").isNull();
            assertThat(c.state()).isEqualTo(ConverterState.STOPPED);
        } finally {
            c.requestStop();
            runner.join(10_000);
            c.close();
        }
        // It committed what it held, or gave it up if the interrupt broke a step: either way the next run completes the set.
        ConverterService.run(cfg, true);
        assertExactlyOnce(dir.resolve("out/all_types"), 500);
    }
}
