package io.parquetry.sparkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs Parquetry the way an operator does, in child JVMs, so none of its classes share Spark's class path:
 * {@code bin/parquetry} from the source tree, and plain {@code java} on the class path bin/parquetry builds
 * (cli/target, cli/target/lib, iceberg/target, iceberg/target/lib).
 */
final class Launcher {

    /**
     * A local Spark session (2 threads, no UI, loopback, UTC) with Iceberg's catalog {@code parquetry} on the converter's
     * default JDBC catalog, the SQLite file {@code catalog}, and its warehouse under {@code dir}.
     */
    /** The type Spark gives column {@code column} of {@code df}. */
    static org.apache.spark.sql.types.DataType columnType(org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> df, String column) {
        for (org.apache.spark.sql.types.StructField f : df.schema().fields()) {
            if (f.name().equals(column)) {
                return f.dataType();
            }
        }
        throw new AssertionError("no column " + column + " in " + df.schema());
    }

    /** Deletes {@code dir} and everything under it, if it exists. */
    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    static org.apache.spark.sql.SparkSession spark(String appName, Path dir, Path catalog) {
        return org.apache.spark.sql.SparkSession.builder().master("local[2]").appName(appName)
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.warehouse.dir", dir.resolve("spark-warehouse").toString())
                .config("spark.sql.catalog.parquetry", "org.apache.iceberg.spark.SparkCatalog")
                .config("spark.sql.catalog.parquetry.type", "jdbc")
                .config("spark.sql.catalog.parquetry.uri", "jdbc:sqlite:" + catalog)
                .config("spark.sql.catalog.parquetry.jdbc.schema-version", "V1")
                .config("spark.sql.catalog.parquetry.warehouse", "file:" + dir.resolve("warehouse"))
                .getOrCreate();
    }

    private final Path root;

    Launcher() {
        this.root = Path.of(System.getProperty("parquetry.root", "..")).toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** {@code bin/parquetry args...}; returns its output, fails on a non-zero exit. */
    String parquetry(Path log, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(root.resolve("bin/parquetry").toString());
        cmd.addAll(Arrays.asList(args));
        return run(cmd, log, Map.of("PARQUETRY_HEAP", "-Xmx512m"));
    }

    /** {@code java <flags> -cp <launcher class path> mainOrSourceFile args...}. */
    String java(Path log, String mainOrSourceFile, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.addAll(jvmFlags());
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(mainOrSourceFile);
        cmd.addAll(Arrays.asList(args));
        return run(cmd, log, Map.of());
    }

    private List<String> jvmFlags() throws IOException {
        for (String line : Files.readAllLines(root.resolve("conf/jvm.properties"))) {
            if (line.startsWith("parquetry.jvm.flags=")) {
                return Arrays.asList(line.substring("parquetry.jvm.flags=".length()).trim().split("\\s+"));
            }
        }
        throw new IllegalStateException("no parquetry.jvm.flags in " + root.resolve("conf/jvm.properties"));
    }

    private String classPath() throws IOException {
        return jar("cli", "parquetry-cli-") + ":" + root.resolve("cli/target/lib") + "/*:" + jar("iceberg", "parquetry-iceberg-") + ":"
                + root.resolve("iceberg/target/lib") + "/*";
    }

    private String jar(String module, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(root.resolve(module).resolve("target"))) {
            return s.map(Path::toString).filter(p -> p.contains("/" + prefix) && p.endsWith(".jar") && !p.endsWith("-tests.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException(module + " is not packaged: run mvn package first"));
        }
    }

    private static String run(List<String> cmd, Path log, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> e = new HashMap<>(env);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().putAll(e);
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + cmd + "\n" + Files.readString(log));
        }
        String out = Files.readString(log);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("failed (exit " + p.exitValue() + "): " + cmd + "\n" + out);
        }
        return out;
    }

    /** key=value lines of a child's output. */
    static Map<String, String> keyValues(String out) {
        Map<String, String> m = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.contains(" ")) {
                m.put(line.substring(0, eq), line.substring(eq + 1).trim());
            }
        }
        return m;
    }
}
