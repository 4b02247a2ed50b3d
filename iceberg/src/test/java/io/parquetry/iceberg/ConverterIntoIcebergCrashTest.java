package io.parquetry.iceberg;

import static io.parquetry.iceberg.ConverterIntoIcebergTest.assertTableHoldsEachRecordOnce;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.ConverterChild;
import io.parquetry.converter.Datasets;
import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.status.StatusFile;
import io.parquetry.testing.Await;
import io.parquetry.testing.ChildJvm;
import io.parquetry.testing.CrashingProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes, real SIGKILLs, with an Iceberg table: a producer appends while converter processes are killed
 * after their own commits, the instant a file is renamed (before or during its table append), or at random. After a
 * last clean run the table holds every record exactly once and its snapshots' index ranges tile the queue.
 */
@Tag("slow")
class ConverterIntoIcebergCrashTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 400, unit = TimeUnit.SECONDS)
    void convertersKilledWithSigkillLeaveTheTableExactlyOnce() throws Exception {
        long total = 600_000;
        Path cfg = dir.resolve("converter.yaml");
        Files.writeString(cfg, "queue: " + dir.resolve("queue") + "\noutput: " + dir.resolve("out") + "\nsource: crash\n"
                + "rotation: {maxRows: 20000, maxAge: 1s}\n" + ConverterIntoIcebergTest.TABLE);
        Path status = dir.resolve("queue/converter-crash/converter.status");
        Process producer = ChildJvm.start(dir.resolve("producer.log"), "-Xmx256m", CrashingProducer.class, dir.resolve("queue").toString(), "0",
                Long.toString(total), "60000");
        Random random = new Random(7);
        int kills = 0;
        int atRename = 0;
        try {
            await(dir.resolve("producer.log"), "STARTED", producer);
            while (kills < 10 || producer.isAlive()) {
                Path log = dir.resolve("converter-" + kills + ".log");
                Process conv = ChildJvm.start(log, "-Xmx384m", ConverterChild.class, cfg.toString());
                await(log, "converter ready", conv);
                switch (kills % 3) {
                    case 0 -> awaitCommit(status, conv);
                    case 1 -> atRename += awaitRename(conv) ? 1 : 0;
                    default -> Thread.sleep(100 + random.nextInt(1500));
                }
                assertThat(conv.isAlive()).as("converter died by itself: %s", Files.readString(log)).isTrue();
                conv.destroyForcibly();
                assertThat(conv.waitFor(30, TimeUnit.SECONDS)).isTrue();
                kills++;
                assertThat(kills).as("producer should finish within 40 kills").isLessThan(40);
            }
            assertThat(producer.waitFor(120, TimeUnit.SECONDS)).isTrue();
        } finally {
            producer.destroyForcibly();
        }
        assertThat(atRename).as("kills the instant a rename was seen").isPositive();
        Process last = ChildJvm.start(dir.resolve("converter-final.log"), "-Xmx384m", ConverterChild.class, cfg.toString(), "--until-idle");
        assertThat(last.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).as(Files.readString(dir.resolve("converter-final.log"))).isZero();

        assertTableHoldsEachRecordOnce(dir, "crash", total);
        assertThat(Datasets.queryLong("SELECT count(DISTINCT seq) FROM " + Datasets.scan(dir.resolve("out/all_types")))).isEqualTo(total);
        long mended = 0;
        for (Path log : Datasets.files(dir, ".log")) {
            mended += Files.readAllLines(log).stream().filter(l -> l.contains("appending to the table a file committed before")).count();
        }
        System.out.printf("iceberg crash test: %d kills (%d at a rename); %d recoveries appended a published file the table lacked%n", kills,
                atRename, mended);
    }

    private static void awaitCommit(Path status, Process conv) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (StatusFile s = StatusFile.open(status, false)) {
            while (s.snapshot().value(ConverterStatusDescriptor.FILES_COMMITTED) == 0 && System.nanoTime() < deadline) {
                assertThat(conv.isAlive()).isTrue();
                Thread.sleep(5);
            }
        }
    }

    private boolean awaitRename(Process conv) throws Exception {
        int before = Datasets.files(dir.resolve("out"), ".parquet").size();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Datasets.files(dir.resolve("out"), ".parquet").size() == before) {
            assertThat(conv.isAlive()).isTrue();
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    private static void await(Path log, String line, Process p) {
        Await.until("timed out waiting for " + line, Duration.ofSeconds(90), () -> {
            if (Files.exists(log) && Files.readString(log).contains(line)) {
                return true;
            }
            assertThat(p.isAlive()).as("process died: %s", Files.exists(log) ? Files.readString(log) : "").isTrue();
            return false;
        });
    }
}
