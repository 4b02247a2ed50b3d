package io.parquetry.sparkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Spark reads a queue whose schema changed in place (docs/FORMAT.md §2.1), as an operator runs it with bin/parquetry: v1
 * recorded and converted into files and an Iceberg table, then v2 (a widened field, a renamed one, a new nullable string,
 * a new field with a default, a dropped one) recorded on the same queue and converted by the same source. Spark reads the
 * evolved table (old rows: the renamed column's values, nulls in the new columns) and the file dataset across versions
 * with {@code mergeSchema} (by name: a renamed field is two columns there).
 */
@Tag("slow")
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class SparkReadsEvolvedSchemaTest {

    static final String V1 = String.join("\n",
            "name: ticks",
            "version: 1",
            "fields:",
            "  - {name: seq, type: int64}",
            "  - {name: px, type: int32}",
            "  - {name: sym, type: char(8)}",
            "  - {name: lot, type: int16}",
            "");
    static final String V2 = String.join("\n",
            "name: ticks",
            "version: 2",
            "fields:",
            "  - {name: seq, type: int64}",
            "  - {name: px, type: int64}",
            "  - {name: ticker, type: char(8), was: sym}",
            "  - {name: venue, type: string(16), nullable: true}",
            "  - {name: tier, type: int32, default: 7}",
            "");
    static final int V1_ROWS = 20_000;
    static final int V2_ROWS = 10_000;

    private static Path tmp;
    private static SparkSession spark;

    @BeforeAll
    static void recordConvertChangeRecordConvert() throws Exception {
        tmp = Files.createTempDirectory("parquetry-spark-evolve");
        Launcher l = new Launcher();
        Files.writeString(tmp.resolve("v1.yaml"), V1);
        Files.writeString(tmp.resolve("v2.yaml"), V2);
        String[] convert = {"convert", "--queue", tmp.resolve("q").toString(), "--output", tmp.resolve("out").toString(), "--source", "evo",
            "--until-idle", "--table", "type=iceberg", "--table", "sqliteFile=" + tmp.resolve("catalog.sqlite"), "--table", "name=ticks"};
        l.parquetry(tmp.resolve("record-v1.log"), "record", "--schema", tmp.resolve("v1.yaml").toString(), "--queue", tmp.resolve("q").toString(),
                "--count", Integer.toString(V1_ROWS));
        l.parquetry(tmp.resolve("convert-v1.log"), convert);
        l.parquetry(tmp.resolve("record-v2.log"), "record", "--schema", tmp.resolve("v2.yaml").toString(), "--queue", tmp.resolve("q").toString(),
                "--count", Integer.toString(V2_ROWS));
        l.parquetry(tmp.resolve("convert-v2.log"), convert);
        spark = Launcher.spark("parquetry-spark-evolve", tmp, tmp.resolve("catalog.sqlite"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (spark != null) {
            spark.stop();
        }
        Launcher.deleteTree(tmp);
    }

    private static DataType type(Dataset<Row> df, String column) {
        return Launcher.columnType(df, column);
    }

    private static Row one(String sql) {
        return spark.sql(sql).collectAsList().get(0);
    }

    /** seq is the record number of each `record` run: 0..n-1 for v1, then again for v2. */
    private static long seqSum() {
        return (long) V1_ROWS * (V1_ROWS - 1) / 2 + (long) V2_ROWS * (V2_ROWS - 1) / 2;
    }

    @Test
    void sparkReadsTheEvolvedTableOldRowsWithTheirRenamedValuesAndNullsInNewColumns() {
        Dataset<Row> df = spark.table("parquetry.parquetry.ticks");
        df.createOrReplaceTempView("tbl");
        assertThat(type(df, "px")).isEqualTo(DataTypes.LongType);
        assertThat(type(df, "ticker")).isEqualTo(DataTypes.StringType);
        assertThat(type(df, "venue")).isEqualTo(DataTypes.StringType);
        assertThat(type(df, "tier")).isEqualTo(DataTypes.IntegerType);
        Row r = one("SELECT count(*), sum(seq), count(ticker), count(tier), count(px), count(lot) FROM tbl");
        assertThat(r.getLong(0)).isEqualTo(V1_ROWS + V2_ROWS);
        assertThat(r.getLong(1)).isEqualTo(seqSum());
        assertThat(r.getLong(2)).as("the renamed column: old rows keep their values, read by id").isEqualTo(V1_ROWS + V2_ROWS);
        assertThat(r.getLong(3)).as("a new column: null in old rows").isEqualTo(V2_ROWS);
        assertThat(r.getLong(4)).isEqualTo(V1_ROWS + V2_ROWS);
        assertThat(r.getLong(5)).as("the dropped field's column stays, optional: old rows keep their values").isEqualTo(V1_ROWS);
        Row history = one("SELECT count(*) FROM parquetry.parquetry.ticks.snapshots");
        assertThat(history.getLong(0)).isGreaterThanOrEqualTo(2);
    }

    /**
     * Spark's {@code mergeSchema} refuses a column whose type was widened (INT in old files, BIGINT in new ones); given the
     * newest files' schema and the old names, Spark reads every file, the old INT column as BIGINT (docs/TABLES.md).
     */
    @Test
    void sparkReadsTheFileDatasetAcrossVersionsWithTheNewestSchemaButMergeSchemaRefusesAWidenedColumn() throws Exception {
        String dir = tmp.resolve("out/ticks").toString();
        assertThatThrownBy(() -> spark.read().option("mergeSchema", "true").parquet(dir).count())
                .hasStackTraceContaining("CANNOT_MERGE_INCOMPATIBLE_DATA_TYPE");
        Path newest;
        try (Stream<Path> s = Files.walk(tmp.resolve("out/ticks"))) {
            newest = s.filter(p -> p.toString().endsWith(".parquet")).max(Comparator.naturalOrder()).orElseThrow(); // the highest first index
        }
        StructType schema = spark.read().parquet(newest.toString()).schema().add("sym", DataTypes.StringType).add("lot", DataTypes.ShortType);
        Dataset<Row> df = spark.read().schema(schema).parquet(dir);
        df.createOrReplaceTempView("files");
        Row r = one("SELECT count(*), sum(seq), count(sym), count(ticker), count(tier), count(lot), count(px), sum(px) FROM files");
        assertThat(r.getLong(0)).isEqualTo(V1_ROWS + V2_ROWS);
        assertThat(r.getLong(1)).isEqualTo(seqSum());
        assertThat(r.getLong(2)).as("by name, v1 files' column").isEqualTo(V1_ROWS);
        assertThat(r.getLong(3)).as("by name, v2 files' column").isEqualTo(V2_ROWS);
        assertThat(r.getLong(4)).isEqualTo(V2_ROWS);
        assertThat(r.getLong(5)).isEqualTo(V1_ROWS);
        assertThat(r.getLong(6)).as("px, INT in v1 files, read as BIGINT").isEqualTo(V1_ROWS + V2_ROWS);
        assertThat(type(df, "px")).isEqualTo(DataTypes.LongType);
        Row t = one("SELECT sum(px) FROM parquetry.parquetry.ticks");
        assertThat(r.getLong(7)).as("the same px values as the table").isEqualTo(t.getLong(0));
    }
}
