package io.parquetry.benchmarks;

import io.parquetry.cli.SyntheticSource;
import io.parquetry.converter.ConversionResult;
import io.parquetry.converter.ConverterConfig;
import io.parquetry.converter.ConverterService;
import io.parquetry.recorder.MarketData;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * End-to-end conversion benchmark: N market-data records are recorded once; then, per setting, the converter drains the
 * queue into a fresh dataset ({@code --until-idle}, commit included) and DuckDB writes the same rows, from an in-memory
 * table, with {@code COPY ... (FORMAT parquet)} at {@code threads=1}. Rates and sizes are printed side by side, with the
 * converter's rate as a ratio of DuckDB's in the same run.
 *
 * <pre>bin/bench convert [--records 10000000] [--rounds 2] [--settings zstd:v2,zstd:v1,snappy:v2,snappy:v1,zstd:v2:nodict]</pre>
 */
public final class ConvertBenchmark {

    private ConvertBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long records = 10_000_000;
        int rounds = 2;
        String settings = "zstd:v2,zstd:v1,snappy:v2,snappy:v1";
        for (int a = 0; a < args.length; a += 2) {
            switch (args[a]) {
                case "--records" -> records = Long.parseLong(args[a + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[a + 1]);
                case "--settings" -> settings = args[a + 1];
                default -> throw new IllegalArgumentException("unknown option: " + args[a]);
            }
        }
        if (records < 1 || records > 100_000_000 || rounds < 1 || rounds > 10) {
            throw new IllegalArgumentException("records must be 1..1e8 and rounds 1..10: records=" + records + ", rounds=" + rounds);
        }
        Path work = BenchQueues.create("bench-convert");
        try {
            Path queue = work.resolve("queue");
            MarketData md = new MarketData();
            SyntheticSource source = new SyntheticSource(md.schema, 1); // the values `parquetry record` and the demo write
            long t0 = System.nanoTime();
            try (Recorder r = Recorder.open(queue, md.schema, RecorderOptions.defaults()); RecordWriter w = r.newWriter()) {
                for (long i = 0; i < records; i++) {
                    source.write(w, i);
                }
            }
            System.out.printf(Locale.ROOT, "recorded %,d synthetic market-data records (52 B) in %.2f s%n", records,
                    (System.nanoTime() - t0) / 1e9);
            System.out.printf(Locale.ROOT, "%-10s %5s %14s %14s %8s %14s %14s%n", "codec", "pages", "converter r/s", "duckdb r/s", "ratio",
                    "converter B", "duckdb B");
            List<String> lines = new ArrayList<>();
            for (String setting : settings.split(",")) {
                String[] parts = setting.split(":");
                String codec = parts[0];
                String pages = parts[1];
                boolean dictionary = parts.length < 3 || !parts[2].equals("nodict");
                for (int round = 0; round < rounds; round++) {
                    String tag = codec + "-" + pages + (dictionary ? "" : "-nodict") + "-" + round;
                    Path out = work.resolve("out-" + tag);
                    Path cfgFile = work.resolve("c.yaml");
                    Files.writeString(cfgFile, "queue: " + queue + "\noutput: " + out + "\nsource: bench\nstateDir: " + work.resolve("state-"
                            + tag) + "\nparquet: {compression: " + codec + ", pageVersion: " + pages + ", dictionary: " + dictionary + "}\n"
                            + "rotation: {maxRows: 100000000, maxBytes: 8GiB}\n");
                    ConverterConfig cfg = ConverterConfig.load(cfgFile, ConverterConfig.Overrides.none());
                    long s = System.nanoTime();
                    ConversionResult c = ConverterService.run(cfg, true);
                    double convSecs = (System.nanoTime() - s) / 1e9;
                    if (c.rowsWritten() != records) {
                        throw new IllegalStateException("converted " + c.rowsWritten() + " of " + records);
                    }
                    long convBytes = du(out);
                    double[] duck = duckdb(out, work.resolve("duck-" + tag + ".parquet"), codec, pages);
                    String label = codec + (dictionary ? "" : "/nodict");
                    String line = String.format(Locale.ROOT, "%-10s %5s %,14.0f %,14.0f %8.2f %,14d %,14.0f", label, pages, records / convSecs,
                            records / duck[0], (records / convSecs) / (records / duck[0]), convBytes, duck[1]);
                    System.out.println(line);
                    lines.add(line);
                    BenchQueues.delete(out);
                }
            }
        } finally {
            BenchQueues.delete(work);
        }
    }

    /** Loads the converter's output into memory (untimed), then times DuckDB writing it; returns {seconds, bytes}. */
    private static double[] duckdb(Path dataset, Path target, String codec, String pages) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET threads=1");
            st.execute("SET preserve_insertion_order=true");
            st.execute("CREATE TABLE t AS SELECT * FROM read_parquet('" + dataset + "/**/*.parquet')");
            String v = pages.equals("v2") ? ", PARQUET_VERSION v2" : "";
            long s = System.nanoTime();
            st.execute("COPY t TO '" + target + "' (FORMAT parquet, COMPRESSION " + codec + v + ")");
            double secs = (System.nanoTime() - s) / 1e9;
            long bytes = Files.size(target);
            Files.delete(target);
            return new double[] {secs, bytes};
        }
    }

    private static long du(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".parquet")).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
