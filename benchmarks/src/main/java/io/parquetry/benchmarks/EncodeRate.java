package io.parquetry.benchmarks;

import io.parquetry.converter.parquet.BlackHoleOutputFile;
import io.parquetry.converter.parquet.Codec;
import io.parquetry.converter.parquet.ParquetOptions;
import io.parquetry.converter.parquet.ParquetPartFile;
import io.parquetry.converter.parquet.RowGroupEncoders;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Encoder-only rates on market-data records held in memory, written to a black-hole file: rows per second of wall time
 * and rows per CPU-second of the whole process (encoder threads, the appending thread, GC and JIT), for each setting,
 * encoder thread count and row group size, rounds interleaved.
 *
 * <pre>java ... io.parquetry.benchmarks.EncodeRate [--records 10000000] [--rounds 3] [--settings zstd:v2,snappy:v2]
 *     [--threads 1,2] [--row-groups 16MiB]</pre>
 * (the class path and flags as {@code bin/bench} builds them; docs/BENCHMARKS.md §4 has the command)
 */
public final class EncodeRate {

    private EncodeRate() {
    }

    public static void main(String[] args) throws Exception {
        int records = 10_000_000;
        int rounds = 3;
        String settings = "zstd:v2,snappy:v2,zstd:v1";
        String threads = "1,2";
        String rowGroups = "16MiB";
        for (int a = 0; a < args.length; a += 2) {
            switch (args[a]) {
                case "--records" -> records = Integer.parseInt(args[a + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[a + 1]);
                case "--settings" -> settings = args[a + 1];
                case "--threads" -> threads = args[a + 1];
                case "--row-groups" -> rowGroups = args[a + 1];
                default -> throw new IllegalArgumentException("unknown option: " + args[a]);
            }
        }
        if (records < 1 || records > 40_000_000 || rounds < 1 || rounds > 20) {
            throw new IllegalArgumentException("records must be 1..4e7 and rounds 1..20: records=" + records + ", rounds=" + rounds);
        }
        MarketRecords md = MarketRecords.generate(records);
        System.out.printf(Locale.ROOT, "%,d market-data records (%d B) in memory%n", records, md.schema.recordLength());
        System.out.printf(Locale.ROOT, "%-8s %5s %7s %9s %14s %16s %14s%n", "codec", "pages", "threads", "rowGroup", "rows/s", "rows/CPU-s",
                "bytes");
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (String rg : rowGroups.split(",")) {
                for (String setting : settings.split(",")) {
                    for (String t : threads.split(",")) {
                        String[] p = setting.split(":");
                        ParquetOptions o = ParquetOptions.builder().compression(codec(p[0])).pageV2(p[1].equals("v2")).rowGroupBytes(size(rg))
                                .dictionary(p.length < 3 || !p[2].equals("nodict")).build();
                        double[] r = run(md, o, Integer.parseInt(t));
                        results.computeIfAbsent(String.format(Locale.ROOT, "%-8s %5s %7s %9s", p[0], p[1], t, rg), k -> new ArrayList<>()).add(r);
                        System.out.printf(Locale.ROOT, "%-8s %5s %7s %9s %,14.0f %,16.0f %,14.0f%n", p[0], p[1], t, rg, records / r[0],
                                records / r[1], r[2]);
                    }
                }
            }
        }
        // The machine is shared: the median says what is typical, the best what the code can do when left alone.
        System.out.printf(Locale.ROOT, "%nsummary over %d rounds%n%-8s %5s %7s %9s %14s %14s %16s %16s %14s%n", rounds, "codec", "pages",
                "threads", "rowGroup", "median rows/s", "best rows/s", "median rows/CPU-s", "best rows/CPU-s", "bytes");
        double n = records;
        for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
            double[] wall = e.getValue().stream().mapToDouble(r -> n / r[0]).sorted().toArray();
            double[] cpu = e.getValue().stream().mapToDouble(r -> n / r[1]).sorted().toArray();
            System.out.printf(Locale.ROOT, "%s %,14.0f %,14.0f %,16.0f %,16.0f %,14.0f%n", e.getKey(), wall[wall.length / 2], wall[wall.length - 1],
                    cpu[cpu.length / 2], cpu[cpu.length - 1], e.getValue().get(0)[2]);
        }
    }

    /** Returns {wall seconds, process CPU seconds, file bytes}. */
    static double[] run(MarketRecords md, ParquetOptions o, int threads) throws Exception {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int len = md.schema.recordLength();
        try (RowGroupEncoders pool = new RowGroupEncoders(threads, "bench-encoder")) {
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            ParquetPartFile f = ParquetPartFile.create(md.schema, o, new BlackHoleOutputFile("black-hole"), pool);
            for (int i = 0; i < md.count; i += 4096) {
                f.append(md.records, i * len, Math.min(4096, md.count - i));
            }
            long bytes = f.end(Map.of());
            return new double[] {(System.nanoTime() - t0) / 1e9, (os.getProcessCpuTime() - cpu0) / 1e9, bytes};
        }
    }

    static Codec codec(String s) {
        Codec c = Codec.named(s);
        if (c == null) {
            throw new IllegalArgumentException(Codec.unknownRule() + ": codec=" + s);
        }
        return c;
    }

    static long size(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        long unit = t.endsWith("kib") ? 1L << 10 : t.endsWith("mib") ? 1L << 20 : t.endsWith("gib") ? 1L << 30 : 1;
        return Long.parseLong(t.replaceAll("[a-z]", "")) * unit;
    }
}
