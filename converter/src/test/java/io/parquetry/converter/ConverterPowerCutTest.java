package io.parquetry.converter;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.output.Output;
import io.parquetry.converter.verify.DatasetVerifier;
import io.parquetry.converter.verify.VerifyReport;
import io.parquetry.powercut.Policy;
import io.parquetry.powercut.Report;
import io.parquetry.recorder.QueueReader;
import io.parquetry.recorder.QueueScan;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder and the converter against power cuts, not only kills ({@link PowerCutMachine}): after a cut, each page
 * written since its file's last sync holds its old or its new content. Every record the recorder reported synced must
 * survive; no row may exist that the queue does not hold (a phantom); no torn record may become a row; every record
 * of the queue ends up in exactly one committed file. Counted through DuckDB against the test's own scan of the queue.
 */
@Tag("slow")
class ConverterPowerCutTest {

    @TempDir
    Path dir;

    private PowerCutMachine machine;

    @org.junit.jupiter.api.AfterEach
    void killWhatRuns() throws InterruptedException {
        if (machine != null) {
            machine.killAll();
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void recordsTheConverterCommittedSurviveACutThatLosesEverythingUnsynced() throws Exception {
        PowerCutMachine m = machine = new PowerCutMachine(dir, "rotation: {maxRows: 20000, maxAge: 200ms}\n");
        Process rec = m.recorder(200_000, 0, 1, 100_000); // the recorder never syncs: only the converter's commits make records durable
        m.await(rec, PowerCutMachine.APPENDED, 120);
        m.converter();
        awaitCommitted(m, 100_000);
        Report cut = m.powerCut(Policy.LOSE_ALL, 0);
        System.out.println("cut: " + cut);
        QueueScan.Result q = m.scan();
        assertThat(q.rows()).as("records of the queue after the cut: every one the dataset holds").hasSizeGreaterThanOrEqualTo(100_000);

        Process again = m.recorder(200_000, 0, 2, 50_000);
        m.await(again, PowerCutMachine.APPENDED, 120);
        m.killAll();
        runUntilIdle(m);
        assertExactlyOnce(m, -1);
    }

    @Test
    @Timeout(value = 1500, unit = TimeUnit.SECONDS)
    void fiftyRandomPowerCutsWhileRecordingAndConvertingLoseNothingSyncedAndWriteNoPhantomOrTornRow() throws Exception {
        PowerCutMachine m = machine = new PowerCutMachine(dir, "rotation: {maxRows: 50000, maxAge: 300ms}\n");
        Random random = new Random(20_261_207);
        long promised = -1; // the highest order_id any recorder reported synced before a cut
        int convertersStoppedByDamage = 0;
        List<String> reports = new ArrayList<>();
        int cuts = Integer.getInteger("powercut.cuts", 50);
        for (int k = 0; k < cuts; k++) {
            boolean converterFirst = k > 0 && random.nextBoolean(); // once the queue exists
            Process conv = converterFirst ? m.converter() : null;
            Process rec = m.recorder(30_000, 100, k + 1, 0);
            long first = m.await(rec, PowerCutMachine.READY, 60);
            assertThat(first).as("cut %d: the reopened recorder continues after every record reported synced (%d)", k, promised)
                    .isGreaterThan(promised);
            if (conv != null && !conv.isAlive()) {
                // Started before the recorder repaired the queue, it may have met the torn end and stopped, naming it.
                assertThat(conv.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(conv.exitValue()).as(m.textOf(conv)).isEqualTo(1);
                assertThat(m.textOf(conv)).contains("queue is damaged");
                convertersStoppedByDamage++;
                conv = null;
            }
            if (conv == null) {
                conv = m.converter();
            }
            Thread.sleep(300 + random.nextInt(1500));
            assertThat(conv.isAlive()).as("cut %d: converter died: %s", k, m.textOf(conv)).isTrue();
            promised = Math.max(promised, PowerCutMachine.synced(m.textOf(rec)));
            Report r = m.powerCut(Policy.RANDOM, random.nextLong());
            reports.add(r.toString());
        }
        Process rec = m.recorder(30_000, 100, cuts + 1, 20_000);
        long first = m.await(rec, PowerCutMachine.READY, 60);
        assertThat(first).as("after the last cut").isGreaterThan(promised);
        m.await(rec, PowerCutMachine.APPENDED, 120);
        m.killAll();
        runUntilIdle(m);
        long rows = assertExactlyOnce(m, promised);
        System.out.printf("power cuts: %d cuts, %d rows at the end, %d converters stopped at a torn end before the recorder repaired it,"
                + " last cut: %s%n", cuts, rows, convertersStoppedByDamage, reports.get(reports.size() - 1));
    }

    private static void awaitCommitted(PowerCutMachine m, long records) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (Datasets.ranges(m.dataset()).stream().mapToLong(r -> r[2]).sum() < records) {
            assertThat(System.nanoTime()).as("the converter commits %d records", records).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void runUntilIdle(PowerCutMachine m) throws Exception {
        Process last = m.converter("--until-idle");
        assertThat(last.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).as(m.textOf(last)).isZero();
        m.killAll();
    }

    /**
     * The queue's records, by the test's own scan, are order_ids 0, 1, 2, ... with none damaged, and the dataset holds
     * exactly them, each once, with the same incarnation in {@code exchange} (no phantom), and values that follow from the
     * order_id (no torn row); every order_id up to {@code promised} is among them.
     *
     * @return the number of rows
     */
    private static long assertExactlyOnce(PowerCutMachine m, long promised) throws Exception {
        QueueScan.Result q = m.scan();
        assertThat(q.damaged()).as("excerpts of the queue that are not whole records").isEmpty();
        List<QueueScan.Row> rows = q.rows();
        for (int i = 0; i < rows.size(); i++) {
            assertThat(rows.get(i).orderId()).as("order_id of the queue's record %d", i).isEqualTo(i);
        }
        assertThat((long) rows.size()).as("records reported synced are in the queue").isGreaterThan(promised);
        String scan = Datasets.scan(m.dataset());
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
        try (QueueReader q2 = QueueReader.open(m.queue)) {
            Output out = Output.open(m.root.resolve("out").toString(), "market_data", Map.of(), false);
            VerifyReport v = DatasetVerifier.verify(out.fs(), out.conf(), out.datasetDir(), "cut", q2, Checkpoint.readIn(m.root.resolve("state")), true);
            assertThat(v.problems()).as(String.join("\n", v.render())).isEmpty();
        }
        return rows.size();
    }
}
