package io.parquetry.iceberg;

import static io.parquetry.iceberg.TableFixtures.committedFile;
import static io.parquetry.iceberg.TableFixtures.committedFiles;
import static io.parquetry.iceberg.TableFixtures.context;
import static io.parquetry.iceberg.TableFixtures.convert;
import static io.parquetry.iceberg.TableFixtures.localConf;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.Datasets;
import io.parquetry.converter.output.FooterKeys;
import io.parquetry.converter.parquet.ParquetSchemas;
import io.parquetry.converter.table.PublishedFile;
import io.parquetry.converter.table.TableSinkProvider;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.testing.VariableTypes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code string(N)} and {@code binary(N)} columns in an Iceberg table: the table's types (Iceberg {@code string} and
 * {@code binary}, nullable fields optional), the metrics taken from the footer, and the values read back by Iceberg's
 * reader and DuckDB.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IcebergVariableTypesTest {

    @TempDir
    Path dir;

    private final Configuration conf = localConf();
    private final VariableTypes types = new VariableTypes();

    private String dataset() {
        return "file:" + dir.resolve("out/var_types");
    }

    private IcebergTableSink open() throws Exception {
        return (IcebergTableSink) TableSinkProvider.forType("iceberg").open(context(Map.of(), types.schema, "a", "q1", dataset(), conf));
    }

    @Test
    void stringBecomesIcebergStringAndBinaryBecomesBinaryNullableOnesOptional() throws Exception {
        try (IcebergTableSink sink = open()) {
            org.apache.iceberg.Schema s = sink.table().schema();
            assertThat(s.findField("msg").type()).isEqualTo(Types.StringType.get());
            assertThat(s.findField("msg").isRequired()).isTrue();
            assertThat(s.findField("msg").doc()).isEqualTo("a short text");
            assertThat(s.findField("note").type()).isEqualTo(Types.StringType.get());
            assertThat(s.findField("note").isOptional()).isTrue();
            assertThat(s.findField("blob").type()).isEqualTo(Types.BinaryType.get());
            assertThat(s.findField("blob").isRequired()).isTrue();
            assertThat(s.findField("opt_blob").type()).isEqualTo(Types.BinaryType.get());
            assertThat(s.findField("opt_blob").isOptional()).isTrue();
            // Field ids are the declaration order, as for every other type; the partition columns follow.
            assertThat(s.columns()).extracting(Types.NestedField::fieldId).containsExactly(1, 2, 3, 4, 5, 6, 7);
            assertThat(org.apache.iceberg.TableUtil.formatVersion(sink.table())).isEqualTo(2);
        }
        try (IcebergTableSink again = open()) {
            assertThat(again.lastCommittedIndex()).as("reopening finds the schema it made the same").isEqualTo(-1);
        }
    }

    /**
     * A file of the converter's Parquet schema written by parquet-hadoop's own writer (so this holds before the converter
     * writes variable columns): its footer's metrics in the table, 4-byte characters in the bounds, every value read back.
     */
    @Test
    void valuesAndFooterMetricsOfStringAndBinaryColumnsReachTheTable() throws Exception {
        int n = 2000;
        MessageType type = ParquetSchemas.toParquet(types.schema);
        Path file = dir.resolve("out/var_types/dt=2025-11-21/hour=04/part-a-q1-00000000000000000000.parquet");
        Files.createDirectories(file.getParent());
        org.apache.hadoop.fs.Path hadoopPath = new org.apache.hadoop.fs.Path(file.toUri());
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(hadoopPath, conf)).withType(type)
                .withExtraMetaData(Map.of(FooterKeys.RECORD_COUNT, Integer.toString(n), FooterKeys.FIRST_INDEX, "0", FooterKeys.LAST_INDEX,
                        Integer.toString(n - 1))).build()) {
            SimpleGroupFactory groups = new SimpleGroupFactory(type);
            for (long s = 0; s < n; s++) {
                Group g = groups.newGroup().append("seq", s).append("msg", VariableTypes.text(s, VariableTypes.MSG_MAX))
                        .append("blob", Binary.fromConstantByteArray(VariableTypes.bytes(s, VariableTypes.BLOB_MAX)));
                if (!VariableTypes.isNullRow(s)) {
                    g.append("note", VariableTypes.text(s + 5, VariableTypes.NOTE_MAX))
                            .append("opt_blob", Binary.fromConstantByteArray(VariableTypes.bytes(s * 13, VariableTypes.OPT_BLOB_MAX)));
                }
                w.write(g);
            }
        }
        FileSystem fs = hadoopPath.getFileSystem(conf);
        PublishedFile published = committedFile(fs, fs.makeQualified(hadoopPath), conf);
        try (IcebergTableSink sink = open()) {
            sink.append(published);
            Table table = sink.table();
            checkRows(table, n);

            DataFile data = table.currentSnapshot().addedDataFiles(table.io()).iterator().next();
            int msg = table.schema().findField("msg").fieldId();
            int note = table.schema().findField("note").fieldId();
            int optBlob = table.schema().findField("opt_blob").fieldId();
            assertThat(data.nullValueCounts().get(note)).isEqualTo((n + 3) / 7);
            assertThat(data.nullValueCounts().get(optBlob)).isEqualTo((n + 3) / 7);
            assertThat(data.valueCounts().get(msg)).isEqualTo(n);
            // Bounds compare UTF-8 bytes: the empty text is the least, a 4-byte character (U+1F600) the greatest.
            assertThat(Conversions.<CharSequence>fromByteBuffer(Types.StringType.get(), data.lowerBounds().get(msg)).toString()).isEmpty();
            assertThat(Conversions.<CharSequence>fromByteBuffer(Types.StringType.get(), data.upperBounds().get(msg)).toString())
                    .startsWith("😀");
            assertThat(scanFiles(table, Expressions.equal("msg", VariableTypes.text(4, VariableTypes.MSG_MAX)))).isEqualTo(1);
            assertThat(scanFiles(table, Expressions.equal("msg", "🚀"))).as("above the upper bound: pruned").isZero();
            checkDuckDb(table, n);
        }
    }

    /**
     * The whole way: records with string and binary values into a queue, the converter, the sink, Iceberg's reader and
     * DuckDB. Needs the queue reader and the converter to read and encode variable records: until they do, the converter
     * stops with "records of layout version 3 vary in length: no single excerptLength".
     */
    @Test
    void stringAndBinaryRoundTripFromTheQueueThroughTheConverterIntoTheTable() throws Exception {
        int n = 12_000;
        Path queue = dir.resolve("queue-a");
        try (Recorder r = Recorder.open(queue, types.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0)); RecordWriter w = r.newWriter()) {
            for (long s = 0; s < n; s++) {
                assertThat(types.write(w, s)).isEqualTo(RecordWriter.OK);
            }
        }
        convert(dir, queue, dir.resolve("out").toString(), "a", 5000, "");
        List<PublishedFile> files = committedFiles(dataset(), "a", conf);
        assertThat(files).hasSize(3);
        try (IcebergTableSink sink = open()) {
            for (PublishedFile f : files) {
                sink.append(f);
            }
            checkRows(sink.table(), n);
            checkDuckDb(sink.table(), n);
        }
    }

    /** Every row of records 0..n-1 as {@link VariableTypes} wrote it, read by Iceberg's generic reader. */
    private static void checkRows(Table table, int n) throws Exception {
        table.refresh();
        boolean[] seen = new boolean[n];
        try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
            for (Record r : it) {
                long s = (Long) r.getField("seq");
                assertThat(seen[(int) s]).as("row %d once", s).isFalse();
                seen[(int) s] = true;
                assertThat(r.getField("msg")).as("msg of %d", s).isEqualTo(VariableTypes.text(s, VariableTypes.MSG_MAX));
                assertThat(bytes(r.getField("blob"))).as("blob of %d", s).isEqualTo(VariableTypes.bytes(s, VariableTypes.BLOB_MAX));
                if (VariableTypes.isNullRow(s)) {
                    assertThat(r.getField("note")).isNull();
                    assertThat(r.getField("opt_blob")).isNull();
                } else {
                    assertThat(r.getField("note")).as("note of %d", s).isEqualTo(VariableTypes.text(s + 5, VariableTypes.NOTE_MAX));
                    assertThat(bytes(r.getField("opt_blob"))).as("opt_blob of %d", s)
                            .isEqualTo(VariableTypes.bytes(s * 13, VariableTypes.OPT_BLOB_MAX));
                }
            }
        }
        for (int s = 0; s < n; s++) {
            assertThat(seen[s]).as("row %d", s).isTrue();
        }
    }

    /** DuckDB over exactly the files the table lists: the types it sees, and the total of the values' lengths. */
    private static void checkDuckDb(Table table, int n) throws Exception {
        StringBuilder list = new StringBuilder();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask t : tasks) {
                list.append(list.length() == 0 ? "" : ", ").append('\'').append(java.net.URI.create(t.file().location()).getPath()).append('\'');
            }
        }
        long msgBytes = 0;
        long noteBytes = 0;
        long blobBytes = 0;
        for (long s = 0; s < n; s++) {
            msgBytes += VariableTypes.text(s, VariableTypes.MSG_MAX).getBytes(StandardCharsets.UTF_8).length;
            blobBytes += VariableTypes.bytes(s, VariableTypes.BLOB_MAX).length;
            if (!VariableTypes.isNullRow(s)) {
                noteBytes += VariableTypes.text(s + 5, VariableTypes.NOTE_MAX).getBytes(StandardCharsets.UTF_8).length;
            }
        }
        try (Connection c = Datasets.duckdb(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), sum(strlen(msg)), sum(strlen(note)), sum(octet_length(blob)), count(opt_blob),"
                     + " typeof(any_value(msg)), typeof(any_value(blob)) FROM read_parquet([" + list + "])")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(n);
            assertThat(rs.getLong(2)).as("UTF-8 bytes of msg").isEqualTo(msgBytes);
            assertThat(rs.getLong(3)).as("UTF-8 bytes of note").isEqualTo(noteBytes);
            assertThat(rs.getLong(4)).isEqualTo(blobBytes);
            assertThat(rs.getLong(5)).isEqualTo(n - (n + 3) / 7);
            assertThat(rs.getString(6)).isEqualTo("VARCHAR");
            assertThat(rs.getString(7)).isEqualTo("BLOB");
        }
    }

    private static int scanFiles(Table table, org.apache.iceberg.expressions.Expression filter) throws Exception {
        List<FileScanTask> out = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().filter(filter).planFiles()) {
            tasks.forEach(out::add);
        }
        return out.size();
    }

    private static byte[] bytes(Object value) {
        if (value instanceof ByteBuffer bb) {
            byte[] b = new byte[bb.remaining()];
            bb.duplicate().get(b);
            return b;
        }
        return (byte[]) value;
    }
}
