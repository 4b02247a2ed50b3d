package io.parquetry.iceberg;

import static io.parquetry.iceberg.TableFixtures.committedFiles;
import static io.parquetry.iceberg.TableFixtures.context;
import static io.parquetry.iceberg.TableFixtures.convert;
import static io.parquetry.iceberg.TableFixtures.localConf;
import static io.parquetry.iceberg.TableFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.converter.Datasets;
import io.parquetry.converter.table.PublishedFile;
import io.parquetry.converter.table.TableSink;
import io.parquetry.converter.table.TableSinkProvider;
import io.parquetry.schema.Schema;
import io.parquetry.testing.AllTypes;
import io.parquetry.testing.ChildJvm;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Iceberg sink on the embedded default catalog (JDBC on an SQLite file), called directly as the converter will. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IcebergTableSinkTest {

    @TempDir
    Path dir;

    private final Configuration conf = localConf();
    private final Schema schema = new AllTypes().schema;

    private String dataset() {
        return "file:" + dir.resolve("out/all_types");
    }

    /** Records {@code n} AllTypes records into queue-{source} and converts them into files of {@code rows} rows. */
    private List<PublishedFile> files(String source, int n, int rows) {
        Path queue = dir.resolve("queue-" + source);
        recordAllTypes(queue, 0, n);
        convert(dir, queue, dir.resolve("out").toString(), source, rows, "");
        List<PublishedFile> files = committedFiles(dataset(), source, conf);
        assertThat(files).hasSize((n + rows - 1) / rows);
        return files;
    }

    private IcebergTableSink open(Map<String, String> settings, String source, String queueId) throws Exception {
        return (IcebergTableSink) TableSinkProvider.forType("iceberg").open(context(settings, schema, source, queueId, dataset(), conf));
    }

    private static List<Record> rows(Table table) throws Exception {
        table.refresh();
        List<Record> out = new ArrayList<>();
        try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
            it.forEach(out::add);
        }
        return out;
    }

    private static List<String> tableFiles(Table table) throws Exception {
        table.refresh();
        List<String> out = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            tasks.forEach(t -> out.add(t.file().location()));
        }
        return out;
    }

    private static long ownSnapshots(Table table, String source) {
        long n = 0;
        for (Snapshot s : table.snapshots()) {
            n += source.equals(s.summary().get(SummaryKeys.SOURCE)) ? 1 : 0;
        }
        return n;
    }

    @Test
    void providerIsFoundByTypeAndAnUnknownTypeNamesTheAvailableOnes() {
        assertThat(TableSinkProvider.forType("iceberg")).isInstanceOf(IcebergSinkProvider.class);
        assertThatThrownBy(() -> TableSinkProvider.forType("delta")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no table support on the class path for this type: table.type=delta (available: iceberg)");
    }

    @Test
    void everyTypeRoundTripsThroughIcebergsReaderAndDuckDbOverTheTablesFiles() throws Exception {
        int n = 20_000;
        List<PublishedFile> files = files("a", n, 5000);
        // The writer numbers columns 1..n in declaration order: readers map them by id.
        MessageType fileSchema = files.get(0).footer().getFileMetaData().getSchema();
        for (int i = 0; i < fileSchema.getFieldCount(); i++) {
            assertThat(fileSchema.getType(i).getId().intValue()).isEqualTo(i + 1);
        }
        try (IcebergTableSink sink = open(Map.of(), "a", "q1")) {
            for (PublishedFile f : files) {
                sink.append(f);
            }
            Table table = sink.table();
            assertThat(TableUtil.formatVersion(table)).isEqualTo(2);
            assertThat(table.schema().findField("ts").type()).isEqualTo(Types.TimestampType.withZone());
            assertThat(table.schema().findField("dec").type()).isEqualTo(Types.DecimalType.of(18, 4));
            assertThat(table.schema().findField("raw").type()).isEqualTo(Types.FixedType.ofLength(4));
            assertThat(table.schema().findField("seq").doc()).isEqualTo("sequence number");
            assertThat(table.spec().fields()).extracting(pf -> pf.name()).containsExactly("dt", "hour");
            assertThat(sink.describe()).isEqualTo("iceberg:parquetry/parquetry.all_types (sqlite catalog)");

            List<Record> rows = rows(table);
            assertThat(rows).hasSize(n);
            boolean[] seen = new boolean[n];
            for (Record r : rows) {
                long s = (Long) r.getField("seq");
                seen[(int) s] = true;
                assertThat(r.getField("dt")).isInstanceOf(LocalDate.class);
                assertThat((Integer) r.getField("hour")).isBetween(0, 23);
                if (AllTypes.isNullRow(s)) {
                    for (String c : new String[] {"b", "i8", "i16", "i32", "i64", "f32", "f64", "ts", "dec", "sym", "raw"}) {
                        assertThat(r.getField(c)).as("%s of row %d", c, s).isNull();
                    }
                    continue;
                }
                assertThat(r.getField("b")).isEqualTo(AllTypes.bool(s));
                assertThat(r.getField("i8")).isEqualTo(AllTypes.int8(s));
                assertThat(r.getField("i16")).isEqualTo(AllTypes.int16(s));
                assertThat(r.getField("i32")).isEqualTo(AllTypes.int32(s));
                assertThat(r.getField("i64")).isEqualTo(AllTypes.int64(s));
                assertThat(r.getField("f32")).isEqualTo(AllTypes.float32(s));
                assertThat(r.getField("f64")).isEqualTo(AllTypes.float64(s));
                long micros = AllTypes.timestampMicros(s);
                assertThat(r.getField("ts")).isEqualTo(OffsetDateTime.ofInstant(Instant.ofEpochSecond(micros / 1_000_000,
                        micros % 1_000_000 * 1000), ZoneOffset.UTC));
                assertThat(r.getField("dec")).isEqualTo(BigDecimal.valueOf(AllTypes.decimalUnscaled(s), 4));
                assertThat(r.getField("sym")).isEqualTo(AllTypes.chars(s));
                Object raw = r.getField("raw");
                byte[] bytes = raw instanceof ByteBuffer bb ? toArray(bb) : (byte[]) raw;
                assertThat(bytes).isEqualTo(AllTypes.bytes(s));
            }
            for (int s = 0; s < n; s++) {
                assertThat(seen[s]).as("row %d", s).isTrue();
            }

            // DuckDB, an independent reader, over exactly the files the table lists.
            List<String> listed = tableFiles(table);
            assertThat(listed).containsExactlyInAnyOrderElementsOf(files.stream().map(PublishedFile::path).toList());
            StringBuilder list = new StringBuilder();
            for (String f : listed) {
                list.append(list.length() == 0 ? "" : ", ").append('\'').append(java.net.URI.create(f).getPath()).append('\'');
            }
            String scan = "read_parquet([" + list + "])";
            BigDecimal decSum = BigDecimal.ZERO;
            long i32Sum = 0;
            for (long s = 0; s < n; s++) {
                if (!AllTypes.isNullRow(s)) {
                    decSum = decSum.add(BigDecimal.valueOf(AllTypes.decimalUnscaled(s), 4));
                    i32Sum += AllTypes.int32(s);
                }
            }
            try (Connection c = Datasets.duckdb(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*), sum(seq), sum(dec), sum(i32), count(ts), typeof(any_value(ts)),"
                         + " typeof(any_value(dec)), typeof(any_value(sym)), typeof(any_value(raw)) FROM " + scan)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(n);
                assertThat(rs.getLong(2)).isEqualTo((long) n * (n - 1) / 2);
                assertThat(rs.getBigDecimal(3)).isEqualByComparingTo(decSum);
                assertThat(rs.getLong(4)).isEqualTo(i32Sum);
                assertThat(rs.getLong(5)).isEqualTo(n - (n + 3) / 7);
                assertThat(rs.getString(6)).isEqualTo("TIMESTAMP WITH TIME ZONE");
                assertThat(rs.getString(7)).isEqualTo("DECIMAL(18,4)");
                assertThat(rs.getString(8)).isEqualTo("VARCHAR");
                assertThat(rs.getString(9)).isEqualTo("BLOB");
            }
        }
    }

    private static byte[] toArray(ByteBuffer bb) {
        byte[] b = new byte[bb.remaining()];
        bb.duplicate().get(b);
        return b;
    }

    @Test
    void nanosecondTimestampsMakeAFormatV3TableAndKeepEveryNanosecond() throws Exception {
        Schema ns = Schema.parse("name: ticks\nversion: 1\nfields:\n  - {name: ts_ns, type: timestamp(ns)}\n"
                + "  - {name: ts_ms, type: timestamp(ms), nullable: true}\n  - {name: v, type: int64}\n", "ticks");
        Path queue = dir.resolve("queue-ns");
        long base = 1_763_700_000_123_456_789L;
        try (var r = io.parquetry.recorder.Recorder.open(queue, ns, io.parquetry.recorder.RecorderOptions.defaults().diskGuardMinFreeBytes(0));
             var w = r.newWriter()) {
            for (long i = 0; i < 1000; i++) {
                w.begin();
                w.setLong(ns.field("ts_ns"), base + i).setLong(ns.field("ts_ms"), base / 1_000_000 + i).setLong(ns.field("v"), i);
                w.commit();
            }
        }
        convert(dir, queue, dir.resolve("out").toString(), "n", 1000, "");
        String ticks = "file:" + dir.resolve("out/ticks");
        List<PublishedFile> files = committedFiles(ticks, "n", conf);
        assertThatThrownBy(() -> TableSinkProvider.forType("iceberg").open(context(Map.of("formatVersion", "2"), ns, "n", "q", ticks, conf)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bad table setting: table.formatVersion=2: column ts_ns is timestamp(ns):"
                        + " Iceberg's timestamp_ns needs format version 3 (or write micros with parquet.timestampUnit)");
        try (IcebergTableSink sink = (IcebergTableSink) TableSinkProvider.forType("iceberg").open(context(Map.of(), ns, "n", "q", ticks, conf))) {
            sink.append(files.get(0));
            Table t = sink.table();
            assertThat(TableUtil.formatVersion(t)).isEqualTo(3);
            assertThat(t.schema().findField("ts_ns").type()).isEqualTo(Types.TimestampNanoType.withZone());
            assertThat(t.schema().findField("ts_ms").type()).isEqualTo(Types.TimestampType.withZone());
            List<Record> rows = rows(t);
            assertThat(rows).hasSize(1000);
            for (Record r : rows) {
                long v = (Long) r.getField("v");
                long nanos = base + v;
                assertThat(r.getField("ts_ns")).isEqualTo(OffsetDateTime.ofInstant(Instant.ofEpochSecond(nanos / 1_000_000_000L,
                        nanos % 1_000_000_000L), ZoneOffset.UTC));
                assertThat(r.getField("ts_ms")).isEqualTo(OffsetDateTime.ofInstant(Instant.ofEpochMilli(base / 1_000_000 + v), ZoneOffset.UTC));
            }
        }
    }

    @Test
    void lastCommittedIndexIsReadFromTheTablePerSourceAndQueue() throws Exception {
        List<PublishedFile> files = files("a", 3000, 1000);
        try (TableSink sink = open(Map.of(), "a", "q1")) {
            assertThat(sink.lastCommittedIndex()).isEqualTo(-1);
            for (PublishedFile f : files) {
                sink.append(f);
                assertThat(sink.lastCommittedIndex()).isEqualTo(f.lastIndex());
            }
        }
        long last = files.get(2).lastIndex();
        try (TableSink again = open(Map.of(), "a", "q1"); TableSink otherQueue = open(Map.of(), "a", "q2");
             TableSink otherSource = open(Map.of(), "b", "q1")) {
            assertThat(again.lastCommittedIndex()).isEqualTo(last);
            assertThat(otherQueue.lastCommittedIndex()).isEqualTo(-1);
            assertThat(otherSource.lastCommittedIndex()).isEqualTo(-1);
        }
    }

    @Test
    void eachSnapshotRecordsTheChecksumOfItsFilesLastRecordAsTheFooterHasIt() throws Exception {
        List<PublishedFile> files = files("a", 2000, 1000);
        try (IcebergTableSink sink = open(Map.of(), "a", "q1")) {
            for (PublishedFile f : files) {
                sink.append(f);
            }
            Map<String, String> byFile = new HashMap<>();
            for (Snapshot s : sink.table().snapshots()) {
                byFile.put(s.summary().get(SummaryKeys.FILE), s.summary().get(SummaryKeys.LAST_RECORD_CRC32C));
            }
            for (PublishedFile f : files) {
                String footer = f.footer().getFileMetaData().getKeyValueMetaData().get(io.parquetry.converter.output.FooterKeys.LAST_RECORD_CRC32C);
                assertThat(footer).matches("[0-9a-f]{8}");
                assertThat(byFile.get(f.path())).as("snapshot of %s", f.path()).isEqualTo(footer);
            }
        }
    }

    /** Recovery as the converter does it: append every published file past lastCommittedIndex, skip the rest. */
    private static int recover(TableSink sink, List<PublishedFile> published) throws Exception {
        long last = sink.lastCommittedIndex();
        int appended = 0;
        for (PublishedFile f : published) {
            if (f.lastIndex() > last) {
                sink.append(f);
                appended++;
            }
        }
        return appended;
    }

    @Test
    void crashBetweenPublishingAFileAndTheTableAppendLosesNothing() throws Exception {
        List<PublishedFile> files = files("a", 3000, 1000);
        try (TableSink sink = open(Map.of(), "a", "q1")) {
            sink.append(files.get(0));
            // crash: files 1 and 2 are published (renamed) but never reached the table; the checkpoint is file 0's
        }
        try (IcebergTableSink sink = open(Map.of(), "a", "q1")) {
            assertThat(sink.lastCommittedIndex()).isEqualTo(files.get(0).lastIndex());
            assertThat(recover(sink, files)).isEqualTo(2);
            assertThat(rows(sink.table())).hasSize(3000);
            assertThat(tableFiles(sink.table())).hasSize(3);
        }
    }

    @Test
    void crashBetweenTheTableAppendAndTheCheckpointDuplicatesNothing() throws Exception {
        List<PublishedFile> files = files("a", 3000, 1000);
        try (TableSink sink = open(Map.of(), "a", "q1")) {
            for (PublishedFile f : files) {
                sink.append(f);
            }
            // crash: the checkpoint still says file 0, the table has all three
        }
        try (IcebergTableSink sink = open(Map.of(), "a", "q1")) {
            assertThat(sink.lastCommittedIndex()).isEqualTo(files.get(2).lastIndex());
            assertThat(recover(sink, files)).isZero();
            assertThat(rows(sink.table())).hasSize(3000);
            assertThat(ownSnapshots(sink.table(), "a")).isEqualTo(3);
        }
    }

    @Test
    void aFileAlreadyInTheTableIsRefused() throws Exception {
        List<PublishedFile> files = files("a", 2000, 1000);
        try (IcebergTableSink sink = open(Map.of(), "a", "q1")) {
            sink.append(files.get(0));
            sink.append(files.get(1));
            PublishedFile f = files.get(1);
            assertThatThrownBy(() -> sink.append(f)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("refusing to append a file whose records are in the table already: table=parquetry/parquetry.all_types, file="
                            + f.path() + ", firstIndex=" + f.firstIndex() + ", lastCommittedIndex=" + f.lastIndex() + ", source=a, queue=q1");
            assertThatThrownBy(() -> sink.append(files.get(0))).isInstanceOf(IllegalStateException.class);
            assertThat(rows(sink.table())).hasSize(2000);
            assertThat(tableFiles(sink.table())).hasSize(2);
        }
    }

    @Test
    void aDuplicateThatLandsDuringTheCommitIsCaughtByTheAncestryValidation() throws Exception {
        // Two sinks for one source and queue (a misconfiguration the converter's lock normally prevents): both pass the
        // pre-check; the second to commit must see the first's snapshot when Iceberg re-validates after the conflict.
        List<PublishedFile> files = files("a", 1000, 1000);
        try (IcebergTableSink first = open(Map.of(), "a", "q1"); IcebergTableSink twin = open(Map.of(), "a", "q1")) {
            first.beforeCommit = () -> {
                try {
                    twin.append(files.get(0));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            assertThatThrownBy(() -> first.append(files.get(0))).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("refusing to append a file whose records are in the table already (found at commit)")
                    .hasMessageContaining("ends at index " + files.get(0).lastIndex());
            assertThat(first.attempts()).isEqualTo(2);
            assertThat(rows(first.table())).hasSize(1000);
        }
    }

    @Test
    void aConflictWithAnotherSourceIsRetriedAndBothFilesLand() throws Exception {
        List<PublishedFile> a = files("a", 1000, 1000);
        List<PublishedFile> b = files("b", 1000, 1000);
        try (IcebergTableSink sinkA = open(Map.of(), "a", "q1"); IcebergTableSink sinkB = open(Map.of(), "b", "q1")) {
            sinkA.beforeCommit = () -> {
                try {
                    sinkB.append(b.get(0)); // lands first: A's staged commit is now based on a stale snapshot
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            sinkA.append(a.get(0));
            assertThat(sinkA.attempts()).as("validated once, and again on the retry after the conflict").isEqualTo(2);
            assertThat(sinkA.lastCommittedIndex()).isEqualTo(a.get(0).lastIndex());
            assertThat(sinkB.lastCommittedIndex()).isEqualTo(b.get(0).lastIndex());
            assertThat(rows(sinkA.table())).hasSize(2000);
        }
    }

    @Test
    void theLastIndexOutlivesSnapshotExpiry() throws Exception {
        List<PublishedFile> a = files("a", 1000, 1000);
        List<PublishedFile> b = files("b", 3000, 1000);
        try (IcebergTableSink sinkA = open(Map.of(), "a", "q1"); IcebergTableSink sinkB = open(Map.of(), "b", "q1")) {
            sinkA.append(a.get(0));
            for (PublishedFile f : b) {
                sinkB.append(f);
            }
            Table t = sinkB.table();
            t.expireSnapshots().retainLast(1).expireOlderThan(System.currentTimeMillis() + 1)
                    .cleanupLevel(org.apache.iceberg.ExpireSnapshots.CleanupLevel.NONE).commit();
            t.refresh();
            assertThat(ownSnapshots(t, "a")).isZero();
            assertThat(sinkA.lastCommittedIndex()).isEqualTo(a.get(0).lastIndex());
            assertThatThrownBy(() -> sinkA.append(a.get(0))).isInstanceOf(IllegalStateException.class);
            assertThat(rows(t)).hasSize(4000);
        }
    }

    @Test
    void twoSourcesAppendConcurrentlyFromTwoThreads() throws Exception {
        List<PublishedFile> a = files("a", 10_000, 500);
        List<PublishedFile> b = files("b", 10_000, 500);
        try (IcebergTableSink create = open(Map.of(), "a", "q1")) {
            assertThat(create.lastCommittedIndex()).isEqualTo(-1); // the table exists before the race
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (String source : new String[] {"a", "b"}) {
                List<PublishedFile> files = source.equals("a") ? a : b;
                results.add(pool.submit(() -> {
                    try (IcebergTableSink sink = open(Map.of(), source, "q1")) {
                        start.await();
                        for (PublishedFile f : files) {
                            sink.append(f);
                        }
                        return new long[] {sink.appends(), sink.attempts()};
                    }
                }));
            }
            start.countDown();
            long retries = 0;
            for (Future<long[]> r : results) {
                long[] counts = r.get(120, TimeUnit.SECONDS);
                assertThat(counts[0]).isEqualTo(20);
                retries += counts[1] - counts[0];
            }
            System.out.println("two threads: 40 appends, " + retries + " retries after conflicts");
        } finally {
            pool.shutdownNow();
        }
        try (IcebergTableSink sink = open(Map.of(), "a", "q1")) {
            Table t = sink.table();
            assertThat(rows(t)).hasSize(20_000);
            assertThat(tableFiles(t)).hasSize(40);
            assertThat(ownSnapshots(t, "a")).isEqualTo(20);
            assertThat(ownSnapshots(t, "b")).isEqualTo(20);
            assertThat(sink.lastCommittedIndex()).isEqualTo(a.get(19).lastIndex());
        }
    }

    @Test
    void twoSourcesAppendConcurrentlyFromTwoProcesses() throws Exception {
        files("a", 10_000, 500);
        files("b", 10_000, 500);
        Path settings = dir.resolve("table.properties");
        Files.writeString(settings, "catalog=sqlite\n");
        // Both start on a catalog file that does not exist yet: both create the catalog's tables, then the table.
        List<Process> children = new ArrayList<>();
        try {
            for (String source : new String[] {"a", "b"}) {
                children.add(ChildJvm.start(dir.resolve("child-" + source + ".log"), "-Xmx256m", SinkChild.class, settings.toString(), dataset(),
                        source, "q1"));
            }
            for (int i = 0; i < 2; i++) {
                Process p = children.get(i);
                Path log = dir.resolve("child-" + (i == 0 ? "a" : "b") + ".log");
                assertThat(p.waitFor(150, TimeUnit.SECONDS)).as("child did not finish: %s", Files.readString(log)).isTrue();
                assertThat(p.exitValue()).as(Files.readString(log)).isZero();
                assertThat(Files.readString(log)).contains("APPENDED 20 ATTEMPTS");
                System.out.println(Files.readString(log).lines().filter(l -> l.startsWith("APPENDED")).findFirst().orElse(""));
            }
        } finally {
            for (Process p : children) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        try (IcebergTableSink sink = open(Map.of(), "a", "q1")) {
            Table t = sink.table();
            assertThat(rows(t)).hasSize(20_000);
            assertThat(ownSnapshots(t, "a")).isEqualTo(20);
            assertThat(ownSnapshots(t, "b")).isEqualTo(20);
        }
    }

    @Test
    void twoSinksOpeningANewCatalogAtOnceBothSucceed() throws Exception {
        // Iceberg's JDBC catalog creates its tables in initialize() without a lock; the sink retries the loser.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 8; round++) {
                Map<String, String> settings = Map.of("sqliteFile", dir.resolve("race-" + round + ".sqlite").toString(), "name", "race" + round);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Long>> opened = new ArrayList<>();
                for (String source : new String[] {"a", "b"}) {
                    opened.add(pool.submit(() -> {
                        go.await();
                        try (TableSink sink = open(settings, source, "q1")) {
                            return sink.lastCommittedIndex();
                        }
                    }));
                }
                go.countDown();
                for (Future<Long> f : opened) {
                    assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(-1);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTableWhoseSchemaDiffersIsRefusedWithTheDifference() throws Exception {
        files("a", 1000, 1000);
        try (TableSink sink = open(Map.of(), "a", "q1")) {
            assertThat(sink.lastCommittedIndex()).isEqualTo(-1);
        }
        // int8 to int64 is a widening the table follows (IcebergSchemaEvolutionTest); to bool is not.
        Schema other = Schema.parse(AllTypes.YAML.replace("{name: i8, type: int8", "{name: i8, type: bool"), "changed");
        assertThatThrownBy(() -> TableSinkProvider.forType("iceberg").open(context(Map.of(), other, "a", "q1", dataset(), conf)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the table's schema cannot take the queue's files: table=parquetry/parquetry.all_types, schema=" + other.identity()
                        + ": column i8 (id 3) is int in the table, boolean in the files: neither type widens to the other");
    }

    @Test
    void partitioningNoneMakesAnUnpartitionedTableThatKeepsItsSpecWhenReopened() throws Exception {
        List<PublishedFile> files = files("a", 2000, 1000);
        try (IcebergTableSink sink = open(Map.of("partitioning", "none"), "a", "q1")) {
            sink.append(files.get(0));
            assertThat(sink.table().spec().isUnpartitioned()).isTrue();
            assertThat(sink.table().schema().findField("dt")).isNull();
        }
        try (IcebergTableSink sink = open(Map.of(), "a", "q1")) { // the default asks for cycle partitions: the table decides
            sink.append(files.get(1));
            assertThat(sink.table().spec().isUnpartitioned()).isTrue();
            assertThat(rows(sink.table())).hasSize(2000);
        }
    }

    @Test
    void backfillAppendsADatasetsFilesOnceAndSkipsWhatTheTableHas() throws Exception {
        List<PublishedFile> files = files("a", 3000, 1000);
        String queueId; // backfill takes only the files of the queue it is given (their footers carry its id)
        try (io.parquetry.reader.QueueReader r = io.parquetry.reader.QueueReader.open(dir.resolve("queue-a"))) {
            queueId = r.identity().id();
        }
        try (TableSink sink = open(Map.of(), "a", queueId)) {
            sink.append(files.get(0));
        }
        assertThat(TableBackfill.run(dir.resolve("queue-a"), dataset(), "a", "other-queue", Map.of(), conf))
                .as("another queue's files").isEqualTo(new TableBackfill.Result("other-queue", 0, 3));
        // As the command runs it: the queue's own identity.
        assertThat(TableBackfill.run(dir.resolve("queue-a"), dataset(), "a", Map.of(), conf)).isEqualTo(new TableBackfill.Result(queueId, 2, 0));
        assertThat(TableBackfill.run(dir.resolve("queue-a"), dataset(), "a", Map.of(), conf).appended()).isZero();
        try (IcebergTableSink sink = open(Map.of(), "a", queueId)) {
            assertThat(rows(sink.table())).hasSize(3000);
            assertThat(sink.lastCommittedIndex()).isEqualTo(files.get(2).lastIndex());
        }
    }

    @Test
    void badSettingsNameTheKeyAndValue() {
        Map<String, String> cases = new HashMap<>();
        cases.put("catalog=glue", "bad table setting: table.catalog=glue: must be sqlite, jdbc or hadoop");
        cases.put("partitioning=day", "bad table setting: table.partitioning=day: must be cycle (dt and hour of the queue cycle) or none");
        cases.put("commitRetries=-1", "bad table setting: table.commitRetries=-1: must be a whole number from 0 to 1000");
        cases.put("name=a-b", "bad table setting: table.name=a-b: must be a letter or '_' followed by letters, digits or '_'");
        cases.put("colour=red", "unknown key in the table section: table.colour (known: [catalog, catalogName, commitRetries, formatVersion, name,"
                + " namespace, partitioning, sqliteFile, type, uri, warehouse], jdbc.*, property.*)");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            String[] kv = c.getKey().split("=", 2);
            assertThatThrownBy(() -> IcebergSettings.parse(Map.of(kv[0], kv[1]), dataset(), false, null)).as(c.getKey())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(c.getValue());
        }
        assertThatThrownBy(() -> IcebergSettings.parse(Map.of("catalog", "jdbc"), dataset(), false, null))
                .hasMessage("missing key for catalog jdbc: table.uri (a JDBC URL, e.g. jdbc:postgresql://host:5432/db)");
        assertThatThrownBy(() -> IcebergSettings.parse(Map.of(), "hdfs://nn:8020/data/all_types", false, null))
                .hasMessageStartingWith("bad table setting: table.warehouse=hdfs://nn:8020/data/all_types/_iceberg: the sqlite catalog keeps its"
                        + " file on this machine");
    }
}
