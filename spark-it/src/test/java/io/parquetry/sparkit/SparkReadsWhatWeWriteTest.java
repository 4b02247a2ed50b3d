package io.parquetry.sparkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Apache Spark (local mode, its own class path) reads what Parquetry writes: a converted dataset directory with
 * partition discovery (dt=/hour=), and the Iceberg table through Iceberg's Spark runtime on the converter's default
 * catalog (JDBC on the SQLite file). Counts, sums and types are checked against the queue, read by a child JVM.
 */
@Tag("slow")
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class SparkReadsWhatWeWriteTest {

    static final String EVERY_TYPE = String.join("\n",
            "name: every_type",
            "version: 1",
            "fields:",
            "  - {name: seq, type: int64}",
            "  - {name: b, type: bool, nullable: true}",
            "  - {name: i8, type: int8}",
            "  - {name: i16, type: int16, nullable: true}",
            "  - {name: i32, type: int32}",
            "  - {name: i64, type: int64, nullable: true}",
            "  - {name: f32, type: float32}",
            "  - {name: f64, type: float64, nullable: true}",
            "  - {name: ts, type: timestamp(us)}",
            "  - {name: ts_ms, type: timestamp(ms), nullable: true}",
            "  - {name: price, type: 'decimal(18,4)'}",
            "  - {name: sym, type: char(8)}",
            "  - {name: raw, type: bytes(4), nullable: true}",
            "  - {name: note, type: string(200), nullable: true}",
            "  - {name: blob, type: binary(48)}",
            "");
    static final int ROWS = 100_000;
    static final int MARKET_ROWS = 20_000;

    private static Path tmp;
    private static SparkSession spark;
    private static Map<String, String> every;
    private static Map<String, String> market;
    private static String convertMicrosLog;
    private static final Map<String, Long> WALL = new LinkedHashMap<>();

    @BeforeAll
    static void produceDataThenStartSpark() throws Exception {
        tmp = Files.createTempDirectory("parquetry-spark-it");
        Launcher l = new Launcher();
        Path schema = tmp.resolve("every-type.yaml");
        Files.writeString(schema, EVERY_TYPE);
        Path cfg = tmp.resolve("converter.yaml");
        Files.writeString(cfg, "rotation: {maxRows: 30000}\n");
        long t0 = System.nanoTime();
        l.parquetry(tmp.resolve("record-every.log"), "record", "--schema", schema.toString(), "--queue", tmp.resolve("q-every").toString(),
                "--count", Integer.toString(ROWS));
        l.parquetry(tmp.resolve("record-market.log"), "record", "--schema", l.root().resolve("conf/schemas/market-data.yaml").toString(),
                "--queue", tmp.resolve("q-market").toString(), "--count", Integer.toString(MARKET_ROWS));
        for (String q : new String[] {"every", "market"}) {
            l.parquetry(tmp.resolve("convert-" + q + ".log"), "convert", "--config", cfg.toString(), "--queue", tmp.resolve("q-" + q).toString(),
                    "--output", tmp.resolve("out").toString(), "--source", "spark", "--until-idle");
        }
        // The market data again, with timestamps converted to microseconds (what a Spark user configures), committed into
        // a table as it is converted: the command line's --table, as a user would add it. Another source: a converter's
        // state (checkpoint) belongs to its queue and source, whatever the output.
        Path micros = tmp.resolve("converter-micros.yaml");
        Files.writeString(micros, "rotation: {maxRows: 30000}\nparquet: {timestampUnit: micros}\n");
        convertMicrosLog = l.parquetry(tmp.resolve("convert-micros.log"), "convert", "--config", micros.toString(), "--queue",
                tmp.resolve("q-market").toString(), "--output", tmp.resolve("out-us").toString(), "--source", "spark-us", "--until-idle",
                "--table", "type=iceberg", "--table", "sqliteFile=" + tmp.resolve("catalog.sqlite"), "--table", "name=market_data_us");
        WALL.put("record+convert (bin/parquetry)", System.nanoTime() - t0);
        t0 = System.nanoTime();
        String stats = l.root().resolve("spark-it/src/test/child/QueueStats.java").toString();
        every = Launcher.keyValues(l.java(tmp.resolve("stats-every.log"), stats, tmp.resolve("q-every").toString()));
        market = Launcher.keyValues(l.java(tmp.resolve("stats-market.log"), stats, tmp.resolve("q-market").toString()));
        WALL.put("queue stats (child JVM)", System.nanoTime() - t0);
        t0 = System.nanoTime();
        // One catalog file for both tables, as on a machine with several converters; engines must name the catalog as the
        // converter does (table.catalogName, default parquetry): Iceberg's JDBC catalog stores that name with each table.
        String catalog = "sqliteFile=" + tmp.resolve("catalog.sqlite");
        String backfill = l.java(tmp.resolve("table-every.log"), "io.parquetry.iceberg.TableBackfill", tmp.resolve("q-every").toString(),
                "file:" + tmp.resolve("out/every_type"), "spark", catalog);
        l.java(tmp.resolve("table-market.log"), "io.parquetry.iceberg.TableBackfill", tmp.resolve("q-market").toString(),
                "file:" + tmp.resolve("out/market_data"), "spark", catalog);
        WALL.put("iceberg tables (child JVM)", System.nanoTime() - t0);
        assertThat(backfill).contains("appended 4 files");
        assertThat(every.get("count")).isEqualTo(Integer.toString(ROWS));

        t0 = System.nanoTime();
        spark = Launcher.spark("parquetry-spark-it", tmp, tmp.resolve("catalog.sqlite"));
        WALL.put("spark session start", System.nanoTime() - t0);
    }

    @AfterAll
    static void stop() throws Exception {
        if (spark != null) {
            spark.stop();
        }
        WALL.forEach((k, v) -> System.out.printf("wall %-40s %6d ms%n", k, TimeUnit.NANOSECONDS.toMillis(v)));
        Launcher.deleteTree(tmp);
    }

    private static DataType type(Dataset<Row> df, String column) {
        return Launcher.columnType(df, column);
    }

    private static Row one(String sql) {
        return spark.sql(sql).collectAsList().get(0);
    }

    private static BigInteger big(Object decimal) {
        return ((BigDecimal) decimal).toBigIntegerExact();
    }

    /** The checks both ways of reading must pass: counts, exact sums, null counts, against the queue. */
    private static void checkEveryType(String view) {
        Row r = one("SELECT count(*), count(b), count_if(b), count(i16), count(i64), count(f64), count(ts_ms), count(raw),"
                + " CAST(sum(CAST(seq AS DECIMAL(38,0))) AS DECIMAL(38,0)), CAST(sum(CAST(i8 AS DECIMAL(38,0))) AS DECIMAL(38,0)),"
                + " CAST(sum(CAST(i16 AS DECIMAL(38,0))) AS DECIMAL(38,0)), CAST(sum(CAST(i32 AS DECIMAL(38,0))) AS DECIMAL(38,0)),"
                + " CAST(sum(CAST(i64 AS DECIMAL(38,0))) AS DECIMAL(38,0)), CAST(sum(price) * 10000 AS DECIMAL(38,0)),"
                + " CAST(sum(CAST(unix_micros(ts) AS DECIMAL(38,0))) AS DECIMAL(38,0)), min(unix_micros(ts)), max(unix_micros(ts)),"
                + " CAST(sum(CAST(unix_millis(ts_ms) AS DECIMAL(38,0))) AS DECIMAL(38,0)), sum(f32), sum(f64), sum(length(sym)),"
                + " min(octet_length(raw)), max(octet_length(raw)) FROM " + view);
        assertThat(r.getLong(0)).isEqualTo(Long.parseLong(every.get("count")));
        assertThat(r.getLong(1)).isEqualTo(Long.parseLong(every.get("b.nonnull")));
        assertThat(r.getLong(2)).isEqualTo(Long.parseLong(every.get("b.true")));
        assertThat(r.getLong(3)).isEqualTo(Long.parseLong(every.get("i16.nonnull")));
        assertThat(r.getLong(4)).isEqualTo(Long.parseLong(every.get("i64.nonnull")));
        assertThat(r.getLong(5)).isEqualTo(Long.parseLong(every.get("f64.nonnull")));
        assertThat(r.getLong(6)).isEqualTo(Long.parseLong(every.get("ts_ms.nonnull")));
        assertThat(r.getLong(7)).isEqualTo(Long.parseLong(every.get("raw.nonnull")));
        String[] sums = {"seq", "i8", "i16", "i32", "i64", "price", "ts"};
        for (int i = 0; i < sums.length; i++) {
            assertThat(big(r.get(8 + i))).as(sums[i]).isEqualTo(new BigInteger(every.get(sums[i] + ".sum")));
        }
        assertThat(r.getLong(15)).isEqualTo(Long.parseLong(every.get("ts.min")));
        assertThat(r.getLong(16)).isEqualTo(Long.parseLong(every.get("ts.max")));
        assertThat(big(r.get(17))).isEqualTo(new BigInteger(every.get("ts_ms.sum")));
        assertThat(r.getDouble(18)).isCloseTo(Double.parseDouble(every.get("f32.sum")), org.assertj.core.data.Percentage.withPercentage(1e-6));
        assertThat(r.getDouble(19)).isCloseTo(Double.parseDouble(every.get("f64.sum")), org.assertj.core.data.Percentage.withPercentage(1e-9));
        assertThat(r.getLong(20)).isEqualTo(Long.parseLong(every.get("sym.chars")));
        if (Long.parseLong(every.get("raw.nonnull")) > 0) {
            assertThat(r.getInt(21)).isEqualTo(4);
            assertThat(r.getInt(22)).isEqualTo(4);
        }
        // Variable fields, value for value: the sum of each value's CRC-32 (and byte length) equals the queue's.
        Row v = one("SELECT count(note), sum(octet_length(note)), sum(crc32(CAST(note AS BINARY))), count(blob), sum(octet_length(blob)),"
                + " sum(crc32(blob)) FROM " + view);
        assertThat(v.getLong(0)).isEqualTo(Long.parseLong(every.get("note.nonnull")));
        assertThat(v.getLong(1)).isEqualTo(Long.parseLong(every.get("note.bytes")));
        assertThat(v.getLong(2)).isEqualTo(Long.parseLong(every.get("note.crc32")));
        assertThat(v.getLong(3)).isEqualTo(Long.parseLong(every.get("blob.nonnull")));
        assertThat(v.getLong(4)).isEqualTo(Long.parseLong(every.get("blob.bytes")));
        assertThat(v.getLong(5)).isEqualTo(Long.parseLong(every.get("blob.crc32")));
        assertThat(type(spark.sql("SELECT note, blob FROM " + view), "note")).isEqualTo(org.apache.spark.sql.types.DataTypes.StringType);
        assertThat(type(spark.sql("SELECT note, blob FROM " + view), "blob")).isEqualTo(org.apache.spark.sql.types.DataTypes.BinaryType);
    }

    @Test
    void sparkReadsTheDatasetDirectoryWithPartitionDiscovery() {
        long t0 = System.nanoTime();
        Dataset<Row> df = spark.read().parquet(tmp.resolve("out/every_type").toString());
        df.createOrReplaceTempView("files");
        assertThat(type(df, "b")).isEqualTo(DataTypes.BooleanType);
        assertThat(type(df, "i8")).isEqualTo(DataTypes.ByteType);
        assertThat(type(df, "i16")).isEqualTo(DataTypes.ShortType);
        assertThat(type(df, "i32")).isEqualTo(DataTypes.IntegerType);
        assertThat(type(df, "i64")).isEqualTo(DataTypes.LongType);
        assertThat(type(df, "f32")).isEqualTo(DataTypes.FloatType);
        assertThat(type(df, "f64")).isEqualTo(DataTypes.DoubleType);
        assertThat(type(df, "ts")).isEqualTo(DataTypes.TimestampType);
        assertThat(type(df, "ts_ms")).isEqualTo(DataTypes.TimestampType);
        assertThat(type(df, "price")).isEqualTo(DataTypes.createDecimalType(18, 4));
        assertThat(type(df, "sym")).isEqualTo(DataTypes.StringType);
        assertThat(type(df, "raw")).isEqualTo(DataTypes.BinaryType);
        assertThat(type(df, "dt")).isEqualTo(DataTypes.DateType);
        assertThat(type(df, "hour")).isEqualTo(DataTypes.IntegerType);
        checkEveryType("files");
        Row p = one("SELECT count(DISTINCT dt, hour), count(DISTINCT f) FROM (SELECT dt, hour, input_file_name() AS f FROM files)");
        assertThat(p.getLong(0)).isGreaterThanOrEqualTo(1);
        assertThat(p.getLong(1)).isEqualTo(4);
        WALL.put("spark: dataset directory", System.nanoTime() - t0);
    }

    @Test
    void sparkReadsTheIcebergTableThroughIcebergsRuntime() {
        long t0 = System.nanoTime();
        Dataset<Row> df = spark.table("parquetry.parquetry.every_type");
        df.createOrReplaceTempView("tbl");
        assertThat(type(df, "i8")).isEqualTo(DataTypes.IntegerType); // Iceberg has no byte or short: int
        assertThat(type(df, "i16")).isEqualTo(DataTypes.IntegerType);
        assertThat(type(df, "ts")).isEqualTo(DataTypes.TimestampType);
        assertThat(type(df, "price")).isEqualTo(DataTypes.createDecimalType(18, 4));
        assertThat(type(df, "sym")).isEqualTo(DataTypes.StringType);
        assertThat(type(df, "raw")).isEqualTo(DataTypes.BinaryType);
        assertThat(type(df, "dt")).isEqualTo(DataTypes.DateType);
        assertThat(type(df, "hour")).isEqualTo(DataTypes.IntegerType);
        checkEveryType("tbl");
        // dt and hour are identity partitions the files do not hold: Spark gets them from the table's metadata, equal to
        // the directory names partition discovery reads.
        Row same = one("SELECT count(*) FROM (SELECT seq, dt, hour FROM tbl EXCEPT SELECT seq, dt, hour FROM parquet.`"
                + tmp.resolve("out/every_type") + "`)");
        assertThat(same.getLong(0)).isZero();
        // Booleans in Parquet v2 pages are RLE: the sink switched Iceberg's vectorized reader off for this table.
        assertThat(one("SHOW TBLPROPERTIES parquetry.parquetry.every_type ('read.parquet.vectorization.enabled')").getString(1))
                .isEqualTo("false");
        Row snapshots = one("SELECT count(*), min(summary['parquetry.source']), max(summary['parquetry.queue-id'])"
                + " FROM parquetry.parquetry.every_type.snapshots");
        assertThat(snapshots.getLong(0)).isEqualTo(4);
        assertThat(snapshots.getString(1)).isEqualTo("spark");
        assertThat(snapshots.getString(2)).isEqualTo(every.get("queueId")).isNotBlank();
        WALL.put("spark: iceberg table", System.nanoTime() - t0);
    }

    @Test
    void nanosecondTimestampsAreRefusedBySparkUnlessReadAsLongs() {
        long t0 = System.nanoTime();
        String dir = tmp.resolve("out/market_data").toString();
        assertThatThrownBy(() -> spark.read().parquet(dir).collectAsList()).hasMessageContaining("TIMESTAMP(NANOS,true)");
        spark.conf().set("spark.sql.legacy.parquet.nanosAsLong", "true");
        try {
            Dataset<Row> df = spark.read().parquet(dir);
            assertThat(type(df, "timestamp_ns")).isEqualTo(DataTypes.LongType);
            df.createOrReplaceTempView("market_files");
            Row r = one("SELECT count(*), CAST(sum(CAST(timestamp_ns AS DECIMAL(38,0))) AS DECIMAL(38,0)), CAST(sum(price) * 100000000"
                    + " AS DECIMAL(38,0)) FROM market_files");
            assertThat(r.getLong(0)).isEqualTo(MARKET_ROWS);
            assertThat(big(r.get(1))).isEqualTo(new BigInteger(market.get("timestamp_ns.sum")));
            assertThat(big(r.get(2))).isEqualTo(new BigInteger(market.get("price.sum")));
        } finally {
            spark.conf().unset("spark.sql.legacy.parquet.nanosAsLong");
        }
        WALL.put("spark: nanos", System.nanoTime() - t0);
    }

    /**
     * The shipped market-data schema (timestamp(ns)) with {@code parquet.timestampUnit: micros}: Spark reads the column
     * as a timestamp, from the directory and from the table, each value the nanoseconds floored to microseconds; the
     * converter counts the values that lost precision in its summary.
     */
    @Test
    void marketDataWrittenInMicrosecondsIsReadAsTimestampsFromFilesAndTable() {
        long t0 = System.nanoTime();
        Dataset<Row> files = spark.read().parquet(tmp.resolve("out-us/market_data").toString());
        assertThat(type(files, "timestamp_ns")).isEqualTo(DataTypes.TimestampType);
        files.createOrReplaceTempView("market_us_files");
        Dataset<Row> table = spark.table("parquetry.parquetry.market_data_us");
        assertThat(type(table, "timestamp_ns")).isEqualTo(DataTypes.TimestampType);
        table.createOrReplaceTempView("market_us_table");
        for (String view : new String[] {"market_us_files", "market_us_table"}) {
            Row r = one("SELECT count(*), CAST(sum(CAST(unix_micros(timestamp_ns) AS DECIMAL(38,0))) AS DECIMAL(38,0)),"
                    + " CAST(sum(price) * 100000000 AS DECIMAL(38,0)) FROM " + view);
            assertThat(r.getLong(0)).as(view).isEqualTo(MARKET_ROWS);
            assertThat(big(r.get(1))).as(view).isEqualTo(new BigInteger(market.get("timestamp_ns.us.sum")));
            assertThat(big(r.get(2))).as(view).isEqualTo(new BigInteger(market.get("price.sum")));
        }
        // The converter's summary says how many values lost precision (sub-microsecond digits), none silently. (The
        // synthetic market data's timestamps may all be whole microseconds: then it says nothing of it.)
        long truncated = Long.parseLong(market.get("timestamp_ns.us.truncated"));
        if (truncated > 0) {
            assertThat(convertMicrosLog).contains(String.format(java.util.Locale.ROOT, "; %,d timestamps lost precision to parquet.timestampUnit",
                    truncated));
        } else {
            assertThat(convertMicrosLog).doesNotContain("lost precision");
        }
        WALL.put("spark: market data in micros", System.nanoTime() - t0);
    }

    @Test
    void sparkCannotReadAnIcebergTimestampNsColumn() {
        long t0 = System.nanoTime();
        // Iceberg 1.12's Spark 4.1 runtime has no Spark type for Iceberg's timestamptz_ns (format v3): such a table needs
        // micros (parquet.timestampUnit) to be read by Spark. The plain files can be read as longs (test above).
        assertThatThrownBy(() -> spark.table("parquetry.parquetry.market_data").count()).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("Cannot convert unsupported type to Spark: timestamptz_ns");
        WALL.put("spark: iceberg v3 timestamp_ns", System.nanoTime() - t0);
    }
}
