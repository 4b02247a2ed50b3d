package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.config;
import static io.parquetry.converter.ConverterFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.output.FooterKeys;
import io.parquetry.status.RotationCause;
import io.parquetry.testing.AllTypes;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConverterRoundTripTest {

    @TempDir
    Path dir;

    /**
     * Records with {@code string(N)} and {@code binary(N)} fields, as the recorder writes them to a queue: each value,
     * null, empty, multibyte and at its bound, comes back from the converted file through DuckDB.
     */
    @Test
    void stringAndBinaryFieldsRoundTripFromTheQueue() throws Exception {
        io.parquetry.schema.Schema schema = io.parquetry.schema.Schema.parse("name: events\nversion: 1\nfields:\n"
                + "  - {name: seq, type: int64}\n  - {name: msg, type: string(24), nullable: true}\n"
                + "  - {name: blob, type: binary(8)}\n", "test");
        io.parquetry.schema.Field seq = schema.field("seq");
        io.parquetry.schema.Field msg = schema.field("msg");
        io.parquetry.schema.Field blob = schema.field("blob");
        int n = 3000;
        try (io.parquetry.recorder.Recorder r = io.parquetry.recorder.Recorder.open(dir.resolve("queue"), schema, ConverterFixtures.REC);
             io.parquetry.recorder.RecordWriter w = r.newWriter()) {
            for (int s = 0; s < n; s++) {
                assertThat(w.begin()).isEqualTo(io.parquetry.recorder.RecordWriter.OK);
                w.setLong(seq, s);
                if (s % 5 == 0) {
                    w.setNull(msg);
                } else {
                    w.setString(msg, text(s));
                }
                byte[] b = blob(s);
                w.setBytes(blob, b, 0, b.length);
                assertThat(w.commit()).isEqualTo(io.parquetry.recorder.RecordWriter.OK);
            }
        }
        ConversionResult c = ConverterService.run(config(dir, ""), true);
        assertThat(c.rowsWritten()).isEqualTo(n);
        Path dataset = dir.resolve("out/events");
        try (Connection db = Datasets.duckdb(); Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT seq, msg, blob FROM " + Datasets.scan(dataset) + " ORDER BY seq")) {
            int s = 0;
            while (rs.next()) {
                assertThat(rs.getLong(1)).isEqualTo(s);
                assertThat(rs.getString(2)).as("msg of %d", s).isEqualTo(s % 5 == 0 ? null : text(s));
                assertThat(rs.getBytes(3)).as("blob of %d", s).isEqualTo(blob(s));
                s++;
            }
            assertThat(s).isEqualTo(n);
        }
    }

    /** Empty, ASCII, two-, three- and four-byte characters, up to the 24-byte bound. */
    private static String text(int s) {
        return switch (s % 4) {
            case 0 -> "";
            case 1 -> "order " + s;
            case 2 -> "\u00e9change \u6771\u4eac " + (s % 100);
            default -> "\ud83d\ude80".repeat(s % 7);
        };
    }

    private static byte[] blob(int s) {
        byte[] b = new byte[s % 9];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (s * 31 + i * 97);
        }
        return b;
    }

    @Test
    void everyTypeWithNullsRoundTripsThroughDuckDbAndParquetHadoop() throws Exception {
        int n = 5000;
        recordAllTypes(dir.resolve("queue"), 0, n);
        ConversionResult c = ConverterService.run(config(dir, ""), true);
        assertThat(c.rowsWritten()).isEqualTo(n);
        assertThat(c.rotations(RotationCause.SHUTDOWN)).isEqualTo(1);
        Path dataset = dir.resolve("out/all_types");
        List<Path> files = Datasets.files(dataset, ".parquet");
        assertThat(files).hasSize(1);
        assertThat(Datasets.files(dir.resolve("out"), ".crc")).isEmpty();
        assertThat(Datasets.files(dir.resolve("out"), ".inprogress")).isEmpty();

        try (Connection db = Datasets.duckdb(); Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT seq, b, i8, i16, i32, i64, f32, f64, epoch_us(ts), dec, sym, raw FROM "
                     + Datasets.scan(dataset) + " ORDER BY seq")) {
            long s = 0;
            while (rs.next()) {
                assertThat(rs.getLong(1)).isEqualTo(s);
                if (AllTypes.isNullRow(s)) {
                    for (int col = 2; col <= 12; col++) {
                        assertThat(rs.getObject(col)).as("column %d of seq %d", col, s).isNull();
                    }
                } else {
                    assertThat(rs.getBoolean(2)).isEqualTo(AllTypes.bool(s));
                    assertThat(rs.getInt(3)).isEqualTo(AllTypes.int8(s));
                    assertThat(rs.getInt(4)).isEqualTo(AllTypes.int16(s));
                    assertThat(rs.getInt(5)).isEqualTo(AllTypes.int32(s));
                    assertThat(rs.getLong(6)).isEqualTo(AllTypes.int64(s));
                    assertThat(rs.getFloat(7)).isEqualTo(AllTypes.float32(s));
                    assertThat(rs.getDouble(8)).isEqualTo(AllTypes.float64(s));
                    assertThat(rs.getLong(9)).isEqualTo(AllTypes.timestampMicros(s));
                    assertThat(rs.getBigDecimal(10)).isEqualByComparingTo(BigDecimal.valueOf(AllTypes.decimalUnscaled(s), 4));
                    assertThat(rs.getString(11)).isEqualTo(AllTypes.chars(s));
                    assertThat(rs.getBytes(12)).isEqualTo(AllTypes.bytes(s));
                }
                s++;
            }
            assertThat(s).isEqualTo(n);
        }
        try (Connection db = Datasets.duckdb(); Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + Datasets.scan(dataset) + ")")) {
            StringBuilder types = new StringBuilder();
            while (rs.next()) {
                types.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(';');
            }
            assertThat(types.toString()).isEqualTo("seq BIGINT;b BOOLEAN;i8 TINYINT;i16 SMALLINT;i32 INTEGER;i64 BIGINT;f32 FLOAT;"
                    + "f64 DOUBLE;ts TIMESTAMP WITH TIME ZONE;dec DECIMAL(18,4);sym VARCHAR;raw BLOB;");
        }

        // parquet-hadoop reads the same values back.
        try (ParquetReader<Group> r = new ParquetReader.Builder<Group>(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(files.get(0).toUri()), new Configuration()), new org.apache.parquet.conf.PlainParquetConfiguration()) {
                    @Override
                    protected org.apache.parquet.hadoop.api.ReadSupport<Group> getReadSupport() {
                        return new GroupReadSupport();
                    }
                }.build()) {
            long s = 0;
            for (Group g = r.read(); g != null; g = r.read(), s++) {
                assertThat(g.getLong("seq", 0)).isEqualTo(s);
                if (AllTypes.isNullRow(s)) {
                    assertThat(g.getFieldRepetitionCount("i32")).isZero();
                } else {
                    assertThat(g.getInteger("i16", 0)).isEqualTo(AllTypes.int16(s));
                    assertThat(g.getLong("dec", 0)).isEqualTo(AllTypes.decimalUnscaled(s));
                    assertThat(g.getString("sym", 0)).isEqualTo(AllTypes.chars(s));
                    assertThat(g.getBinary("raw", 0).getBytes()).isEqualTo(AllTypes.bytes(s));
                }
            }
            assertThat(s).isEqualTo(n);
        }
    }

    @Test
    void datasetIsQueryableWithHivePartitionPruning() {
        recordAllTypes(dir.resolve("queue"), 0, 1000);
        ConverterService.run(config(dir, ""), true);
        Path ds = dir.resolve("out/all_types");
        String today = java.time.LocalDate.now(ZoneOffset.UTC).toString();
        // The query docs/SCALING.md shows: partition columns from the path, filters pruning whole directories.
        String scan = "read_parquet('" + ds + "/**/*.parquet', hive_partitioning=true)";
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + scan + " WHERE dt = '" + today + "'")).isEqualTo(1000);
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + scan + " WHERE dt = '1999-01-01'")).isZero();
        assertThat(Datasets.queryLong("SELECT count(DISTINCT hour) FROM " + scan)).isBetween(1L, 2L);
    }

    @Test
    void footerCarriesQueueIndexRangeCountAndSchema() {
        recordAllTypes(dir.resolve("queue"), 0, 100);
        ConverterService.run(config(dir, ""), true);
        Path f = Datasets.files(dir.resolve("out/all_types"), ".parquet").get(0);
        Map<String, String> kv = Datasets.footer(f);
        assertThat(kv).containsEntry(FooterKeys.RECORD_COUNT, "100").containsEntry(FooterKeys.SCHEMA_NAME, "all_types")
                .containsEntry(FooterKeys.SCHEMA_VERSION, "1").containsEntry(FooterKeys.SOURCE, "test")
                .containsEntry(FooterKeys.QUEUE, dir.resolve("queue").toAbsolutePath().toString())
                .containsEntry(FooterKeys.SCHEMA_FINGERPRINT, new AllTypes().schema.fingerprintHex())
                .containsKey(FooterKeys.CONVERTER_VERSION);
        long first = Long.parseLong(kv.get(FooterKeys.FIRST_INDEX));
        long last = Long.parseLong(kv.get(FooterKeys.LAST_INDEX));
        assertThat(last - first).isEqualTo(99);
        // Partition of the first record's cycle, and the deterministic name.
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String rel = dir.resolve("out/all_types").relativize(f).toString();
        String queueId = kv.get(FooterKeys.QUEUE_ID);
        assertThat(queueId).isEqualTo(ConverterFixtures.queueIdentity(dir.resolve("queue")).id());
        assertThat(rel).matches("dt=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}/part-test-[0-9a-f]{16}-\\d{20}\\.parquet");
        assertThat(rel).contains(String.format("dt=%04d-%02d-%02d", now.getYear(), now.getMonthValue(), now.getDayOfMonth())
                .substring(0, 10));
        assertThat(rel).endsWith(String.format("part-test-%s-%020d.parquet", queueId, first));
        assertThat(Datasets.parquetRowCount(f)).isEqualTo(100);
        assertThat(new String(new byte[0], StandardCharsets.UTF_8)).isEmpty();
    }
}
