package io.parquetry.converter;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.output.FooterKeys;
import io.parquetry.reader.QueueReader;
import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.status.RotationCause;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusSnapshot;
import io.parquetry.testing.ChildJvm;
import io.parquetry.testing.EvolvingProducers;
import io.parquetry.testing.EvolvingTicks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schema that changes while processes append (issue 23), with real processes: producers of different versions of
 * {@link EvolvingTicks} append to one queue at once, as in a rolling deploy, while a converter runs, in this JVM or as a
 * child killed with SIGKILL around the schema changes. After a final run to the end every record is in the dataset
 * exactly once with its version's values projected into the newest, the footers tile the queue, and files' versions never
 * go back along the queue.
 */
@Tag("slow")
class ConverterRollingDeployTest {

    /** Each producer's seqs start here times its version: disjoint ranges, so every row says who wrote it. */
    private static final long RANGE = EvolvingProducers.RANGE;

    @TempDir
    Path dir;

    private EvolvingProducers children;

    /** The producers of this test's queue (and the converter children it kills), stopped after it. */
    private EvolvingProducers children() {
        if (children == null) {
            children = new EvolvingProducers(dir, queue());
        }
        return children;
    }

    private Path queue() {
        return dir.resolve("queue");
    }

    private Path dataset() {
        return dir.resolve("out/ticks");
    }

    private Path writeConfig(String rotation) throws Exception {
        Path cfg = dir.resolve("converter.yaml");
        Files.writeString(cfg, "queue: " + queue() + "\noutput: " + dir.resolve("out") + "\nsource: rolling\nrotation: " + rotation + "\n");
        return cfg;
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void producersOfTwoVersionsAppendingAtOnceAreConvertedOnceWithOneSchemaRotation() throws Exception {
        ConverterConfig config = ConverterConfig.load(writeConfig("{maxRows: 20000, maxAge: 300ms}"), ConverterConfig.Overrides.none());
        Process p1 = children().startAndAwait(1, 10_000);
        long[] counts = new long[4];
        ConversionResult during;
        try {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            try (Converter conv = Converter.open(config)) {
                Thread t = new Thread(() -> {
                    try {
                        conv.run(false);
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }, "converter");
                t.start();
                // The converter has committed v1 files before v2 exists: it learns of v2 while running, once.
                ConverterFixtures.awaitStatus(conv.statusFile(), "a committed file", s -> s.value(ConverterStatusDescriptor.FILES_COMMITTED) > 0);
                Process p2 = children().startAndAwait(2, 10_000);
                Thread.sleep(4000); // both append at once
                counts[1] = children().stop(1, p1);
                Thread.sleep(1000);
                counts[2] = children().stop(2, p2);
                conv.requestStop();
                t.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(t.isAlive()).isFalse();
                assertThat(failure.get()).isNull();
                during = conv.result();
            }
        } finally {
            children().close();
        }
        ConversionResult last = ConverterService.run(config, true);
        long versionSwitches = EvolvingProducers.versionSwitches(queue());
        List<Map<String, String>> footers = footersInIndexOrder();
        System.out.printf("rolling deploy: %d v1 and %d v2 records, %d version switches along the queue; %d files (%d in the final run),"
                + " schema rotations %d while appending, %d in the final run%n", counts[1], counts[2], versionSwitches, footers.size(),
                last.filesCommitted(), during.rotations(RotationCause.SCHEMA), last.rotations(RotationCause.SCHEMA));

        assertThat(versionSwitches).as("records of both versions interleave in the queue").isGreaterThan(10);
        verifyEveryRecordOnce(counts, 2);
        ConverterFixtures.assertFootersTileTheQueue(queue(), dataset());
        assertThat(versionChangesAlongTheQueue(footers)).as("files of v1, then files of v2: interleaved versions do not split files")
                .isEqualTo(1);
        // One at most: the first v2 record commits the v1 file it finds open, or finds none (a file committed by age just
        // before) and rotates nothing; either way the files change version once, as asserted above.
        assertThat(during.rotations(RotationCause.SCHEMA)).as("schema rotations of the converter that learned of v2 while running")
                .isLessThanOrEqualTo(1);
        assertThat(last.rotations(RotationCause.SCHEMA)).as("schema rotations of a converter that knew v2 at its start").isZero();
    }

    /**
     * The converter as a child process killed with SIGKILL at least a dozen times while the queue goes v1 → v2 → v3 and
     * producers of older versions go on appending: kills at random moments, after a commit, the moment a child's status
     * shows it met a newer version (right after its schema rotation), and the moment it learns the queue has one (just
     * before or during the rotation).
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void converterKilledAroundSchemaChangesLosesAndDuplicatesNothing() throws Exception {
        Path cfg = writeConfig("{maxRows: 20000, maxAge: 200ms}");
        Path statusFile = ConverterConfig.load(cfg, ConverterConfig.Overrides.none()).statusFile();
        Random random = new Random(23);
        Process[] producers = new Process[4];
        long[] counts = new long[4];
        List<String> kills = new ArrayList<>();
        try {
            producers[1] = children().startAndAwait(1, 5_000);
            while (kills.size() < 12) {
                int k = kills.size();
                Path log = dir.resolve("converter-" + k + ".log");
                Process conv = ChildJvm.start(log, "-Xmx256m", ConverterChild.class, cfg.toString());
                children().track(conv);
                EvolvingProducers.awaitLine(log, "converter ready", conv, 60);
                String how;
                if (k == 3 || k == 7) {
                    // A new version while this child runs: at 3, killed right after its status shows the rotation; at 7, the
                    // moment it sees the queue has v3 (before, during or just after the rotation), plus up to 50 ms.
                    int v = k == 3 ? 2 : 3;
                    producers[v] = children().start(v, 5_000);
                    int slot = k == 3 ? ConverterStatusDescriptor.SCHEMA_VERSION : ConverterStatusDescriptor.QUEUE_SCHEMA_VERSION;
                    how = EvolvingProducers.awaitSlot(statusFile, conv, slot, v) ? (k == 3 ? "after rotating to v2" : "on learning of v3") : "timed out";
                    if (k == 7) {
                        Thread.sleep(random.nextInt(50));
                    }
                } else if (k % 3 == 0) {
                    how = EvolvingProducers.awaitSlot(statusFile, conv, ConverterStatusDescriptor.FILES_COMMITTED, 1) ? "after a commit" : "timed out";
                    Thread.sleep(random.nextInt(200));
                } else {
                    Thread.sleep(20 + random.nextInt(500));
                    how = "at random";
                }
                StatusSnapshot at = snapshot(statusFile);
                assertThat(conv.isAlive()).as("converter died by itself: %s", Files.readString(log)).isTrue();
                conv.destroyForcibly(); // SIGKILL
                assertThat(conv.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(conv.exitValue()).isEqualTo(137);
                kills.add(how + " (writing v" + at.value(ConverterStatusDescriptor.SCHEMA_VERSION) + ", "
                        + at.value(ConverterStatusDescriptor.ROTATIONS_SCHEMA) + " schema rotations, "
                        + at.value(ConverterStatusDescriptor.FILES_COMMITTED) + " files)");
            }
            for (int v = 1; v <= 3; v++) {
                counts[v] = children().stop(v, producers[v]);
            }
        } finally {
            children().close();
        }
        assertThat(kills).doesNotContain("timed out");
        long committedBeforeFinal = Datasets.files(dir.resolve("out"), ".parquet").size();
        ConversionResult last = ConverterService.run(ConverterConfig.load(cfg, ConverterConfig.Overrides.none()), true);
        List<Map<String, String>> footers = footersInIndexOrder();
        int[] afterNewer = olderRecordsAfterNewerOnes();
        System.out.printf("kill loop around schema changes: %d kills: %s; %d v1, %d v2, %d v3 records (%d v1 after the first v2, %d v1/v2"
                + " after the first v3); %d files committed by the killed converters, %d by the final run; %d version changes along the"
                + " files%n", kills.size(), kills, counts[1], counts[2], counts[3], afterNewer[0], afterNewer[1], committedBeforeFinal,
                last.filesCommitted(), versionChangesAlongTheQueue(footers));

        assertThat(kills).hasSizeGreaterThanOrEqualTo(10);
        assertThat(committedBeforeFinal).as("the killed converters committed files").isPositive();
        assertThat(afterNewer[0]).as("v1 records appended after the first v2 record").isPositive();
        assertThat(afterNewer[1]).as("older records appended after the first v3 record").isPositive();
        verifyEveryRecordOnce(counts, 3);
        ConverterFixtures.assertFootersTileTheQueue(queue(), dataset());
        versionChangesAlongTheQueue(footers); // never goes back
        assertThat(footers.get(footers.size() - 1).get(FooterKeys.SCHEMA_VERSION)).isEqualTo("3");
        assertThat(last.rotations(RotationCause.SCHEMA)).as("schema rotations of a converter that knew v3 at its start").isZero();
    }

    /** {v1 records after the first v2 record, v1 or v2 records after the first v3 record}, along the queue. */
    private int[] olderRecordsAfterNewerOnes() {
        int[] out = new int[2];
        int[] newest = {0};
        try (QueueReader r = QueueReader.open(queue())) {
            r.toStart();
            while (r.read((index, rec) -> {
                int v = rec.schema().version();
                if (v < newest[0]) {
                    out[newest[0] - 2]++;
                }
                newest[0] = Math.max(newest[0], v);
            }, 65536) > 0) {
                // read all
            }
        }
        return out;
    }

    private static StatusSnapshot snapshot(Path statusFile) {
        try (StatusFile s = StatusFile.open(statusFile, false)) {
            return s.snapshot();
        }
    }

    /**
     * Every record of every producer once, each with its version's values projected into the version of the file that
     * holds it ({@code newest} at most), file by file through DuckDB.
     */
    private void verifyEveryRecordOnce(long[] counts, int newest) {
        assertThat(Datasets.files(dir.resolve("out"), ".inprogress")).isEmpty();
        Map<Integer, List<String>> filesByVersion = new java.util.TreeMap<>();
        for (Path f : Datasets.files(dataset(), ".parquet")) {
            int fv = Integer.parseInt(Datasets.footer(f).get(FooterKeys.SCHEMA_VERSION));
            filesByVersion.computeIfAbsent(fv, k -> new ArrayList<>()).add("'" + f.toAbsolutePath() + "'");
        }
        assertThat(filesByVersion.keySet()).allMatch(fv -> fv >= 1 && fv <= newest);
        long[] matched = new long[newest + 1];
        for (Map.Entry<Integer, List<String>> e : filesByVersion.entrySet()) {
            int fv = e.getKey();
            String scan = "read_parquet([" + String.join(",", e.getValue()) + "])";
            for (int v = 1; v <= newest; v++) {
                String ofVersion = " WHERE seq >= " + v * RANGE + " AND seq < " + (v + 1) * RANGE;
                long rows = Datasets.queryLong("SELECT count(*) FROM " + scan + ofVersion);
                if (v > fv) {
                    assertThat(rows).as("rows of v%d in files of v%d", v, fv).isZero();
                    continue;
                }
                assertThat(Datasets.queryLong("SELECT count(*) FROM " + scan + ofVersion + " AND " + EvolvingTicks.rowMatches(v, fv)))
                        .as("rows of v%d in files of v%d with their values", v, fv).isEqualTo(rows);
                matched[v] += rows;
            }
        }
        String all = "read_parquet('" + dataset().toAbsolutePath() + "/**/*.parquet', union_by_name=true, hive_partitioning=false)";
        long total = 0;
        long sum = 0;
        for (int v = 1; v <= newest; v++) {
            long n = counts[v];
            assertThat(n).as("records of v%d", v).isPositive();
            assertThat(matched[v]).as("rows of v%d", v).isEqualTo(n);
            total += n;
            sum += n * v * RANGE + n * (n - 1) / 2;
        }
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + all)).isEqualTo(total);
        assertThat(Datasets.queryLong("SELECT count(DISTINCT seq) FROM " + all)).isEqualTo(total);
        assertThat(Datasets.queryLong("SELECT sum(seq) FROM " + all)).isEqualTo(sum);
    }

    /** The committed files' footers, by first index. */
    private List<Map<String, String>> footersInIndexOrder() {
        List<Map<String, String>> footers = new ArrayList<>();
        for (Path f : Datasets.files(dataset(), ".parquet")) {
            footers.add(Datasets.footer(f));
        }
        footers.sort((a, b) -> Long.compare(Long.parseLong(a.get(FooterKeys.FIRST_INDEX)), Long.parseLong(b.get(FooterKeys.FIRST_INDEX))));
        return footers;
    }

    /** How often a file's version differs from the one before it, by first index; fails when a version goes back. */
    private static int versionChangesAlongTheQueue(List<Map<String, String>> footers) {
        int changes = 0;
        int previous = 0;
        for (Map<String, String> f : footers) {
            int v = Integer.parseInt(f.get(FooterKeys.SCHEMA_VERSION));
            assertThat(v).as("version of the file at index %s after a file of v%d", f.get(FooterKeys.FIRST_INDEX), previous)
                    .isGreaterThanOrEqualTo(previous);
            if (previous != 0 && v != previous) {
                changes++;
            }
            previous = v;
        }
        return changes;
    }
}
