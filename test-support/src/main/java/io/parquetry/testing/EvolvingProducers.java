package io.parquetry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.reader.QueueReader;
import io.parquetry.status.StatusFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link EvolvingProducer} child JVMs appending to one queue, one per schema version, and what the tests that run them
 * around a converter wait for and count: a rolling deploy, processes of several versions appending at once.
 */
public final class EvolvingProducers implements AutoCloseable {

    /** Version v's producer writes seq {@code v * RANGE} and on, so every row says which producer wrote it. */
    public static final long RANGE = 100_000_000L;

    private final Path dir;
    private final Path queue;
    private final List<Process> started = new ArrayList<>();

    /** Producers of {@code queue}, their logs and stop files in {@code dir}. */
    public EvolvingProducers(Path dir, Path queue) {
        this.dir = dir;
        this.queue = queue;
    }

    /** Starts the producer of {@code version} at {@code rate} records a second. */
    public Process start(int version, int rate) throws Exception {
        Process p = ChildJvm.start(log(version), "-Xmx128m", EvolvingProducer.class, queue.toString(), Integer.toString(version),
                Long.toString(version * RANGE), Integer.toString(rate), stopFile(version).toString());
        started.add(p);
        return p;
    }

    /** Starts the producer of {@code version} at {@code rate} records a second, and waits until it has opened the queue. */
    public Process startAndAwait(int version, int rate) throws Exception {
        Process p = start(version, rate);
        awaitLine(log(version), "STARTED", p, 60);
        return p;
    }

    /** Stops the producer of {@code version} and returns how many records it appended. */
    public long stop(int version, Process p) throws Exception {
        Files.createFile(stopFile(version));
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(log(version));
        assertThat(p.exitValue()).as(log).isZero();
        Matcher m = Pattern.compile("DONE (\\d+)").matcher(log);
        assertThat(m.find()).as(log).isTrue();
        return Long.parseLong(m.group(1));
    }

    private Path log(int version) {
        return dir.resolve("producer-v" + version + ".log");
    }

    private Path stopFile(int version) {
        return dir.resolve("stop-v" + version);
    }

    /** Kills {@code p} (another child of the test, such as a converter) with the producers when they are closed. */
    public void track(Process p) {
        started.add(p);
    }

    /** Kills every producer still running. */
    @Override
    public void close() {
        for (Process p : started) {
            p.destroyForcibly();
        }
    }

    /** How often a record's version differs from the one before it, along {@code queue}. */
    public static long versionSwitches(Path queue) {
        long[] switches = {0, 0};
        try (QueueReader r = QueueReader.open(queue)) {
            r.toStart();
            while (r.read((index, rec) -> {
                int v = rec.schema().version();
                if (switches[1] != 0 && switches[1] != v) {
                    switches[0]++;
                }
                switches[1] = v;
            }, 65536) > 0) {
                // read all
            }
        }
        return switches[0];
    }

    /** Waits until status value {@code slot} of the child {@code process} reaches {@code atLeast}; false after 30 s. */
    public static boolean awaitSlot(Path statusFile, Process process, int slot, long atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (StatusFile s = StatusFile.open(statusFile, false)) {
            assertThat(s.pid()).as("status file of the process just started").isEqualTo(process.pid());
            while (s.snapshot().value(slot) < atLeast) {
                assertThat(process.isAlive()).as("process died by itself").isTrue();
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(2);
            }
        }
        return true;
    }

    /** Waits until {@code log} holds {@code line}, failing with the log if {@code p} dies first. */
    public static void awaitLine(Path log, String line, Process p, int seconds) {
        Await.until("timed out waiting for " + line, Duration.ofSeconds(seconds), () -> {
            if (Files.exists(log) && Files.readString(log).contains(line)) {
                return true;
            }
            assertThat(p.isAlive()).as("process died: %s", Files.exists(log) ? Files.readString(log) : "").isTrue();
            return false;
        });
    }
}
