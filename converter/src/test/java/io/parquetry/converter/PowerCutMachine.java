package io.parquetry.converter;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.output.Output;
import io.parquetry.converter.verify.DatasetVerifier;
import io.parquetry.converter.verify.VerifyReport;
import io.parquetry.powercut.Policy;
import io.parquetry.powercut.PowerCut;
import io.parquetry.powercut.Report;
import io.parquetry.reader.QueueReader;
import io.parquetry.testing.Await;
import io.parquetry.testing.ChildJvm;
import io.parquetry.testing.PowerCutProducer;
import io.parquetry.testing.QueueScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One machine for power-cut tests: a queue, a dataset and a converter's state directory under one root that the
 * power-cut shim watches, a recorder and a converter as child processes started with it, and a cut that kills them both
 * (SIGKILL) and leaves the root as a power cut could ({@link PowerCut}). Logs of every process go to the test's directory,
 * outside the root. Public for the iceberg module's power-cut test, which runs the same machine with a table.
 */
public final class PowerCutMachine {

    public static final Pattern SYNCED = Pattern.compile("(?m)^SYNCED (\\d+)$");
    public static final Pattern READY = Pattern.compile("(?m)^READY (-?\\d+)$");
    public static final Pattern APPENDED = Pattern.compile("(?m)^APPENDED (\\d+)$");
    /** A converter's log line once it has recovered and converts (its checkpoint is the group). */
    public static final Pattern CONVERTER_READY = Pattern.compile("converter ready: .*, checkpoint=(-?\\d+),");

    public final Path dir;
    public final Path root;
    public final Path queue;
    public final Path config;
    public final PowerCut cut;
    private final List<Process> running = new ArrayList<>();
    private final java.util.Map<Process, Path> logs = new java.util.HashMap<>();
    private int started;

    /** A machine in {@code dir}; {@code converterYaml} is added to the converter's configuration (rotation, table). */
    public PowerCutMachine(Path dir, String converterYaml) throws IOException {
        this.dir = dir;
        this.root = Files.createDirectories(dir.resolve("root"));
        this.queue = root.resolve("queue");
        this.config = dir.resolve("converter.yaml");
        Files.writeString(config, "queue: " + queue + "\noutput: " + root.resolve("out") + "\nsource: cut\nstateDir: " + root.resolve("state")
                + "\n" + converterYaml);
        this.cut = new PowerCut(root, dir.resolve("powercut"));
        cut.baseline();
    }

    public Path dataset() {
        return root.resolve("out/market_data");
    }

    /** Starts a recorder: {@code rate} records/s, sync every {@code syncMs} (0: never), up to {@code count} (0: until killed). */
    public Process recorder(long rate, long syncMs, int incarnation, long count) throws IOException {
        return start("recorder", PowerCutProducer.class, queue.toString(), Long.toString(rate), Long.toString(syncMs), Integer.toString(incarnation),
                Long.toString(count));
    }

    public Process converter(String... args) throws IOException {
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

    public Path log(String name) {
        return dir.resolve(name + ".log");
    }

    /** The log of process {@code p} of this machine. */
    public Path logOf(Process p) {
        return logs.get(p);
    }

    /** What process {@code p} has written so far. */
    public String textOf(Process p) throws IOException {
        Path log = logs.get(p);
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Waits until the log of {@code p} has a line matching {@code pattern}; returns its first group. */
    public long await(Process p, Pattern pattern, int seconds) throws Exception {
        Path log = logs.get(p);
        long[] found = new long[1];
        Await.until(String.format("timed out waiting for %s in %s", pattern, log), Duration.ofSeconds(seconds), () -> {
            Matcher m = pattern.matcher(Files.exists(log) ? Files.readString(log) : "");
            if (m.find()) {
                found[0] = Long.parseLong(m.group(1));
                return true;
            }
            assertThat(p.isAlive()).as("%s died: %s", log, Files.exists(log) ? Files.readString(log) : "").isTrue();
            return false;
        });
        return found[0];
    }

    /** The first order_id a recorder appends: the queue held everything before it when it opened. */
    public static long ready(String log) {
        Matcher m = READY.matcher(log);
        return m.find() ? Long.parseLong(m.group(1)) : Long.MIN_VALUE;
    }

    /** The last order_id a recorder's log says was synced, or -1. */
    public static long synced(String log) {
        Matcher m = SYNCED.matcher(log);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    /** Power cut: every process killed at once, then the root as a cut by {@code policy} leaves it. */
    public Report powerCut(Policy policy, long seed) throws Exception {
        killAll();
        return cut.cut(policy, seed);
    }

    public void killAll() throws InterruptedException {
        for (Process p : running) {
            p.destroyForcibly();
        }
        for (Process p : running) {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        running.clear();
    }

    /** Records of the queue, read by the test's own scan (independent of the converter's reader). */
    public QueueScan.Result scan() {
        return QueueScan.scan(queue);
    }

    /** Waits until the converter has committed at least {@code records} records into the dataset. */
    public void awaitCommitted(long records) throws Exception {
        Await.until(String.format("the converter commits %d records", records), Duration.ofSeconds(120),
                () -> Datasets.ranges(dataset()).stream().mapToLong(r -> r[2]).sum() >= records);
    }

    /** Runs a converter until it has committed everything the queue holds; it must exit 0. Then nothing runs. */
    public void runUntilIdle() throws Exception {
        Process last = converter("--until-idle");
        assertThat(last.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).as(textOf(last)).isZero();
        killAll();
    }

    /**
     * The queue's records, by the test's own scan, are order_ids 0, 1, 2, ... with none damaged, and the dataset holds
     * exactly them, each once, with the same incarnation in {@code exchange} (no phantom), and values that follow from the
     * order_id (no torn row); every order_id up to {@code promised} is among them.
     *
     * @return the number of rows
     */
    public long assertExactlyOnce(long promised) throws Exception {
        QueueScan.Result q = scan();
        assertThat(q.damaged()).as("excerpts of the queue that are not whole records").isEmpty();
        List<QueueScan.Row> rows = q.rows();
        for (int i = 0; i < rows.size(); i++) {
            assertThat(rows.get(i).orderId()).as("order_id of the queue's record %d", i).isEqualTo(i);
        }
        assertThat((long) rows.size()).as("records reported synced are in the queue").isGreaterThan(promised);
        String scan = Datasets.scan(dataset());
        try (Connection c = Datasets.duckdb(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT order_id, exchange FROM " + scan + " ORDER BY order_id, exchange")) {
                int i = 0;
                while (rs.next()) {
                    assertThat(i).as("rows in the dataset: no more than the queue's records").isLessThan(rows.size());
                    QueueScan.Row r = rows.get(i);
                    assertThat(rs.getLong(1)).as("row %d's order_id (a duplicate or a phantom?)", i).isEqualTo(r.orderId());
                    assertThat(rs.getInt(2)).as("row %d's incarnation (a phantom: a record the queue lost and replaced?)", i).isEqualTo(r.exchange());
                    i++;
                }
                assertThat(i).as("rows in the dataset: every record of the queue").isEqualTo(rows.size());
            }
            assertThat(Datasets.queryLong("SELECT count(*) FROM " + scan + " WHERE quantity <> 100 + order_id % 900 OR order_type <> order_id % 4"
                    + " OR side <> order_id % 2 OR CAST(price AS DECIMAL(38, 8)) * 100000000 <> 10000000000 + (order_id % 10000) * 1000000"))
                    .as("rows whose values do not follow from their order_id (torn records)").isZero();
        }
        try (QueueReader q2 = QueueReader.open(queue)) {
            Output out = Output.open(root.resolve("out").toString(), "market_data", Map.of(), false);
            VerifyReport v = DatasetVerifier.verify(out.fs(), out.conf(), out.datasetDir(), "cut", q2, Checkpoint.readIn(root.resolve("state")), true);
            assertThat(v.problems()).as(String.join("\n", v.render())).isEmpty();
        }
        return rows.size();
    }
}
