package io.parquetry.converter;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.powercut.Policy;
import io.parquetry.powercut.PowerCut;
import io.parquetry.powercut.Report;
import io.parquetry.recorder.ChildJvm;
import io.parquetry.recorder.PowerCutProducer;
import io.parquetry.recorder.QueueScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One machine for power-cut tests: a queue, a dataset and a converter's state directory under one root that the
 * power-cut shim watches, a recorder and a converter as child processes started with it, and a cut that kills them both
 * (SIGKILL) and leaves the root as a power cut could ({@link PowerCut}). Logs of every process go to the test's directory,
 * outside the root.
 */
final class PowerCutMachine {

    static final Pattern SYNCED = Pattern.compile("(?m)^SYNCED (\\d+)$");
    static final Pattern READY = Pattern.compile("(?m)^READY (-?\\d+)$");
    static final Pattern APPENDED = Pattern.compile("(?m)^APPENDED (\\d+)$");

    final Path dir;
    final Path root;
    final Path queue;
    final Path config;
    final PowerCut cut;
    private final List<Process> running = new ArrayList<>();
    private final java.util.Map<Process, Path> logs = new java.util.HashMap<>();
    private int started;

    PowerCutMachine(Path dir, String converterYaml) throws IOException {
        this.dir = dir;
        this.root = Files.createDirectories(dir.resolve("root"));
        this.queue = root.resolve("queue");
        this.config = dir.resolve("converter.yaml");
        Files.writeString(config, "queue: " + queue + "\noutput: " + root.resolve("out") + "\nsource: cut\nstateDir: " + root.resolve("state")
                + "\n" + converterYaml);
        this.cut = new PowerCut(root, dir.resolve("powercut"));
        cut.baseline();
    }

    Path dataset() {
        return root.resolve("out/market_data");
    }

    /** Starts a recorder: {@code rate} records/s, sync every {@code syncMs} (0: never), up to {@code count} (0: until killed). */
    Process recorder(long rate, long syncMs, int incarnation, long count) throws IOException {
        return start("recorder", PowerCutProducer.class, queue.toString(), Long.toString(rate), Long.toString(syncMs), Integer.toString(incarnation),
                Long.toString(count));
    }

    Process converter(String... args) throws IOException {
        String[] all = new String[args.length + 1];
        all[0] = config.toString();
        System.arraycopy(args, 0, all, 1, args.length);
        return start("converter", ConverterChild.class, all);
    }

    private Process start(String name, Class<?> main, String... args) throws IOException {
        Path log = log(name + "-" + started++);
        Process p = ChildJvm.start(log, null, cut.environment(), "-Xmx256m", main, args);
        running.add(p);
        logs.put(p, log);
        return p;
    }

    Path log(String name) {
        return dir.resolve(name + ".log");
    }

    /** The log of process {@code p} of this machine. */
    Path logOf(Process p) {
        return logs.get(p);
    }

    /** What process {@code p} has written so far. */
    String textOf(Process p) throws IOException {
        Path log = logs.get(p);
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Waits until the log of {@code p} has a line matching {@code pattern}; returns its first group. */
    long await(Process p, Pattern pattern, int seconds) throws Exception {
        Path log = logs.get(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            Matcher m = pattern.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
            assertThat(p.isAlive()).as("%s died: %s", log, Files.exists(log) ? Files.readString(log) : "").isTrue();
            assertThat(System.nanoTime()).as("timed out waiting for %s in %s", pattern, log).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** The first order_id a recorder appends: the queue held everything before it when it opened. */
    static long ready(String log) {
        Matcher m = READY.matcher(log);
        return m.find() ? Long.parseLong(m.group(1)) : Long.MIN_VALUE;
    }

    /** The last order_id a recorder's log says was synced, or -1. */
    static long synced(String log) {
        Matcher m = SYNCED.matcher(log);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    /** Power cut: every process killed at once, then the root as a cut by {@code policy} leaves it. */
    Report powerCut(Policy policy, long seed) throws Exception {
        killAll();
        return cut.cut(policy, seed);
    }

    void killAll() throws InterruptedException {
        for (Process p : running) {
            p.destroyForcibly();
        }
        for (Process p : running) {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        running.clear();
    }

    /** Records of the queue, read by the test's own scan (independent of the converter's reader). */
    QueueScan.Result scan() {
        return QueueScan.scan(queue);
    }
}
