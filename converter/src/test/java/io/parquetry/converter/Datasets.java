package io.parquetry.converter;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.output.FooterKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/** Reads converted datasets back, independently: DuckDB over JDBC, and parquet-hadoop for footers. */
public final class Datasets {

    private Datasets() {
    }

    public static Connection duckdb() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = c.createStatement()) {
            s.execute("SET threads=1");
            s.execute("SET memory_limit='512MB'");
            s.execute("SET autoinstall_known_extensions=false");
            s.execute("SET autoload_known_extensions=false");
        }
        return c;
    }

    /** DuckDB's read_parquet over every committed file of a dataset directory. */
    public static String scan(Path datasetDir) {
        return "read_parquet('" + datasetDir.toAbsolutePath() + "/**/*.parquet', hive_partitioning=false)";
    }

    public static long queryLong(String sql) {
        try (Connection c = duckdb(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB query failed: " + sql, e);
        }
    }

    /** The first column of the only row {@code sql} returns, as a string (null for SQL NULL). */
    public static String queryString(String sql) {
        try (Connection c = duckdb(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from " + sql).isTrue();
            String v = rs.getString(1);
            assertThat(rs.next()).as("one row from " + sql).isFalse();
            return v;
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB query failed: " + sql, e);
        }
    }

    /**
     * Every file under a directory whose name ends with the suffix. A directory a live converter writes into changes while
     * it is walked (an in-progress file renamed or deleted under the walk): the walk is then taken again.
     */
    public static List<Path> files(Path dir, String suffix) {
        for (int attempt = 1; ; attempt++) {
            if (!Files.exists(dir)) {
                return List.of();
            }
            try (Stream<Path> s = Files.walk(dir)) {
                return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
            } catch (java.nio.file.NoSuchFileException e) {
                if (attempt == 100) {
                    throw new UncheckedIOException(e);
                }
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 100) {
                    throw e;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static Map<String, String> footer(Path file) {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()),
                new Configuration()), ParquetReadOptions.builder().build())) {
            return r.getFooter().getFileMetaData().getKeyValueMetaData();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static long parquetRowCount(Path file) {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()),
                new Configuration()), ParquetReadOptions.builder().build())) {
            return r.getRecordCount();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last record's checksum in the footer of the {@code n}-th file by first index. */
    public static long lastRecordChecksum(Path datasetDir, int n) {
        List<Map<String, String>> footers = new ArrayList<>();
        for (Path f : files(datasetDir, ".parquet")) {
            footers.add(footer(f));
        }
        footers.sort((a, b) -> Long.compare(Long.parseLong(a.get(FooterKeys.FIRST_INDEX)), Long.parseLong(b.get(FooterKeys.FIRST_INDEX))));
        return FooterKeys.checksum(footers.get(n), FooterKeys.LAST_RECORD_CRC32C);
    }

    /** Footers' index ranges sorted by first index, each {first, last, count}. */
    public static List<long[]> ranges(Path datasetDir) {
        List<long[]> out = new ArrayList<>();
        for (Path f : files(datasetDir, ".parquet")) {
            Map<String, String> kv = footer(f);
            out.add(new long[] {Long.parseLong(kv.get(FooterKeys.FIRST_INDEX)), Long.parseLong(kv.get(FooterKeys.LAST_INDEX)),
                Long.parseLong(kv.get(FooterKeys.RECORD_COUNT))});
        }
        out.sort((a, b) -> Long.compare(a[0], b[0]));
        return out;
    }
}
