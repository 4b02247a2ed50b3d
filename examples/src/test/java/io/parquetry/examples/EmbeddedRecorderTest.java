package io.parquetry.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.ConversionResult;
import io.parquetry.converter.ConverterConfig;
import io.parquetry.converter.ConverterService;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example application in its own JVM, as a user runs it: with the flags of conf/jvm.properties it records, and the
 * converter turns every record into Parquet once (counted by DuckDB); without them Chronicle cannot map the queue.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EmbeddedRecorderTest {

    private static final Path ROOT = Path.of(System.getProperty("parquetry.root", ".."));

    @TempDir
    Path dir;

    /** The flags an application needs, from their single source. */
    private static List<String> flags() throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(ROOT.resolve("conf/jvm.properties"))) {
            p.load(r);
        }
        List<String> out = new ArrayList<>(Arrays.asList(p.getProperty("parquetry.jvm.flags").trim().split("\\s+")));
        if (Runtime.version().feature() >= 22) {
            out.addAll(Arrays.asList(p.getProperty("parquetry.jvm.flags.java22").trim().split("\\s+")));
        }
        return out;
    }

    private record Run(int code, String out) {
    }

    private Run application(List<String> jvmFlags, Path queue, long count) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-Duser.home=" + dir, "-cp", System.getProperty("java.class.path"), EmbeddedRecorder.class.getName(),
                ROOT.resolve("conf/schemas/market-data.yaml").toString(), queue.toString(), Long.toString(count)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void recordsWithTheFlagsAndEveryRecordIsConvertedOnce() throws Exception {
        Path queue = dir.resolve("queue");
        Run run = application(flags(), queue, 100_000);
        assertThat(run.code()).as(run.out()).isZero();
        assertThat(run.out()).contains("appended 100000 records, refused 0");

        ConversionResult c = ConverterService.run(ConverterConfig.fromOverrides(new ConverterConfig.Overrides(queue, dir.resolve("out").toString(),
                null, "example", null, null)), true);
        assertThat(c.rowsWritten()).isEqualTo(100_000);
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT order_id), min(order_id), max(order_id) FROM read_parquet('"
                        + dir.resolve("out/market_data") + "/**/*.parquet')")) {
            assertThat(rs.next()).isTrue();
            assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))).containsExactly(100_000L, 100_000L, 0L, 99_999L);
        }
    }

    @Test
    void withoutTheFlagsChronicleCannotMapTheQueue() throws Exception {
        // Only the flags that keep Chronicle off the network and out of the home directory; none of the access flags.
        Run run = application(List.of("-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true"), dir.resolve("queue"), 10);
        assertThat(run.code()).as(run.out()).isNotZero();
        assertThat(run.out()).containsAnyOf("IllegalAccessException", "InaccessibleObjectException", "IllegalAccessError");
    }
}
