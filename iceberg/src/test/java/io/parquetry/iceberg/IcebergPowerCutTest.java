package io.parquetry.iceberg;

import static io.parquetry.iceberg.TableFixtures.context;
import static io.parquetry.iceberg.TableFixtures.localConf;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.PowerCutMachine;
import io.parquetry.converter.table.TableSinkProvider;
import io.parquetry.powercut.Policy;
import io.parquetry.powercut.Report;
import io.parquetry.reader.QueueReader;
import io.parquetry.testing.QueueScan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default table (SQLite catalog and warehouse under the dataset, on the dataset's disk) through kills and power
 * cuts ({@link PowerCutMachine}): a recorder syncing every 100 ms and a converter appending each file to the table, cut
 * again and again, some cuts losing everything not synced, others a random part of it, some after a SIGKILL and a
 * restart. Every restarted converter must get going (a table it cannot read stops it), and at the end the table read by
 * Iceberg's own reader and the dataset read by DuckDB each hold every record of the queue exactly once, against the
 * test's own scan of the queue. Before every file Iceberg writes was synced, the first cut left the table's metadata
 * files empty and no converter could start again.
 */
@Tag("slow")
class IcebergPowerCutTest {

    @TempDir
    Path dir;

    private PowerCutMachine machine;

    @AfterEach
    void killWhatRuns() throws InterruptedException {
        if (machine != null) {
            machine.killAll();
        }
    }

    @Test
    @Timeout(value = 1200, unit = TimeUnit.SECONDS)
    void theTableOnTheDatasetsDiskSurvivesKillsAndPowerCutsAndHoldsEveryRecordOnce() throws Exception {
        PowerCutMachine m = machine = new PowerCutMachine(dir, "rotation: {maxRows: 20000, maxAge: 300ms}\n" + ConverterIntoIcebergTest.TABLE);
        Random random = new Random(20_261_213);
        long promised = -1; // the highest order_id any recorder reported synced before a cut
        int cuts = Integer.getInteger("powercut.cuts", 14);
        int killsFirst = 0;
        long committedBefore = -1;
        List<String> reports = new ArrayList<>();
        for (int k = 0; k < cuts; k++) {
            Process rec = m.recorder(30_000, 100, k + 1, 0);
            long first = m.await(rec, PowerCutMachine.READY, 60);
            assertThat(first).as("cut %d: the reopened recorder continues after every record reported synced (%d)", k, promised)
                    .isGreaterThan(promised);
            Process conv = m.converter();
            long checkpoint = m.await(conv, PowerCutMachine.CONVERTER_READY, 90);
            assertThat(checkpoint).as("cut %d: the converter's checkpoint survives the cut", k).isGreaterThanOrEqualTo(committedBefore);
            Thread.sleep(500 + random.nextInt(1500));
            if (random.nextBoolean()) {
                // A kill first: the next converter recovers (appending what the killed one published and did not append)
                // and runs a while before the cut.
                conv.destroyForcibly();
                assertThat(conv.waitFor(30, TimeUnit.SECONDS)).isTrue();
                conv = m.converter();
                m.await(conv, PowerCutMachine.CONVERTER_READY, 90);
                Thread.sleep(300 + random.nextInt(1000));
                killsFirst++;
            }
            assertThat(conv.isAlive()).as("cut %d: converter died: %s", k, m.textOf(conv)).isTrue();
            promised = Math.max(promised, PowerCutMachine.synced(m.textOf(rec)));
            committedBefore = lastCommitted(m.textOf(conv));
            Policy policy = k % 3 == 0 ? Policy.LOSE_ALL : Policy.RANDOM;
            Report r = m.powerCut(policy, random.nextLong());
            reports.add(r.toString());
        }
        Process rec = m.recorder(30_000, 100, cuts + 1, 20_000);
        assertThat(m.await(rec, PowerCutMachine.READY, 60)).as("after the last cut").isGreaterThan(promised);
        m.await(rec, PowerCutMachine.APPENDED, 120);
        m.killAll();
        m.runUntilIdle();
        long rows = m.assertExactlyOnce(promised);
        long snapshots = assertTableHoldsTheQueueOnce(m);
        System.out.printf("iceberg power cuts: %d cuts (%d after a kill and a restart), %d rows, %d snapshots of source cut; last cut: %s%n",
                cuts, killsFirst, rows, snapshots, reports.get(reports.size() - 1));
    }

    /** The checkpoint a converter's log last reported ready with, or -1. */
    private static long lastCommitted(String log) {
        java.util.regex.Matcher matcher = PowerCutMachine.CONVERTER_READY.matcher(log);
        long last = -1;
        while (matcher.find()) {
            last = Long.parseLong(matcher.group(1));
        }
        return last;
    }

    /**
     * The table, read by Iceberg's reader, holds exactly the queue's records (order_id and exchange, by the test's own
     * scan), each once; its snapshots of this source tile the queue's indexes.
     *
     * @return the source's snapshots
     */
    private static long assertTableHoldsTheQueueOnce(PowerCutMachine m) throws Exception {
        QueueScan.Result q = m.scan();
        String queueId;
        io.parquetry.schema.Schema schema;
        try (QueueReader r = QueueReader.open(m.queue)) {
            queueId = r.identity().id();
            schema = r.schema();
        }
        try (IcebergTableSink sink = (IcebergTableSink) TableSinkProvider.forType("iceberg").open(context(Map.of("type", "iceberg", "catalog",
                "sqlite"), schema, "cut", queueId, "file:" + m.dataset(), localConf()))) {
            Table t = sink.table();
            t.refresh();
            List<long[]> rows = new ArrayList<>();
            try (CloseableIterable<Record> it = IcebergGenerics.read(t).select("order_id", "exchange").build()) {
                for (Record r : it) {
                    rows.add(new long[] {((Number) r.getField("order_id")).longValue(), ((Number) r.getField("exchange")).longValue()});
                }
            }
            rows.sort(Comparator.<long[]>comparingLong(r -> r[0]).thenComparingLong(r -> r[1]));
            assertThat(rows).as("rows of the table: every record of the queue, once").hasSameSizeAs(q.rows());
            for (int i = 0; i < rows.size(); i++) {
                QueueScan.Row expected = q.rows().get(i);
                assertThat(rows.get(i)[0]).as("table row %d's order_id (a duplicate or a lost file?)", i).isEqualTo(expected.orderId());
                assertThat(rows.get(i)[1]).as("table row %d's incarnation (a phantom?)", i).isEqualTo(expected.exchange());
            }
            List<long[]> ranges = new ArrayList<>();
            for (Snapshot s : t.snapshots()) {
                if ("cut".equals(s.summary().get(SummaryKeys.SOURCE))) {
                    ranges.add(new long[] {Long.parseLong(s.summary().get(SummaryKeys.FIRST_INDEX)), Long.parseLong(s.summary().get(
                            SummaryKeys.LAST_INDEX))});
                }
            }
            ranges.sort(Comparator.comparingLong(r -> r[0]));
            int pos = 0;
            for (long[] range : ranges) {
                assertThat(range[0]).as("a snapshot's first index: the queue's next record after the previous snapshot")
                        .isEqualTo(q.rows().get(pos).index());
                while (pos < q.rows().size() && q.rows().get(pos).index() <= range[1]) {
                    pos++;
                }
            }
            assertThat(pos).as("records covered by the table's snapshots").isEqualTo(q.rows().size());
            return ranges.size();
        }
    }
}
