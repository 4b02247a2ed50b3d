package io.parquetry.benchmarks;

import io.parquetry.converter.parquet.ParquetOptions;
import io.parquetry.converter.parquet.ParquetPartFile;
import io.parquetry.converter.parquet.RowGroupEncoders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import org.apache.parquet.io.LocalOutputFile;

/**
 * How the row group size trades encoding speed against DuckDB's read speed: market-data records are encoded into one
 * file per row group size (rows/s of the encoder, with its threads), then DuckDB runs three queries on each file at
 * threads=1 and threads=2 (best of the rounds): every column aggregated, a group-by over three columns, and a 1% time
 * range (where row-group statistics prune).
 *
 * <pre>java ... io.parquetry.benchmarks.RowGroupReadBenchmark [--records 10000000] [--rounds 3] [--sizes 8MiB,16MiB,32MiB,64MiB]
 *     [--threads 2]</pre>
 * (the class path and flags as {@code bin/bench} builds them; docs/BENCHMARKS.md §4 has the command)
 */
public final class RowGroupReadBenchmark {

    private static final String[] QUERIES = {
        "SELECT count(*), sum(order_id), max(timestamp_ns), sum(side), sum(price), sum(quantity), sum(order_type), sum(exchange),"
            + " count(symbol) FROM read_parquet('%s')",
        "SELECT symbol, sum(quantity), avg(price) FROM read_parquet('%s') GROUP BY symbol",
        "SELECT count(*), avg(price) FROM read_parquet('%s') WHERE timestamp_ns BETWEEN make_timestamp_ns(%d)::TIMESTAMPTZ_NS"
            + " AND make_timestamp_ns(%d)::TIMESTAMPTZ_NS"};
    private static final String[] NAMES = {"all columns", "group by", "1% range"};

    private RowGroupReadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = 10_000_000;
        int rounds = 3;
        String sizes = "8MiB,16MiB,32MiB,64MiB";
        int threads = 2;
        for (int a = 0; a < args.length; a += 2) {
            switch (args[a]) {
                case "--records" -> records = Integer.parseInt(args[a + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[a + 1]);
                case "--sizes" -> sizes = args[a + 1];
                case "--threads" -> threads = Integer.parseInt(args[a + 1]);
                default -> throw new IllegalArgumentException("unknown option: " + args[a]);
            }
        }
        MarketRecords md = MarketRecords.generate(records);
        Path work = BenchQueues.create("bench-row-groups");
        try {
            String[] list = sizes.split(",");
            Path[] files = new Path[list.length];
            System.out.printf(Locale.ROOT, "%,d market-data records; encoder threads %d%n", records, threads);
            for (int s = 0; s < list.length; s++) {
                files[s] = work.resolve("rg-" + list[s] + ".parquet");
                ParquetOptions o = ParquetOptions.builder().rowGroupBytes(EncodeRate.size(list[s])).build();
                double best = Double.MAX_VALUE;
                for (int round = 0; round < rounds; round++) {
                    Files.deleteIfExists(files[s]);
                    try (RowGroupEncoders pool = new RowGroupEncoders(threads, "bench-encoder")) {
                        long t0 = System.nanoTime();
                        ParquetPartFile f = ParquetPartFile.create(md.schema, o, new LocalOutputFile(files[s]), pool);
                        f.append(md.records, 0, md.count);
                        f.end(Map.of());
                        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                    }
                }
                System.out.printf(Locale.ROOT, "row group %-7s encode+write %,12.0f rows/s (best of %d), file %,d B%n", list[s], records / best,
                        rounds, Files.size(files[s]));
            }
            long start = 1_763_700_000_000_000_000L;
            long from = start + records / 2 * 1000L;
            long to = from + records / 100 * 1000L;
            System.out.printf(Locale.ROOT, "%-9s %-12s %8s %14s%n", "rowGroup", "query", "threads", "rows/s (best)");
            for (int q = 0; q < QUERIES.length; q++) {
                for (int t = 1; t <= 2; t++) {
                    for (int s = 0; s < list.length; s++) {
                        String sql = String.format(Locale.ROOT, QUERIES[q], files[s], from, to);
                        double best = Double.MAX_VALUE;
                        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
                            st.execute("SET threads=" + t);
                            for (int round = 0; round < rounds + 1; round++) {
                                long t0 = System.nanoTime();
                                try (ResultSet rs = st.executeQuery(sql)) {
                                    while (rs.next()) {
                                        rs.getObject(1);
                                    }
                                }
                                if (round > 0) { // the first run warms the OS cache
                                    best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                                }
                            }
                        }
                        System.out.printf(Locale.ROOT, "%-9s %-12s %8d %,14.0f%n", list[s], NAMES[q], t, records / best);
                    }
                }
            }
        } finally {
            BenchQueues.delete(work);
        }
    }
}
