package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/SCALING.md's DuckDB compaction recipe, taken from the document and run on a converted partition: the dataset
 * then holds every row once, in one zstd file.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompactionRecipeTest {

    @TempDir
    Path dir;

    /** The recipe's blocks, from the document: the SQL and the two renames. */
    private static String block(String doc, String lang, String startsWith) {
        Matcher m = Pattern.compile("```" + lang + "\n(" + Pattern.quote(startsWith) + ".*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("docs/SCALING.md has a %s block starting with %s", lang, startsWith).isTrue();
        return m.group(1);
    }

    @Test
    void scalingRecipeCompactsAPartitionIntoOneZstdFileCountedOnce() throws Exception {
        int n = 5000;
        recordAllTypes(dir.resolve("queue"), 0, n);
        ConverterService.run(ConverterFixtures.config(dir, "rotation: {maxRows: 1000}\n"), true);
        Path dataset = dir.resolve("out/all_types");
        List<Path> before = Datasets.files(dataset, ".parquet");
        assertThat(before).hasSize(5);
        Path partition = before.get(0).getParent();
        String part = dataset.relativize(partition).toString();

        String doc = Files.readString(Path.of(System.getProperty("parquetry.root", "..")).resolve("docs/SCALING.md"));
        String datasetInDoc = "/data/datasets/market_data";
        String stagingInDoc = "/data/compaction/market_data";
        String partInDoc = "dt=2026-11-21/hour=09";
        String sql = block(doc, "sql", "-- compact one closed partition").replace(datasetInDoc, dataset.toString())
                .replace(stagingInDoc, dir.resolve("compaction/all_types").toString()).replace(partInDoc, part);
        Files.createDirectories(dir.resolve("compaction/all_types").resolve(part)); // DuckDB's COPY makes no directories
        try (Connection c = Datasets.duckdb(); Statement s = c.createStatement()) {
            String[] statements = sql.replaceAll("(?m)^--.*$", "").split(";");
            s.execute(statements[0]);
            try (ResultSet rs = s.executeQuery(statements[1])) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean("same_rows")).isTrue();
            }
        }
        for (String line : block(doc, "bash", "mv ").strip().split("\n")) {
            String[] mv = line.replace(datasetInDoc, dataset.toString()).replace(stagingInDoc, dir.resolve("compaction/all_types").toString())
                    .replace(partInDoc, part).split(" ");
            assertThat(mv).hasSize(3);
            Files.move(Path.of(mv[1]), Path.of(mv[2]));
        }

        List<Path> after = Datasets.files(dataset, ".parquet");
        assertThat(after).singleElement().satisfies(p -> assertThat(p.getFileName().toString()).isEqualTo("part-compacted-0.parquet"));
        ConverterFixtures.assertExactlyOnce(dataset, n);
        assertThat(Datasets.queryLong("SELECT count(*) FROM parquet_metadata('" + after.get(0) + "') WHERE compression <> 'ZSTD'")).isZero();
        // dt and hour stay out of the file: they come from the path.
        assertThat(Datasets.queryLong("SELECT count(*) FROM parquet_schema('" + after.get(0) + "') WHERE name IN ('dt', 'hour')")).isZero();
    }
}
