package io.parquetry.converter;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.reader.QueueReader;
import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.status.StatusFile;
import io.parquetry.testing.AllTypes;
import io.parquetry.testing.Await;
import io.parquetry.testing.ChildJvm;
import io.parquetry.testing.CrashingProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes, real signals: a producer JVM appends while a converter JVM is killed with SIGKILL at random moments
 * (some during commits: files are small, so commits are frequent); after a final clean run every record is in the
 * dataset exactly once, no in-progress file remains, and the footers' index ranges tile the queue with no gap or overlap.
 */
@Tag("slow")
class ConverterCrashTest {

    @TempDir
    Path dir;

    private Path writeConfig(String extra) throws Exception {
        Path cfg = dir.resolve("converter.yaml");
        Files.writeString(cfg, "queue: " + dir.resolve("queue") + "\noutput: " + dir.resolve("out") + "\nsource: crash\n"
                + "rotation: {maxRows: 50000, maxAge: 1s}\n" + extra);
        return cfg;
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void converterKilledWithSigkillRepeatedlyLosesAndDuplicatesNothing() throws Exception {
        killRepeatedly(2_000_000, false);
    }

    /** The same with string/binary fields: records of varying length, every value checked through DuckDB. */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void converterOfVariableFieldsKilledWithSigkillRepeatedlyLosesAndDuplicatesNothing() throws Exception {
        killRepeatedly(1_000_000, true);
    }

    private void killRepeatedly(long total, boolean variable) throws Exception {
        Path cfg = writeConfig("");
        Process producer = ChildJvm.start(dir.resolve("producer.log"), "-Xmx256m", CrashingProducer.class, dir.resolve("queue").toString(),
                "0", Long.toString(total), variable ? "75000" : "150000", variable ? "variable" : "fixed");
        Random random = new Random(42);
        Path statusFile = ConverterConfig.load(cfg, ConverterConfig.Overrides.none()).statusFile();
        int kills = 0;
        int[] byMode = new int[3];
        try {
            await(dir.resolve("producer.log"), "STARTED", producer, 60);
            while (kills < 12 || producer.isAlive()) {
                Path log = dir.resolve("converter-" + kills + ".log");
                Process conv = ChildJvm.start(log, "-Xmx256m", ConverterChild.class, cfg.toString());
                await(log, "converter ready", conv, 60);
                // Kill moments that do not depend on how fast this machine is: after this process has committed a file,
                // the moment a new file's rename is seen (between rename and checkpoint, or just after), or at random.
                int mode = kills % 3;
                boolean seen = switch (mode) {
                    case 0 -> awaitOwnCommit(statusFile, conv);
                    case 1 -> awaitRename(conv);
                    default -> {
                        Thread.sleep(50 + random.nextInt(1000));
                        yield true;
                    }
                };
                if (mode == 0 && seen) {
                    Thread.sleep(random.nextInt(300));
                }
                if (seen) {
                    byMode[mode]++;
                }
                assertThat(conv.isAlive()).as("converter died by itself: %s", Files.readString(log)).isTrue();
                conv.destroyForcibly(); // SIGKILL
                assertThat(conv.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(conv.exitValue()).isEqualTo(137);
                kills++;
                assertThat(kills).as("producer should finish within 60 kills").isLessThan(60);
            }
            assertThat(producer.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(dir.resolve("producer.log"))).contains("DONE");
        } finally {
            producer.destroyForcibly();
        }
        assertThat(kills).isGreaterThanOrEqualTo(10);
        assertThat(byMode[0]).as("kills after the killed converter's own commit").isPositive();
        assertThat(byMode[1]).as("kills the moment a rename was seen").isPositive();
        long committedBeforeFinal = Datasets.files(dir.resolve("out"), ".parquet").size();
        assertThat(committedBeforeFinal).as("the killed converters committed files").isPositive();
        System.out.printf("crash test: %d kills (%d after a commit, %d at a rename, %d at random); %d files committed before the final run;"
                + " %d recoveries adopted a file committed after the checkpoint%n", kills, byMode[0], byMode[1], kills - byMode[0] - byMode[1],
                committedBeforeFinal, countInLogs("adopting a file"));

        // Final clean run, in its own process too.
        Process last = ChildJvm.start(dir.resolve("converter-final.log"), "-Xmx256m", ConverterChild.class, cfg.toString(), "--until-idle");
        assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).as(Files.readString(dir.resolve("converter-final.log"))).isZero();
        verifyExactlyOnce(total);
        if (variable) {
            verifyVariableValues(total);
        }
    }

    /** Every variable value as written: byte lengths, null counts and a content hash per column, through DuckDB. */
    private void verifyVariableValues(long total) {
        long msgBytes = 0;
        long txtPresent = 0;
        long txtBytes = 0;
        long blobBytes = 0;
        for (long s = 0; s < total; s++) {
            msgBytes += AllTypes.message(s).length();
            if (!AllTypes.isNullRow(s)) {
                txtPresent++;
                txtBytes += AllTypes.text(s).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                blobBytes += AllTypes.blob(s).length;
            }
        }
        String scan = Datasets.scan(dir.resolve("out/all_types"));
        assertThat(Datasets.queryLong("SELECT sum(strlen(msg)) FROM " + scan)).as("message bytes").isEqualTo(msgBytes);
        assertThat(Datasets.queryLong("SELECT count(txt) FROM " + scan)).as("texts present").isEqualTo(txtPresent);
        assertThat(Datasets.queryLong("SELECT sum(strlen(txt)) FROM " + scan)).as("text bytes").isEqualTo(txtBytes);
        assertThat(Datasets.queryLong("SELECT sum(octet_length(blob)) FROM " + scan)).as("blob bytes").isEqualTo(blobBytes);
        // Row by row for a sample: the values of seq s are AllTypes's for s.
        for (long s : new long[] {0, 1, 5, 6, 7, 10, 107, total / 2, total - 1}) {
            String want = AllTypes.isNullRow(s) ? null : AllTypes.text(s);
            assertThat(Datasets.queryString("SELECT txt FROM " + scan + " WHERE seq = " + s)).as("txt of seq %d", s).isEqualTo(want);
            assertThat(Datasets.queryString("SELECT msg FROM " + scan + " WHERE seq = " + s)).as("msg of seq %d", s).isEqualTo(AllTypes.message(s));
            assertThat(Datasets.queryString("SELECT hex(blob) FROM " + scan + " WHERE seq = " + s)).as("blob of seq %d", s)
                    .isEqualTo(AllTypes.isNullRow(s) ? null : java.util.HexFormat.of().withUpperCase().formatHex(AllTypes.blob(s)));
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void sigtermCommitsWhatItHoldsAndExitsZero() throws Exception {
        long total = 300_000;
        Path cfg = writeConfig("");
        Process producer = ChildJvm.start(dir.resolve("producer.log"), "-Xmx256m", CrashingProducer.class, dir.resolve("queue").toString(),
                "0", Long.toString(total), "100000");
        try {
            await(dir.resolve("producer.log"), "STARTED", producer, 60);
            Process conv = ChildJvm.start(dir.resolve("converter.log"), "-Xmx256m", ConverterChild.class, cfg.toString());
            await(dir.resolve("converter.log"), "converter ready", conv, 60);
            Path statusFile = ConverterConfig.load(cfg, ConverterConfig.Overrides.none()).statusFile();
            awaitValue(statusFile, ConverterStatusDescriptor.RECORDS_READ, conv, 60); // it holds records: SIGTERM must commit them
            conv.destroy(); // SIGTERM
            assertThat(conv.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String log = Files.readString(dir.resolve("converter.log"));
            assertThat(conv.exitValue()).as(log).isZero();
            assertThat(log).contains("SIGTERM").contains("STOPPED");
            assertThat(Datasets.files(dir.resolve("out"), ".inprogress")).isEmpty();
            long committed = Datasets.ranges(dir.resolve("out/all_types")).stream().mapToLong(r -> r[2]).sum();
            assertThat(committed).isPositive();
            assertThat(producer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            producer.destroyForcibly();
        }
        ConverterService.run(ConverterConfig.load(cfg, ConverterConfig.Overrides.none()), true);
        verifyExactlyOnce(total);
    }

    private void verifyExactlyOnce(long total) {
        Path dataset = dir.resolve("out/all_types");
        assertThat(Datasets.files(dir.resolve("out"), ".inprogress")).isEmpty();
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dataset))).isEqualTo(total);
        assertThat(Datasets.queryLong("SELECT count(DISTINCT seq) FROM " + Datasets.scan(dataset))).isEqualTo(total);
        assertThat(Datasets.queryLong("SELECT sum(seq) FROM " + Datasets.scan(dataset))).isEqualTo(total * (total - 1) / 2);
        // Footers tile the queue: each file starts at the record right after the previous file's last.
        long[] indexes = new long[(int) total];
        int[] n = {0};
        try (QueueReader r = QueueReader.open(dir.resolve("queue"))) {
            r.toStart();
            while (r.read((index, rec) -> indexes[n[0]++] = index, 65536) > 0) {
                // read all
            }
        }
        assertThat(n[0]).isEqualTo((int) total);
        List<long[]> ranges = Datasets.ranges(dataset);
        long expectedPos = 0;
        for (long[] r : ranges) {
            int first = Arrays.binarySearch(indexes, r[0]);
            int last = Arrays.binarySearch(indexes, r[1]);
            assertThat(first).as("file starting at index %d", r[0]).isEqualTo(expectedPos);
            assertThat(last - first + 1).as("rows of file starting at index %d", r[0]).isEqualTo(r[2]);
            expectedPos = last + 1;
        }
        assertThat(expectedPos).isEqualTo(total);
    }

    /** Waits until this converter process has committed a file; false when none came within 30 s (nothing left to convert). */
    private static boolean awaitOwnCommit(Path statusFile, Process conv) throws Exception {
        return awaitValue(statusFile, ConverterStatusDescriptor.FILES_COMMITTED, conv, 30);
    }

    /** Waits until a slot of the converter's status file is positive; false on timeout. */
    private static boolean awaitValue(Path statusFile, int slot, Process conv, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try (StatusFile s = StatusFile.open(statusFile, false)) {
            assertThat(s.pid()).as("status file of the process just started").isEqualTo(conv.pid());
            while (s.snapshot().value(slot) <= 0) {
                assertThat(conv.isAlive()).as("converter died by itself").isTrue();
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(5);
            }
        }
        return true;
    }

    /** Polls the dataset until a new committed file appears (its rename), then returns at once; false after 30 s. */
    private boolean awaitRename(Process conv) throws Exception {
        int before = Datasets.files(dir.resolve("out"), ".parquet").size();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Datasets.files(dir.resolve("out"), ".parquet").size() == before) {
            assertThat(conv.isAlive()).as("converter died by itself").isTrue();
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    private long countInLogs(String text) throws Exception {
        long n = 0;
        for (Path log : Datasets.files(dir, ".log")) {
            n += Files.readAllLines(log).stream().filter(l -> l.contains(text)).count();
        }
        return n;
    }

    private static void await(Path log, String line, Process p, int seconds) {
        Await.until("timed out waiting for " + line, Duration.ofSeconds(seconds), () -> {
            if (Files.exists(log) && Files.readString(log).contains(line)) {
                return true;
            }
            assertThat(p.isAlive()).as("process died: %s", Files.exists(log) ? Files.readString(log) : "").isTrue();
            return false;
        });
    }
}
