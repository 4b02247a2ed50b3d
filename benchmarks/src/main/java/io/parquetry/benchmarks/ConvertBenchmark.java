package io.parquetry.benchmarks;

import io.parquetry.cli.SyntheticSource;
import io.parquetry.converter.ConversionResult;
import io.parquetry.converter.ConverterConfig;
import io.parquetry.converter.ConverterService;
import io.parquetry.queue.CycleFileDescriptor;
import io.parquetry.queue.ExcerptFormat;
import io.parquetry.reader.QueueReader;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.schema.Schema;
import io.parquetry.testing.MarketData;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * End-to-end conversion benchmark: N market-data records are recorded once; then, per setting and round, the converter
 * drains the queue into a fresh dataset ({@code --until-idle}: start-up, recovery, encoding and the durable commit, fsync
 * of file, directory and checkpoint included; the queue's own pages are written to disk before, untimed, so the
 * converter's fsync does not wait for the recording's write-back, and read once, untimed, so that they are in memory
 * like DuckDB's input) and DuckDB writes the same rows, from an
 * in-memory table, with {@code COPY ... (FORMAT parquet)} at {@code threads=1} and at {@code threads=2} (their order
 * alternating between rounds). Each line gives rows per second of wall time, rows per CPU-second of the process (DuckDB
 * runs in-process, so its native threads count too), and file sizes; the summary gives medians and the converter's
 * rate as a ratio of each DuckDB rate. DuckDB's {@code COPY} does not fsync its file. The machine is shared: treat one
 * run's figures as indicative.
 *
 * The first {@code --warmup} rounds (default 5, at most 10) run everything but are left out of the medians: they pay
 * for the JIT compilation of the converter's code in this JVM, once in a service's life, which DuckDB's native code does
 * not. Five because a conversion of 10 M records lasts about 0.4 s, and the JIT compiles the methods called once a row
 * group or a page with C2 only after several hundred calls: the converter's rate rises over the first four conversions
 * of a JVM and is flat from the fifth on (docs/BENCHMARKS.md §3 gives the rates of ten conversions in a row).
 *
 * <p>{@code --schema conf/schemas/app-log.yaml} converts records of another schema, with the synthetic values of
 * {@code parquetry record}; for a schema with string/binary fields it also prints the queue's bytes per record against
 * the same schema with each {@code string(N)}/{@code binary(N)} laid out as a fixed {@code char(N)}/{@code bytes(N)}.
 *
 * <pre>bin/bench convert [--records 10000000] [--rounds 3] [--warmup 5] [--schema conf/schemas/market-data.yaml]
 *     [--settings zstd:v2,zstd:v1,snappy:v2,snappy:v1,zstd:v2:nodict,zstd:v2:encoderThreads=1]
 * [--duckdb false]</pre> ({@code --duckdb false}: the converter alone, for a profiler; no ratios)
 */
public final class ConvertBenchmark {

    private ConvertBenchmark() {
    }

    /** One measured write: wall seconds, process CPU seconds, bytes written. */
    private record Run(double seconds, double cpuSeconds, long bytes) {
    }

    public static void main(String[] args) throws Exception {
        long records = 10_000_000;
        int rounds = 3;
        int warmup = 5;
        String settings = "zstd:v2,zstd:v1,snappy:v2,snappy:v1";
        boolean withDuckdb = true;
        Path schemaFile = null;
        for (int a = 0; a < args.length; a += 2) {
            switch (args[a]) {
                case "--schema" -> schemaFile = Path.of(args[a + 1]);
                case "--records" -> records = Long.parseLong(args[a + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[a + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[a + 1]);
                case "--settings" -> settings = args[a + 1];
                case "--duckdb" -> withDuckdb = Boolean.parseBoolean(args[a + 1]);
                default -> throw new IllegalArgumentException("unknown option: " + args[a]);
            }
        }
        if (records < 1 || records > 100_000_000 || rounds < 1 || rounds > 10 || warmup < 0 || warmup > 10) {
            throw new IllegalArgumentException("records must be 1..1e8, rounds 1..10 and warmup 0..10: records=" + records + ", rounds=" + rounds
                    + ", warmup=" + warmup);
        }
        Path work = BenchQueues.create("bench-convert");
        try {
            Path queue = work.resolve("queue");
            Schema schema = schemaFile == null ? new MarketData().schema : Schema.load(schemaFile);
            SyntheticSource source = new SyntheticSource(schema, 1); // the values `parquetry record` and the demo write
            long t0 = System.nanoTime();
            try (Recorder r = Recorder.open(queue, schema, RecorderOptions.defaults()); RecordWriter w = r.newWriter()) {
                for (long i = 0; i < records; i++) {
                    source.write(w, i);
                }
            }
            System.out.printf(Locale.ROOT, "recorded %,d synthetic %s records in %.2f s%n", records, schema.identity(),
                    (System.nanoTime() - t0) / 1e9);
            if (schema.variable()) {
                queueBytes(queue, schema, records);
            }
            System.out.printf(Locale.ROOT, "%-10s %5s %5s %12s %12s %12s %12s %12s %12s %12s %12s %12s%n", "codec", "pages", "round",
                    "conv r/s", "conv r/CPUs", "duck1 r/s", "duck1 r/CPUs", "duck2 r/s", "duck2 r/CPUs", "conv B", "duck1 B", "duck2 B");
            Map<String, List<Run[]>> results = new LinkedHashMap<>();
            for (int round = 0; round < warmup + rounds; round++) {
                boolean measured = round >= warmup;
                for (String setting : settings.split(",")) {
                    String[] parts = setting.split(":");
                    String codec = parts[0];
                    String pages = parts[1];
                    boolean dictionary = true;
                    StringBuilder extra = new StringBuilder(); // further parquet keys: zstd:v2:encoderThreads=1
                    StringBuilder hadoop = new StringBuilder(); // Hadoop properties: zstd:v2:hadoop.fs.file.impl=...
                    for (int p = 2; p < parts.length; p++) {
                        if (parts[p].equals("nodict")) {
                            dictionary = false;
                        } else if (parts[p].matches("hadoop\\.[\\w.-]+=[\\w.$-]+")) {
                            String[] kv = parts[p].substring("hadoop.".length()).split("=", 2);
                            hadoop.append(hadoop.length() == 0 ? "" : ", ").append('"').append(kv[0]).append("\": \"").append(kv[1]).append('"');
                        } else if (parts[p].matches("\\w+=[\\w.]+")) {
                            extra.append(", ").append(parts[p].replace("=", ": "));
                        } else {
                            throw new IllegalArgumentException("setting part is neither nodict nor key=value: " + parts[p] + " in " + setting);
                        }
                    }
                    String label = codec + (parts.length > 2 ? ":" + String.join(":", java.util.Arrays.copyOfRange(parts, 2, parts.length)) : "");
                    String tag = setting.replaceAll("[^\\w]", "-") + "-" + round;
                    Path out = work.resolve("out-" + tag);
                    Path cfgFile = work.resolve("c.yaml");
                    Files.writeString(cfgFile, "queue: " + queue + "\noutput: " + out + "\nsource: bench\nstateDir: " + work.resolve("state-"
                            + tag) + "\nparquet: {compression: " + codec + ", pageVersion: " + pages + ", dictionary: " + dictionary + extra + "}\n"
                            + "rotation: {maxRows: 100000000, maxBytes: 8GiB}\n" + (hadoop.length() == 0 ? "" : "hadoop: {" + hadoop + "}\n"));
                    ConverterConfig cfg = ConverterConfig.load(cfgFile, ConverterConfig.Overrides.none());
                    BenchQueues.settle(queue); // the queue's write-back would compete with the converter's fsync
                    BenchQueues.warm(queue); // as DuckDB's in-memory table is in memory (BenchQueues.warm says why)
                    double cpu0 = cpuSeconds();
                    long s = System.nanoTime();
                    ConversionResult c = ConverterService.run(cfg, true);
                    Run conv = new Run((System.nanoTime() - s) / 1e9, cpuSeconds() - cpu0, du(out));
                    if (c.rowsWritten() != records) {
                        throw new IllegalStateException("converted " + c.rowsWritten() + " of " + records);
                    }
                    // Alternate which DuckDB setting goes first, so neither always meets a warmer or cooler machine.
                    Run duck1;
                    Run duck2;
                    if (!withDuckdb) { // converter only, e.g. under a profiler: the ratios are then meaningless
                        duck1 = new Run(Double.NaN, Double.NaN, 0);
                        duck2 = duck1;
                    } else if (round % 2 == 0) {
                        duck1 = duckdb(out, work.resolve("duck-" + tag + ".parquet"), codec, pages, 1);
                        duck2 = duckdb(out, work.resolve("duck-" + tag + ".parquet"), codec, pages, 2);
                    } else {
                        duck2 = duckdb(out, work.resolve("duck-" + tag + ".parquet"), codec, pages, 2);
                        duck1 = duckdb(out, work.resolve("duck-" + tag + ".parquet"), codec, pages, 1);
                    }
                    if (measured) {
                        results.computeIfAbsent(String.format(Locale.ROOT, "%-10s %5s", label, pages), k -> new ArrayList<>())
                                .add(new Run[] {conv, duck1, duck2});
                    }
                    System.out.printf(Locale.ROOT, "%-10s %5s %5s %,12.0f %,12.0f %,12.0f %,12.0f %,12.0f %,12.0f %,12d %,12d %,12d%n", label, pages,
                            measured ? Integer.toString(round - warmup) : "warm", records / conv.seconds, records / conv.cpuSeconds,
                            records / duck1.seconds, records / duck1.cpuSeconds, records / duck2.seconds, records / duck2.cpuSeconds, conv.bytes,
                            duck1.bytes, duck2.bytes);
                    BenchQueues.delete(out);
                }
            }
            System.out.printf(Locale.ROOT, "%nmedians over %d rounds%n%-10s %5s %12s %12s %12s %9s %9s %12s %12s %12s%n", rounds, "codec", "pages",
                    "conv r/s", "duck1 r/s", "duck2 r/s", "x duck1", "x duck2", "conv r/CPUs", "duck1 r/CPUs", "duck2 r/CPUs");
            for (Map.Entry<String, List<Run[]>> e : results.entrySet()) {
                double conv = median(e.getValue(), 0, records, false);
                double d1 = median(e.getValue(), 1, records, false);
                double d2 = median(e.getValue(), 2, records, false);
                System.out.printf(Locale.ROOT, "%s %,12.0f %,12.0f %,12.0f %9.2f %9.2f %,12.0f %,12.0f %,12.0f%n", e.getKey(), conv, d1, d2, conv / d1,
                        conv / d2, median(e.getValue(), 0, records, true), median(e.getValue(), 1, records, true),
                        median(e.getValue(), 2, records, true));
            }
        } finally {
            BenchQueues.delete(work);
        }
    }

    /**
     * The queue's bytes per record (excerpt header, record, checksum and padding, as the cycle files hold them) against the
     * same schema with every variable field laid out fixed at its bound.
     */
    private static void queueBytes(Path queue, Schema schema, long records) {
        long[] bytes = {0};
        long[] n = {0};
        try (QueueReader r = QueueReader.open(queue)) {
            r.toStart();
            while (r.read((index, rec) -> {
                bytes[0] += CycleFileDescriptor.nextHeaderAfter(0, rec.length());
                n[0]++;
            }, 65536) > 0) {
                // read all
            }
        }
        long fixedRecord = schema.fixedLength();
        for (io.parquetry.schema.Field f : schema.variableFields()) {
            fixedRecord += f.maxLength() - f.length();
        }
        long fixedExcerpt = CycleFileDescriptor.nextHeaderAfter(0, fixedRecord + ExcerptFormat.SCHEMA_VERSION_LENGTH + ExcerptFormat.CHECKSUM_LENGTH);
        double perRecord = (double) bytes[0] / n[0];
        System.out.printf(Locale.ROOT, "queue bytes per record: %.1f (header, record, schema version, checksum, padding) over %,d records; fixed-width "
                + "equivalent (each string(N)/binary(N) as char(N)/bytes(N)): %,d, %.1fx more%n", perRecord, n[0], fixedExcerpt,
                fixedExcerpt / perRecord);
        if (n[0] != records) {
            throw new IllegalStateException("read " + n[0] + " of " + records + " records back");
        }
    }

    private static double median(List<Run[]> runs, int which, long records, boolean cpu) {
        double[] rates = runs.stream().mapToDouble(r -> records / (cpu ? r[which].cpuSeconds : r[which].seconds)).sorted().toArray();
        return rates[rates.length / 2];
    }

    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /** Loads the converter's output into memory (untimed), then times DuckDB writing it with {@code threads} threads. */
    private static Run duckdb(Path dataset, Path target, String codec, String pages, int threads) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET threads=" + threads);
            st.execute("SET preserve_insertion_order=true");
            st.execute("CREATE TABLE t AS SELECT * FROM read_parquet('" + dataset + "/**/*.parquet')");
            String v = pages.equals("v2") ? ", PARQUET_VERSION v2" : "";
            double cpu0 = cpuSeconds();
            long s = System.nanoTime();
            st.execute("COPY t TO '" + target + "' (FORMAT parquet, COMPRESSION " + codec + v + ")");
            Run run = new Run((System.nanoTime() - s) / 1e9, cpuSeconds() - cpu0, Files.size(target));
            Files.delete(target);
            return run;
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
