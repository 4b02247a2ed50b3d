package io.parquetry.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.ConversionResult;
import io.parquetry.converter.Converter;
import io.parquetry.converter.ConverterChild;
import io.parquetry.converter.ConverterConfig;
import io.parquetry.converter.ConverterFixtures;
import io.parquetry.converter.ConverterService;
import io.parquetry.converter.Datasets;
import io.parquetry.converter.output.FooterKeys;
import io.parquetry.reader.QueueReader;
import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.status.RotationCause;
import io.parquetry.testing.ChildJvm;
import io.parquetry.testing.EvolvingProducers;
import io.parquetry.testing.EvolvingTicks;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.TypeUtil;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter module's {@code ConverterRollingDeployTest} with a {@code table:}: producers of different versions of
 * {@link EvolvingTicks} append to one queue at once while a converter runs, in this JVM or as a child killed with SIGKILL
 * around the schema changes (as it learns of a newer version, right after its schema rotation, the instant the first
 * file of the newer version is renamed, before the table's schema commit, and during the schema commit and the append
 * that recovery makes for that file). After a final run, Iceberg's generic reader and DuckDB over the table's
 * files find every record once with its version's values; the table's schema history holds the evolved schemas with
 * the queue's field ids, and its snapshots are one per file, in index order, tiling the queue.
 */
@Tag("slow")
class ConverterRollingDeployIntoIcebergTest {

    /** Each producer's seqs start here times its version: disjoint ranges, so every row says who wrote it. */
    private static final long RANGE = EvolvingProducers.RANGE;
    private static final String SOURCE = "rolling";

    /** The table's columns after each version, {@code name:id:type}, {@code ?} when optional. */
    private static final List<List<String>> SHAPES = List.of(List.of(),
            List.of("seq:1:long", "px:2:int", "name:3:string", "size:4:float", "note:5:int", "dt:6:date", "hour:7:int"),
            List.of("seq:1:long", "px:2:long", "sym:3:string", "size:4:double?", "note:5:int?", "venue:8:string?", "qty:9:int?", "dt:6:date",
                    "hour:7:int"),
            List.of("seq:1:long", "px:2:long", "sym:3:string", "size:4:double?", "note:5:int?", "venue:8:string?", "qty:9:long?",
                    "exch:10:string?", "dt:6:date", "hour:7:int"));

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
        Files.writeString(cfg, "queue: " + queue() + "\noutput: " + dir.resolve("out") + "\nsource: " + SOURCE + "\nrotation: " + rotation + "\n"
                + ConverterIntoIcebergTest.TABLE);
        return cfg;
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void producersOfTwoVersionsAppendingAtOnceFillTheTableOnceWithOneSchemaCommit() throws Exception {
        ConverterConfig config = ConverterConfig.load(writeConfig("{maxRows: 20000, maxAge: 300ms}"), ConverterConfig.Overrides.none());
        long[] counts = new long[3];
        ConversionResult during;
        Process p1 = children().startAndAwait(1, 10_000);
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
                // The table holds v1 files before v2 exists: the converter learns of v2 while running and evolves the table.
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
        TableReport report = verifyTable(counts, 2);
        System.out.printf("rolling deploy into a table: %d v1 and %d v2 records; %d files, %d snapshots (%d by the final run); schema rotations"
                + " %d while appending; table schemas %s%n", counts[1], counts[2], Datasets.files(dataset(), ".parquet").size(), report.snapshots,
                last.filesCommitted(), during.rotations(RotationCause.SCHEMA), report.history);

        assertThat(EvolvingProducers.versionSwitches(queue())).as("records of both versions interleave in the queue").isGreaterThan(10);
        assertThat(report.history).as("the table's schema history: created at v1, evolved once to v2").containsExactly(1, 2);
        assertThat(report.fileVersionChanges).as("snapshots of v1 files, then of v2 files").isEqualTo(1);
        // One at most: the first v2 record commits the v1 file it finds open, or finds none (committed by age just before).
        assertThat(during.rotations(RotationCause.SCHEMA)).isLessThanOrEqualTo(1);
        assertThat(last.rotations(RotationCause.SCHEMA)).isZero();
        assertThat(report.projectedV1InV2).as("v1 records converted into v2 files (read the default there)").isPositive();
    }

    /**
     * The converter as a child process killed with SIGKILL 14 times while the queue goes v1 → v2 → v3 and producers of
     * older versions go on appending. Per new version: one kill as the child learns of it (v2) or right after its schema
     * rotation (v3); one the instant the first file of that version is renamed (before the table's schema commit and
     * append for it); then two children whose recovery appends that file, killed the moment the first and the second
     * table metadata file appear (while the schema commit is written, and after it while the append is): the state each
     * kill left is printed. The rest after a commit or at random.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void converterKilledAroundSchemaChangesLeavesTheTableExactlyOnce() throws Exception {
        Path cfg = writeConfig("{maxRows: 20000, maxAge: 200ms}");
        Path statusFile = ConverterConfig.load(cfg, ConverterConfig.Overrides.none()).statusFile();
        Random random = new Random(23);
        Process[] producers = new Process[4];
        long[] counts = new long[4];
        List<String> kills = new ArrayList<>();
        int betweenCommits = 0;
        try {
            producers[1] = children().startAndAwait(1, 5_000);
            while (kills.size() < 14) {
                int k = kills.size();
                int phase = k % 6; // 2: a new version; 3: its first file's rename; 4, 5: the next child's first and second table commits
                int v = k / 6 + 2;
                Path log = dir.resolve("converter-" + k + ".log");
                Process conv = ChildJvm.start(log, "-Xmx256m", ConverterChild.class, cfg.toString());
                children().track(conv);
                int metadataBefore = metadataFiles();
                if (phase < 4 || v > 3) {
                    EvolvingProducers.awaitLine(log, "converter ready", conv, 60);
                }
                String how;
                if (phase == 2 && v <= 3) {
                    producers[v] = children().start(v, 5_000);
                    if (v == 2) {
                        how = EvolvingProducers.awaitSlot(statusFile, conv, ConverterStatusDescriptor.QUEUE_SCHEMA_VERSION, 2) ? "on learning of v2"
                                : "timed out";
                        Thread.sleep(random.nextInt(50));
                    } else {
                        how = EvolvingProducers.awaitSlot(statusFile, conv, ConverterStatusDescriptor.SCHEMA_VERSION, 3) ? "right after rotating to v3"
                                : "timed out";
                    }
                } else if (phase == 3 && v <= 3) {
                    how = awaitNewFile(conv) ? "at the rename of a v" + v + " file" : "timed out";
                } else if (phase >= 4 && v <= 3) {
                    // Recovery appends the file renamed before the last kill: the schema commit, then the append, each
                    // writing a metadata file before the catalog points at it.
                    int n = phase - 3;
                    how = awaitMetadataFiles(conv, metadataBefore + n) ? "at the table metadata file " + n + " written by recovery" : "timed out";
                } else if (k % 2 == 1) {
                    how = EvolvingProducers.awaitSlot(statusFile, conv, ConverterStatusDescriptor.FILES_COMMITTED, 1) ? "after a commit" : "timed out";
                    Thread.sleep(random.nextInt(200));
                } else {
                    Thread.sleep(20 + random.nextInt(500));
                    how = "at random";
                }
                assertThat(conv.isAlive()).as("converter died by itself: %s", Files.readString(log)).isTrue();
                conv.destroyForcibly(); // SIGKILL
                assertThat(conv.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(conv.exitValue()).isEqualTo(137);
                TableState state = tableState();
                if (state.newestFileVersionInTable > 0 && state.schemaVersion > state.newestFileVersionInTable) {
                    betweenCommits++;
                }
                kills.add(how + " (" + state + ")");
            }
            for (int v = 1; v <= 3; v++) {
                counts[v] = children().stop(v, producers[v]);
            }
        } finally {
            children().close();
        }
        assertThat(kills).noneMatch(k -> k.startsWith("timed out"));
        long filesBeforeFinal = Datasets.files(dataset(), ".parquet").size();
        ConversionResult last = ConverterService.run(ConverterConfig.load(cfg, ConverterConfig.Overrides.none()), true);
        TableReport report = verifyTable(counts, 3);
        System.out.printf("kill loop around schema changes into a table: %d kills (%d left the schema evolved ahead of every file appended):"
                + " %s; %d v1, %d v2, %d v3 records; %d files committed by the killed converters, %d by the final run; %d snapshots;"
                + " table schemas %s%n", kills.size(), betweenCommits, String.join("; ", kills), counts[1], counts[2], counts[3], filesBeforeFinal,
                last.filesCommitted(), report.snapshots, report.history);

        assertThat(kills).hasSizeGreaterThanOrEqualTo(10);
        assertThat(filesBeforeFinal).as("the killed converters committed files").isPositive();
        assertThat(report.history).as("the table's schema history").startsWith(1).endsWith(3);
        assertThat(last.rotations(RotationCause.SCHEMA)).isZero();
    }

    /** What {@link #verifyTable} saw: the versions of the table's schemas, oldest first, and its snapshots. */
    private record TableReport(List<Integer> history, int snapshots, int fileVersionChanges, long projectedV1InV2) {
    }

    /**
     * The table after a final run: every record of every producer once, read by Iceberg's generic reader with the values
     * its version wrote as the table reads them (by field id: renamed, widened, null in a column a row's file lacks), and
     * by DuckDB over the table's files, each file against its own version; the schema history; the snapshots.
     */
    private TableReport verifyTable(long[] counts, int newest) throws Exception {
        assertThat(Datasets.files(dir.resolve("out"), ".inprogress")).isEmpty();
        ConverterFixtures.assertFootersTileTheQueue(queue(), dataset());
        String queueId;
        try (QueueReader r = QueueReader.open(queue())) {
            queueId = r.identity().id();
            assertThat(r.schema().version()).isEqualTo(newest);
        }
        Map<Path, Integer> fileVersions = new HashMap<>();
        for (Path f : Datasets.files(dataset(), ".parquet")) {
            fileVersions.put(f.toAbsolutePath(), Integer.parseInt(Datasets.footer(f).get(FooterKeys.SCHEMA_VERSION)));
        }
        try (IcebergTableSink sink = openTable()) {
            Table t = sink.table();
            t.refresh();
            List<Integer> history = schemaHistory(t, newest);
            int[] snapshotStats = checkSnapshots(t, queueId, fileVersions);
            Set<Path> tableFiles = new HashSet<>();
            try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
                for (FileScanTask task : tasks) {
                    assertThat(tableFiles.add(local(task.file().path().toString()))).as("a file once in the table").isTrue();
                }
            }
            assertThat(tableFiles).as("the table's files are the dataset's").isEqualTo(fileVersions.keySet());
            long projected = readRows(t, counts, newest, fileVersions);
            verifyWithDuckDb(counts, newest, fileVersions);
            return new TableReport(history, snapshotStats[0], snapshotStats[1], projected);
        }
    }

    /** The versions of the table's schemas, oldest first, each the exact shape of a version's; the newest is current. */
    private static List<Integer> schemaHistory(Table t, int newest) {
        List<Integer> history = new ArrayList<>();
        new TreeMap<>(t.schemas()).values().forEach(s -> history.add(versionOf(s)));
        assertThat(history).as("schema history: versions only go up").isSorted().doesNotHaveDuplicates();
        assertThat(history.get(0)).as("the table was created at v1").isEqualTo(1);
        assertThat(versionOf(t.schema())).as("the current schema").isEqualTo(newest);
        assertThat(t.properties().get(TableEvolution.SCHEMA_VERSION)).isEqualTo(Integer.toString(newest));
        return history;
    }

    /** The version whose table shape {@code s} has; fails when it has none's. */
    private static int versionOf(Schema s) {
        List<String> shape = s.columns().stream().map(c -> c.name() + ":" + c.fieldId() + ":" + c.type() + (c.isOptional() ? "?" : "")).toList();
        int v = SHAPES.indexOf(shape);
        assertThat(v).as("a table schema of no version's shape: %s", shape).isPositive();
        return v;
    }

    /**
     * One snapshot per file, each appending its file alone, in index order along one line of ancestry, tiling the queue,
     * each with the queue's identity; a snapshot's schema reads its file (its version at least the file's), and schemas
     * only go up. Returns {snapshots, changes of the files' version along them}.
     */
    private int[] checkSnapshots(Table t, String queueId, Map<Path, Integer> fileVersions) {
        List<Long> indexes = new ArrayList<>();
        try (QueueReader r = QueueReader.open(queue())) {
            r.toStart();
            while (r.read((index, rec) -> indexes.add(index), 65536) > 0) {
                // all of them
            }
        }
        List<Snapshot> snapshots = new ArrayList<>();
        t.snapshots().forEach(snapshots::add);
        Set<Path> files = new HashSet<>();
        Long parent = null;
        int pos = 0;
        int schemaVersion = 0;
        int fileVersion = 0;
        int changes = 0;
        for (Snapshot s : snapshots) {
            Map<String, String> sum = s.summary();
            String what = "snapshot " + s.sequenceNumber() + " " + sum;
            assertThat(s.parentId()).as(what).isEqualTo(parent);
            assertThat(sum).as(what).containsEntry(SummaryKeys.SOURCE, SOURCE).containsEntry(SummaryKeys.QUEUE_ID, queueId)
                    .containsEntry("added-data-files", "1");
            Path file = local(sum.get(SummaryKeys.FILE));
            assertThat(files.add(file)).as("%s: a file appended once", what).isTrue();
            assertThat(fileVersions).as(what).containsKey(file);
            long first = Long.parseLong(sum.get(SummaryKeys.FIRST_INDEX));
            long last = Long.parseLong(sum.get(SummaryKeys.LAST_INDEX));
            assertThat(first).as("%s starts right after the previous one's last index", what).isEqualTo(indexes.get(pos));
            while (pos < indexes.size() && indexes.get(pos) <= last) {
                pos++;
            }
            assertThat(indexes.get(pos - 1)).as("%s ends at a record", what).isEqualTo(last);
            int sv = versionOf(t.schemas().get(s.schemaId()));
            int fv = fileVersions.get(file);
            assertThat(sv).as("%s: its schema's version against the previous one's and its file's", what).isGreaterThanOrEqualTo(schemaVersion)
                    .isGreaterThanOrEqualTo(fv);
            assertThat(fv).as("%s: file versions never go back along the queue", what).isGreaterThanOrEqualTo(fileVersion);
            if (fileVersion != 0 && fv != fileVersion) {
                changes++;
            }
            schemaVersion = sv;
            fileVersion = fv;
            parent = s.snapshotId();
        }
        assertThat(pos).as("records covered by the table's snapshots").isEqualTo(indexes.size());
        assertThat(t.currentSnapshot().snapshotId()).isEqualTo(parent);
        assertThat(t.properties().get(SummaryKeys.lastIndexProperty(SOURCE, queueId))).isEqualTo(Long.toString(indexes.get(indexes.size() - 1)));
        return new int[] {snapshots.size(), changes};
    }

    /**
     * Every row through Iceberg's generic reader, with the file it came from: each producer's records once (count,
     * distinct seq, sum) with their values. Returns how many v1 records sit in files of a newer version.
     */
    private long readRows(Table t, long[] counts, int newest, Map<Path, Integer> fileVersions) throws Exception {
        Schema withFile = TypeUtil.join(t.schema(), new Schema(MetadataColumns.FILE_PATH));
        long[] rows = new long[newest + 1];
        long[] sums = new long[newest + 1];
        Set<Long> seqs = new HashSet<>();
        Map<String, Integer> versionByPath = new HashMap<>();
        List<String> wrong = new ArrayList<>();
        long projected = 0;
        try (CloseableIterable<Record> it = IcebergGenerics.read(t).project(withFile).build()) {
            for (Record r : it) {
                long seq = (Long) r.getField("seq");
                int v = (int) (seq / RANGE);
                String path = (String) r.getField(MetadataColumns.FILE_PATH.name());
                int fv = versionByPath.computeIfAbsent(path, p -> fileVersions.get(local(p)));
                assertThat(v).as("row %d: a version of the producers", seq).isBetween(1, newest);
                rows[v]++;
                sums[v] += seq;
                seqs.add(seq);
                if (v == 1 && fv > 1) {
                    projected++;
                }
                String diff = diff(r, seq, v, fv, newest);
                if (diff != null && wrong.size() < 10) {
                    wrong.add("row " + seq + " (v" + v + " in a v" + fv + " file): " + diff);
                }
            }
        }
        assertThat(wrong).as("rows whose values are not their version's").isEmpty();
        long total = 0;
        for (int v = 1; v <= newest; v++) {
            long n = counts[v];
            assertThat(n).as("records of v%d", v).isPositive();
            assertThat(rows[v]).as("rows of v%d", v).isEqualTo(n);
            assertThat(sums[v]).as("sum of seq of v%d", v).isEqualTo(n * v * RANGE + n * (n - 1) / 2);
            total += n;
        }
        assertThat((long) seqs.size()).as("distinct seqs").isEqualTo(total);
        return projected;
    }

    /**
     * Null when the row holds what {@link EvolvingTicks#write} gave the record {@code seq} of {@code v}, as the table at
     * {@code newest} reads it from a file of {@code fv}; else the first column that differs. The table has no defaults: a
     * v1 record in a v1 file reads null in {@code qty}, one projected into a newer file reads the default its file holds.
     */
    private static String diff(Record r, long seq, int v, int fv, int newest) {
        Map<String, Object> expected = new java.util.LinkedHashMap<>();
        expected.put("px", v == 1 ? seq * 3 : seq * 3 + EvolvingTicks.PX_HIGH);
        expected.put("sym", (v == 1 ? "n" + seq % 1_000_000 : (v == 2 ? "s" : "t") + seq));
        // Boxed before the ternaries: a null among primitives would be unboxed.
        Object size = v == 1 ? (Object) (seq % 1000 + 0.5) : seq % 2 == 0 ? (Object) (seq % 1000 + 0.25) : null;
        Object qty = v == 1 ? (fv == 1 ? null : (Object) 7L) : v == 2 ? (Object) (seq % 1_000_000) : (Object) (seq + EvolvingTicks.QTY_HIGH);
        expected.put("size", size);
        expected.put("note", fv == 1 ? 1 : null);
        expected.put("venue", v == 1 ? null : v == 2 ? "XNAS" : "XLON");
        expected.put("qty", qty);
        if (newest >= 3) {
            expected.put("exch", v == 3 && seq % 3 != 0 ? "E" + seq % 10 : null);
        }
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            Object actual = r.getField(e.getKey());
            if (actual instanceof Integer i && !e.getKey().equals("note")) {
                actual = i.longValue(); // qty is int in the v2 table, long in v3's
            }
            if (!Objects.equals(actual, e.getValue())) {
                return e.getKey() + " = " + actual + ", expected " + e.getValue();
            }
        }
        return null;
    }

    /** DuckDB over the table's files, grouped by their version: each file's rows against its own version's columns. */
    private static void verifyWithDuckDb(long[] counts, int newest, Map<Path, Integer> fileVersions) {
        Map<Integer, List<String>> byVersion = new TreeMap<>();
        fileVersions.forEach((f, fv) -> byVersion.computeIfAbsent(fv, k -> new ArrayList<>()).add("'" + f + "'"));
        long[] matched = new long[newest + 1];
        for (Map.Entry<Integer, List<String>> e : byVersion.entrySet()) {
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
                        .as("DuckDB: rows of v%d in files of v%d with their values", v, fv).isEqualTo(rows);
                matched[v] += rows;
            }
        }
        String all = "read_parquet([" + String.join(",", byVersion.values().stream().flatMap(List::stream).toList()) + "], union_by_name=true)";
        long total = 0;
        for (int v = 1; v <= newest; v++) {
            assertThat(matched[v]).as("DuckDB: rows of v%d", v).isEqualTo(counts[v]);
            total += counts[v];
        }
        assertThat(Datasets.queryLong("SELECT count(DISTINCT seq) FROM " + all)).isEqualTo(total);
    }

    /** Where the table stands after a kill: files renamed and appended, its schema's version and its newest file's. */
    private record TableState(int files, int inTable, int schemaVersion, int newestFileVersionInTable) {
        @Override
        public String toString() {
            return inTable + "/" + files + " files in the table, table schema v" + schemaVersion + ", newest file in it v" + newestFileVersionInTable;
        }
    }

    private TableState tableState() throws Exception {
        List<Path> files = Datasets.files(dataset(), ".parquet");
        if (metadataFiles() == 0) {
            return new TableState(files.size(), 0, 0, 0);
        }
        try (IcebergTableSink sink = openTable()) {
            Table t = sink.table();
            t.refresh();
            int inTable = 0;
            int newestFile = 0;
            for (Snapshot s : t.snapshots()) {
                inTable++;
                newestFile = Math.max(newestFile, Integer.parseInt(Datasets.footer(local(s.summary().get(SummaryKeys.FILE))).get(
                        FooterKeys.SCHEMA_VERSION)));
            }
            return new TableState(files.size(), inTable, Integer.parseInt(t.properties().get(TableEvolution.SCHEMA_VERSION)), newestFile);
        }
    }

    /** The table, through a sink opened with the queue's newest schema (which knows every version's field ids). */
    private IcebergTableSink openTable() throws Exception {
        io.parquetry.schema.Schema newest;
        try (QueueReader r = QueueReader.open(queue())) {
            newest = r.schema();
        }
        return ConverterIntoIcebergTest.open(dir, SOURCE, "ticks", newest);
    }

    /**
     * How many metadata files the table has, committed or not: each commit attempt writes one before the catalog points
     * at it (a number in its name would not do: an attempt after a kill writes the killed attempt's number again). Old
     * ones are deleted only past {@code write.metadata.previous-versions-max}, 100, far more than these tests commit.
     */
    private int metadataFiles() throws Exception {
        Path metadata = dataset().resolve("_iceberg");
        if (!Files.exists(metadata)) {
            return 0;
        }
        try (Stream<Path> all = Files.walk(metadata)) {
            return (int) all.filter(p -> p.getFileName().toString().endsWith(".metadata.json")).count();
        } catch (java.io.UncheckedIOException e) {
            return 0; // a file deleted while listing: the caller polls again
        }
    }

    /** Waits, polling every millisecond, until the table has {@code count} metadata files; false after 30 s. */
    private boolean awaitMetadataFiles(Process conv, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (metadataFiles() < count) {
            assertThat(conv.isAlive()).as("converter died by itself").isTrue();
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /** Waits for a file renamed into the dataset; false after 30 s. */
    private boolean awaitNewFile(Process conv) throws Exception {
        int before = Datasets.files(dataset(), ".parquet").size();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Datasets.files(dataset(), ".parquet").size() == before) {
            assertThat(conv.isAlive()).as("converter died by itself").isTrue();
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    private static Path local(String uri) {
        return Path.of(URI.create(uri)).toAbsolutePath();
    }
}
