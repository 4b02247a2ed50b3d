package io.parquetry.iceberg;

import static io.parquetry.iceberg.TableFixtures.context;
import static io.parquetry.iceberg.TableFixtures.localConf;
import static io.parquetry.iceberg.TableFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.ConversionResult;
import io.parquetry.converter.ConverterConfig;
import io.parquetry.converter.ConverterService;
import io.parquetry.converter.Datasets;
import io.parquetry.converter.table.TableSinkProvider;
import io.parquetry.reader.QueueReader;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.schema.Schema;
import io.parquetry.testing.AllTypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter with a {@code table:} section: every committed file is appended to the Iceberg table once, and
 * recovery mends a table left behind the dataset (a crash between publishing a file and appending it).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public class ConverterIntoIcebergTest {

    @TempDir
    Path dir;

    static ConverterConfig config(Path dir, String source, String extra) {
        return ConverterConfig.parse("queue: " + dir.resolve("queue") + "\noutput: " + dir.resolve("out") + "\nsource: " + source + "\n" + extra,
                "test.yaml", ConverterConfig.Overrides.none());
    }

    static final String TABLE = "table: {type: iceberg, catalog: sqlite}\n";

    @Test
    void everyCommittedFileIsAppendedToTheTableOnce() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 3500);
        ConversionResult first = ConverterService.run(config(dir, "s1", TABLE + "rotation: {maxRows: 1000}\n"), true);
        assertThat(first.filesCommitted()).isEqualTo(4);
        recordAllTypes(dir.resolve("queue"), 3500, 4000);
        ConverterService.run(config(dir, "s1", TABLE), true);
        assertTableHoldsEachRecordOnce(dir, "s1", 4000);
        assertThat(Datasets.files(dir.resolve("out/all_types"), ".parquet")).hasSize(5);
    }

    @Test
    void aFilePublishedButNotAppendedIsAppendedByRecovery() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 2000);
        ConverterService.run(config(dir, "s1", TABLE + "rotation: {maxRows: 1000}\n"), true);
        // The same as a crash after the rename and before the table append: a converter commits a file without the table.
        recordAllTypes(dir.resolve("queue"), 2000, 3000);
        ConverterService.run(config(dir, "s1", "rotation: {maxRows: 1000}\n"), true);
        assertThat(rows(dir, "s1")).hasSize(2000);
        // Recovery walks from the table's last index: the third file is in the dataset and the checkpoint, not the table.
        ConversionResult mended = ConverterService.run(config(dir, "s1", TABLE + "rotation: {maxRows: 1000}\n"), true);
        assertThat(mended.rowsWritten()).as("nothing converted twice").isZero();
        assertTableHoldsEachRecordOnce(dir, "s1", 3000);
    }

    /**
     * A queue whose schema changes in place, v1 to v2 (widen, rename, make nullable, add nullable, add with a default,
     * drop): the converter writes v2 files once it has seen v2, the sink evolves the table by field id before appending
     * them, and the table reads every row: v1 files' rows in the widened and renamed columns, null in the added ones and
     * their values in the dropped field's column; v1 records converted after v2 came are projected (the default set).
     */
    @Test
    void aQueueWhoseSchemaChangesInPlaceEvolvesItsTable() throws Exception {
        Schema v1 = Schema.parse("""
                name: ticks
                version: 1
                fields:
                  - {name: seq, type: int64}
                  - {name: px, type: int32}
                  - {name: name, type: char(8), description: the instrument}
                  - {name: size, type: float32}
                  - {name: note, type: int16}
                """, "v1");
        Schema v2 = Schema.parse("""
                name: ticks
                version: 2
                fields:
                  - {name: seq, type: int64}
                  - {name: px, type: int64}
                  - {name: sym, type: char(12), was: name, description: the instrument}
                  - {name: size, type: float64, nullable: true}
                  - {name: venue, type: string(16), nullable: true, description: where it traded}
                  - {name: qty, type: int32, default: 7}
                """, "v2");
        recordTicks(v1, 0, 1000);
        ConverterService.run(config(dir, "s1", TABLE), true);
        recordTicks(v2, 1000, 2000);
        recordTicks(v1, 2000, 2500); // a producer still on v1: the converter, at v2, projects its records
        ConverterService.run(config(dir, "s1", TABLE + "rotation: {maxRows: 700}\n"), true);

        Schema newest;
        String queueId;
        try (QueueReader r = QueueReader.open(dir.resolve("queue"))) {
            newest = r.schema();
            queueId = r.identity().id();
        }
        try (IcebergTableSink sink = (IcebergTableSink) TableSinkProvider.forType("iceberg").open(context(Map.of("type", "iceberg", "catalog",
                "sqlite"), newest, "s1", queueId, "file:" + dir.resolve("out/ticks"), localConf()))) {
            Table t = sink.table();
            assertThat(t.schema().columns()).extracting(c -> c.name() + ":" + c.fieldId() + ":" + c.type() + (c.isOptional() ? "?" : ""))
                    .containsExactly("seq:1:long", "px:2:long", "sym:3:string", "size:4:double?", "note:5:int?", "venue:8:string?", "qty:9:int?",
                            "dt:6:date", "hour:7:int");
            assertThat(t.schema().findField("sym").doc()).isEqualTo("the instrument");
            assertThat(t.schema().findField("venue").doc()).isEqualTo("where it traded");
            int n = 0;
            try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
                for (Record r : it) {
                    n++;
                    long i = (Long) r.getField("seq");
                    String row = "row " + i;
                    if (i < 1000) { // a v1 file
                        assertThat(r.getField("px")).as(row).isEqualTo(i * 3);
                        assertThat(r.getField("sym")).as(row).isEqualTo("n" + i);
                        assertThat(r.getField("size")).as(row).isEqualTo(i + 0.5);
                        assertThat(r.getField("note")).as(row).isEqualTo(1);
                        assertThat(r.getField("venue")).as(row).isNull();
                        assertThat(r.getField("qty")).as(row).isNull();
                    } else if (i < 2000) { // v2 records
                        assertThat(r.getField("px")).as(row).isEqualTo(i * 3 + (1L << 40));
                        assertThat(r.getField("sym")).as(row).isEqualTo("s" + i);
                        assertThat(r.getField("size")).as(row).isEqualTo(i % 2 == 0 ? i + 0.25 : null);
                        assertThat(r.getField("note")).as(row).isNull();
                        assertThat(r.getField("venue")).as(row).isEqualTo("XNAS");
                        assertThat(r.getField("qty")).as(row).isEqualTo((int) i);
                    } else { // v1 records in v2 files: projected
                        assertThat(r.getField("px")).as(row).isEqualTo(i * 3);
                        assertThat(r.getField("sym")).as(row).isEqualTo("n" + i);
                        assertThat(r.getField("size")).as(row).isEqualTo(i + 0.5);
                        assertThat(r.getField("note")).as(row).isNull();
                        assertThat(r.getField("venue")).as(row).isNull();
                        assertThat(r.getField("qty")).as(row).isEqualTo(7);
                    }
                }
            }
            assertThat(n).isEqualTo(2500);
        }
        assertTableHoldsEachRecordOnce(dir, "s1", 2500, "ticks", newest);
        // The dataset's files by name: the rename is two columns there.
        String scan = "read_parquet('" + dir.resolve("out/ticks").toAbsolutePath() + "/*/*/*.parquet', union_by_name = true)";
        assertThat(Datasets.queryString("SELECT count(name) || ',' || count(sym) || ',' || count(note) || ',' || count(qty) FROM " + scan))
                .isEqualTo("1000,1500,1000,1500");
    }

    private void recordTicks(Schema s, long from, long to) {
        try (Recorder r = Recorder.open(dir.resolve("queue"), s, RecorderOptions.defaults().diskGuardMinFreeBytes(0));
             RecordWriter w = r.newWriter()) {
            for (long i = from; i < to; i++) {
                w.begin();
                w.setLong(s.field("seq"), i);
                if (s.version() == 1) {
                    w.setInt(s.field("px"), (int) (i * 3));
                    w.setChars(s.field("name"), "n" + i);
                    w.setFloat(s.field("size"), i + 0.5f);
                    w.setInt(s.field("note"), 1);
                } else {
                    w.setLong(s.field("px"), i * 3 + (1L << 40));
                    w.setChars(s.field("sym"), "s" + i);
                    if (i % 2 == 0) {
                        w.setDouble(s.field("size"), i + 0.25);
                    }
                    w.setString(s.field("venue"), "XNAS");
                    w.setInt(s.field("qty"), (int) i);
                }
                assertThat(w.commit()).isEqualTo(RecordWriter.OK);
            }
        }
    }

    /** The table read by Iceberg's own reader holds seq 0..n-1 once each, and its snapshots' index ranges tile the queue. */
    static void assertTableHoldsEachRecordOnce(Path dir, String source, long n) throws Exception {
        assertTableHoldsEachRecordOnce(dir, source, n, "all_types", new AllTypes().schema);
    }

    static void assertTableHoldsEachRecordOnce(Path dir, String source, long n, String dataset, Schema schema) throws Exception {
        List<Record> rows = rows(dir, source, dataset, schema);
        assertThat(rows).hasSize((int) n);
        Set<Long> seqs = new HashSet<>();
        for (Record r : rows) {
            seqs.add((Long) r.getField("seq"));
        }
        assertThat(seqs).hasSize((int) n);
        assertThat(seqs.stream().mapToLong(Long::longValue).sum()).isEqualTo(n * (n - 1) / 2);
        List<long[]> ranges = new ArrayList<>();
        try (IcebergTableSink sink = open(dir, source, dataset, schema)) {
            Table t = sink.table();
            for (Snapshot s : t.snapshots()) {
                if (source.equals(s.summary().get(SummaryKeys.SOURCE))) {
                    ranges.add(new long[] {Long.parseLong(s.summary().get(SummaryKeys.FIRST_INDEX)), Long.parseLong(s.summary().get(
                            SummaryKeys.LAST_INDEX))});
                }
            }
        }
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        List<Long> indexes = new ArrayList<>();
        try (QueueReader r = QueueReader.open(dir.resolve("queue"))) {
            r.toStart();
            while (r.read((index, rec) -> indexes.add(index), 65536) > 0) {
                // all of them
            }
        }
        int pos = 0;
        for (long[] range : ranges) {
            assertThat(range[0]).as("snapshot range starting after the previous one's end").isEqualTo(indexes.get(pos));
            while (pos < indexes.size() && indexes.get(pos) <= range[1]) {
                pos++;
            }
        }
        assertThat(pos).as("records covered by the table's snapshot ranges").isEqualTo(indexes.size());
    }

    static IcebergTableSink open(Path dir, String source) throws Exception {
        return open(dir, source, "all_types", new AllTypes().schema);
    }

    static IcebergTableSink open(Path dir, String source, String dataset, Schema schema) throws Exception {
        String queueId;
        try (QueueReader r = QueueReader.open(dir.resolve("queue"))) {
            queueId = r.identity().id();
        }
        return (IcebergTableSink) TableSinkProvider.forType("iceberg").open(context(Map.of("type", "iceberg", "catalog", "sqlite"),
                schema, source, queueId, "file:" + dir.resolve("out").resolve(dataset), localConf()));
    }

    static List<Record> rows(Path dir, String source) throws Exception {
        return rows(dir, source, "all_types", new AllTypes().schema);
    }

    static List<Record> rows(Path dir, String source, String dataset, Schema schema) throws Exception {
        try (IcebergTableSink sink = open(dir, source, dataset, schema)) {
            Table t = sink.table();
            t.refresh();
            List<Record> out = new ArrayList<>();
            try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
                it.forEach(out::add);
            }
            return out;
        }
    }
}
