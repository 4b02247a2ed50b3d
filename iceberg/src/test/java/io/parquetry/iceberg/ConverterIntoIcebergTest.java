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

    /** The table read by Iceberg's own reader holds seq 0..n-1 once each, and its snapshots' index ranges tile the queue. */
    static void assertTableHoldsEachRecordOnce(Path dir, String source, long n) throws Exception {
        List<Record> rows = rows(dir, source);
        assertThat(rows).hasSize((int) n);
        Set<Long> seqs = new HashSet<>();
        for (Record r : rows) {
            seqs.add((Long) r.getField("seq"));
        }
        assertThat(seqs).hasSize((int) n);
        assertThat(seqs.stream().mapToLong(Long::longValue).sum()).isEqualTo(n * (n - 1) / 2);
        List<long[]> ranges = new ArrayList<>();
        try (IcebergTableSink sink = open(dir, source)) {
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
        String queueId;
        try (QueueReader r = QueueReader.open(dir.resolve("queue"))) {
            queueId = r.identity().id();
        }
        return (IcebergTableSink) TableSinkProvider.forType("iceberg").open(context(Map.of("type", "iceberg", "catalog", "sqlite"),
                new AllTypes().schema, source, queueId, "file:" + dir.resolve("out/all_types"), localConf()));
    }

    static List<Record> rows(Path dir, String source) throws Exception {
        try (IcebergTableSink sink = open(dir, source)) {
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
