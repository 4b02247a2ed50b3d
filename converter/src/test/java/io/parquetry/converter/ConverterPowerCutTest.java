package io.parquetry.converter;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.powercut.Policy;
import io.parquetry.powercut.Report;
import io.parquetry.testing.QueueScan;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
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

    /** The converter's log line once it has recovered and reads (any digits, for {@link PowerCutMachine#await}). */
    private static final java.util.regex.Pattern READY_LOG = java.util.regex.Pattern.compile("converter ready: .*checkpoint=(-?\\d+)");

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
        m.awaitCommitted(100_000);
        Report cut = m.powerCut(Policy.LOSE_ALL, 0);
        System.out.println("cut: " + cut);
        QueueScan.Result q = m.scan();
        assertThat(q.rows()).as("records of the queue after the cut: every one the dataset holds").hasSizeGreaterThanOrEqualTo(100_000);

        Process again = m.recorder(200_000, 0, 2, 50_000);
        m.await(again, PowerCutMachine.APPENDED, 120);
        m.killAll();
        m.runUntilIdle();
        m.assertExactlyOnce(-1);
    }

    @Test
    @Timeout(value = 1500, unit = TimeUnit.SECONDS)
    void fiftyRandomPowerCutsWhileRecordingAndConvertingLoseNothingSyncedAndWriteNoPhantomOrTornRow() throws Exception {
        PowerCutMachine m = machine = new PowerCutMachine(dir, "rotation: {maxRows: 50000, maxAge: 300ms}\n");
        Random random = new Random(20_261_207);
        long promised = -1; // the highest order_id any recorder reported synced before a cut
        int waitedForARepair = 0; // converters that met a torn end before the recorder repaired it, and waited
        int checkedAfterAReboot = 0; // converters that started before the recorder, so read with checksums
        List<String> reports = new ArrayList<>();
        int cuts = Integer.getInteger("powercut.cuts", 50);
        for (int k = 0; k < cuts; k++) {
            boolean converterFirst = k > 0 && random.nextBoolean(); // once the queue exists
            Process conv = converterFirst ? m.converter() : null;
            if (conv != null) {
                // Let it read what the cut left, checking checksums (another boot), before the recorder repairs the end.
                m.await(conv, READY_LOG, 60);
                Thread.sleep(500 + random.nextInt(1000));
            }
            Process rec = m.recorder(30_000, 100, k + 1, 0);
            long first = m.await(rec, PowerCutMachine.READY, 60);
            assertThat(first).as("cut %d: the reopened recorder continues after every record reported synced (%d)", k, promised)
                    .isGreaterThan(promised);
            if (conv != null) {
                // Started before the recorder repaired the queue: it may meet the torn end, and must wait, not stop.
                assertThat(conv.isAlive()).as("cut %d: a converter started first died: %s", k, m.textOf(conv)).isTrue();
                checkedAfterAReboot++;
            } else {
                conv = m.converter();
            }
            Thread.sleep(300 + random.nextInt(1500));
            assertThat(conv.isAlive()).as("cut %d: converter died: %s", k, m.textOf(conv)).isTrue();
            if (m.textOf(conv).contains("no recorder has it open to repair it")) {
                waitedForARepair++;
            }
            promised = Math.max(promised, PowerCutMachine.synced(m.textOf(rec)));
            Report r = m.powerCut(Policy.RANDOM, random.nextLong());
            reports.add(r.toString());
        }
        Process rec = m.recorder(30_000, 100, cuts + 1, 20_000);
        long first = m.await(rec, PowerCutMachine.READY, 60);
        assertThat(first).as("after the last cut").isGreaterThan(promised);
        m.await(rec, PowerCutMachine.APPENDED, 120);
        m.killAll();
        m.runUntilIdle();
        long rows = m.assertExactlyOnce(promised);
        System.out.printf("power cuts: %d cuts, %d rows at the end; %d converters started before the recorder, %d of them met the torn end"
                + " and waited for the repair; last cut: %s%n", cuts, rows, checkedAfterAReboot, waitedForARepair, reports.get(reports.size() - 1));
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theOutputLeaseSurvivesACutThatLosesEverythingUnsyncedWhole() throws Exception {
        PowerCutMachine m = machine = new PowerCutMachine(dir, "");
        Process rec = m.recorder(10_000, 100, 1, 1_000);
        m.await(rec, PowerCutMachine.APPENDED, 120);
        Process conv = m.converter();
        m.await(conv, PowerCutMachine.CONVERTER_READY, 120); // the lease is taken before recovery, which this line ends
        long pid = conv.pid();
        Report cut = m.powerCut(Policy.LOSE_ALL, 0);
        Path lease = m.dataset().resolve("_parquetry/leases/cut.lease");
        assertThat(lease).as("the lease after the cut: %s", cut).exists();
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(lease)) {
            p.load(in);
        }
        // Before it was written durably, a cut left it empty: read as host=?, pid=-1.
        assertThat(p.getProperty("host")).isEqualTo(io.parquetry.platform.Host.name());
        assertThat(p.getProperty("pid")).isEqualTo(Long.toString(pid));
        assertThat(p.getProperty("stateDir")).isEqualTo(m.root.resolve("state").toString());
        assertThat(Long.parseLong(p.getProperty("renewedAt"))).isPositive();
    }
}
