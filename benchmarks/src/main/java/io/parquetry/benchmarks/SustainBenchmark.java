package io.parquetry.benchmarks;

import io.parquetry.cli.SyntheticSource;
import io.parquetry.reader.QueueReader;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.status.ConverterState;
import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusSnapshot;
import io.parquetry.testing.MarketData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The whole pipeline at a fixed offered rate: one recorder thread in this JVM appends market-data records (the values
 * {@code parquetry record} writes) at each rate for a fixed time, while a converter runs as a process of its own
 * ({@code bin/parquetry convert}, rotation.maxAge 1 s). Every {@code --sample-ms} this samples what was appended
 * (the recorder's count) and what was committed (the converter's status file), and derives the lag in records and in
 * seconds: how long ago the oldest record not yet in a committed file was appended. A rate is sustained when the lag
 * stays bounded: it does not grow over the run's second half, and the converter drains the backlog soon after the
 * producer stops.
 *
 * <pre>bin/bench sustain [--rates 1000000,2000000,4000000] [--seconds 60] [--max-age 1s] [--sample-ms 250] [--png FILE]</pre>
 */
public final class SustainBenchmark {

    /**
     * Niceness of the converter process ({@code -Dbench.converterNice}, default 0, as the shipped unit runs it). At 4 M/s
     * on two cores, 10 let the producer offer 3.98-4.00 M/s instead of 3.84-3.87 M/s, for a converter lag p99 of
     * 2.2-3.4 s instead of 1.2 s (docs/BENCHMARKS.md).
     */
    private static final int NICE = Integer.getInteger("bench.converterNice", 0);
    /** How far behind its schedule the producer may fall and still have kept up. */
    /** Further converter settings under {@code parquet:} ({@code -Dbench.converterParquet="encoderThreads: 1"}), default none. */
    private static final String PARQUET = System.getProperty("bench.converterParquet", "");

    private SustainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        long[] rates = {1_000_000, 2_000_000, 4_000_000};
        int seconds = 60;
        String maxAge = "1s";
        int sampleMs = 250;
        Path png = null;
        for (int a = 0; a < args.length; a += 2) {
            switch (args[a]) {
                case "--rates" -> rates = Arrays.stream(args[a + 1].split(",")).mapToLong(Long::parseLong).toArray();
                case "--seconds" -> seconds = Integer.parseInt(args[a + 1]);
                case "--max-age" -> maxAge = args[a + 1];
                case "--sample-ms" -> sampleMs = Integer.parseInt(args[a + 1]);
                case "--png" -> png = Path.of(args[a + 1]);
                default -> throw new IllegalArgumentException("unknown option: " + args[a]);
            }
        }
        if (seconds < 5 || seconds > 600 || sampleMs < 20 || Arrays.stream(rates).anyMatch(r -> r < 1_000 || r > 20_000_000)) {
            throw new IllegalArgumentException("seconds must be 5..600, sample-ms at least 20, rates 1e3..2e7");
        }
        MarketTable table = MarketTable.build(1 << 20);
        List<SustainResult> results = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%12s %12s %9s %9s %9s %9s %14s %11s %8s %8s%n", "rate", "offered/s", "lag p50", "lag p99", "lag max",
                "drain s", "lag slope r/s", "behind ms", "kept up", "bounded");
        for (long rate : rates) {
            SustainResult r = run(rate, seconds, maxAge, sampleMs, table);
            results.add(r);
            System.out.printf(Locale.ROOT, "%,12d %,12.0f %8.2fs %8.2fs %8.2fs %9.1f %,14.0f %,11.0f %8s %8s%n", rate, r.offered(),
                    r.percentile(0.5), r.percentile(0.99), r.percentile(1.0), r.drainSeconds(), r.slope(), r.behindMaxMs(),
                    r.producerKeptUp() ? "yes" : "NO",
                    r.bounded() ? "yes" : "NO");
        }
        // Two questions, answered apart: does the converter keep up (bounded lag), and did the producer keep its schedule
        // (a shared two-core machine may not give it the CPU; then it appends behind schedule and the rate tried is not
        // the rate offered: the appended rate is printed beside it).
        SustainResult best = results.stream().filter(SustainResult::bounded).max(java.util.Comparator.comparingDouble(SustainResult::offered)).orElse(null);
        System.out.printf(Locale.ROOT, "highest rate with bounded lag: %s%n",
                best == null ? "none" : String.format(Locale.ROOT, "%,.0f records/s appended (%,d tried)", best.offered(), best.rate()));
        long kept = results.stream().filter(SustainResult::producerKeptUp).mapToLong(SustainResult::rate).max().orElse(0);
        System.out.printf(Locale.ROOT, "highest rate the producer kept to its schedule (never %d ms behind): %s%n", SustainResult.KEPT_UP_MS,
                kept == 0 ? "none" : String.format(Locale.ROOT, "%,d records/s", kept));
        if (png != null) {
            SustainChart.write(png, results);
            System.out.println("chart: " + png);
        }
    }

    private static SustainResult run(long rate, int seconds, String maxAge, int sampleMs, MarketTable table) throws Exception {
        Path work = BenchQueues.create("bench-sustain");
        Process converter = null;
        try {
            Path queue = work.resolve("queue");
            MarketData md = new MarketData();
            try (Recorder recorder = Recorder.open(queue, md.schema, RecorderOptions.defaults())) {
                Path cfg = work.resolve("converter.yaml");
                Files.writeString(cfg, "queue: " + queue + "\noutput: " + work.resolve("out") + "\nsource: sustain\nrotation: {maxAge: " + maxAge
                        + ", maxRows: 100000000, maxBytes: 8GiB}\n" + (PARQUET.isEmpty() ? "" : "parquet: {" + PARQUET + "}\n"));
                converter = startConverter(cfg, work.resolve("converter.log"));
                Path status = queue.resolve("converter-sustain/converter.status");

                AtomicBoolean producing = new AtomicBoolean(true);
                AtomicLong behindNanos = new AtomicLong();
                Thread producer = new Thread(() -> produce(recorder, md, table, rate, producing, behindNanos), "sustain-producer");
                List<SustainResult.Sample> samples = new ArrayList<>();
                List<long[]> appendHistory = new ArrayList<>(); // {nanos since start, appended}
                long start = System.nanoTime();
                producer.start();
                long end = start + TimeUnit.SECONDS.toNanos(seconds);
                double drain = -1;
                try (StatusFile sf = StatusFile.open(status, false)) {
                    long next = start;
                    while (true) {
                        next += TimeUnit.MILLISECONDS.toNanos(sampleMs);
                        TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
                        long now = System.nanoTime();
                        long appended = recorder.appended();
                        StatusSnapshot s = sf.snapshot();
                        if (ConverterState.decode(s.value(ConverterStatusDescriptor.STATE)) == ConverterState.FAILED) {
                            throw new IllegalStateException("converter failed: " + s.text(ConverterStatusDescriptor.TEXT_LAST_ERROR));
                        }
                        long committed = s.value(ConverterStatusDescriptor.ROWS_WRITTEN);
                        appendHistory.add(new long[] {now - start, appended});
                        samples.add(new SustainResult.Sample((now - start) / 1e9, appended, s.value(ConverterStatusDescriptor.RECORDS_READ), committed,
                                lagSeconds(appendHistory, committed, now - start)));
                        if (now >= end && producing.get()) {
                            producing.set(false);
                            producer.join();
                        }
                        if (!producing.get() && committed >= recorder.appended()) {
                            drain = (now - end) / 1e9;
                            break;
                        }
                        if (now > end + TimeUnit.SECONDS.toNanos(120)) {
                            break; // the backlog did not drain within two minutes: not sustained
                        }
                    }
                }
                double offered = recorder.appended() / (seconds + 0.0);
                return new SustainResult(rate, offered, samples, drain, behindNanos.get() / 1e6);
            }
        } finally {
            if (converter != null) {
                converter.destroy();
                if (!converter.waitFor(120, TimeUnit.SECONDS)) {
                    converter.destroyForcibly();
                }
            }
            String keep = System.getProperty("bench.logs"); // -Dbench.logs=DIR keeps each rate's converter log and commit log
            if (keep != null) {
                Path dir = Files.createDirectories(Path.of(keep));
                for (String f : new String[] {"converter.log", "queue/converter-sustain/commits.log"}) {
                    if (Files.exists(work.resolve(f))) {
                        Files.copy(work.resolve(f), dir.resolve(rate + "-" + Path.of(f).getFileName()),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            BenchQueues.delete(work);
        }
    }

    /** How long ago the oldest record not yet committed was appended (0 when everything is committed). */
    static double lagSeconds(List<long[]> history, long committed, long nowNanos) {
        long prevT = 0;
        long prevA = 0;
        for (long[] h : history) {
            if (h[1] > committed) {
                // The (committed+1)-th record was appended between the previous sample and this one: interpolate.
                double t = prevT + (double) (committed - prevA) / Math.max(1, h[1] - prevA) * (h[0] - prevT);
                return (nowNanos - t) / 1e9;
            }
            prevT = h[0];
            prevA = h[1];
        }
        return 0;
    }

    /** Appends record i when it is due ({@code start + i / rate}), never ahead of time, as fast as it can when behind. */
    private static void produce(Recorder recorder, MarketData md, MarketTable table, long rate, AtomicBoolean producing, AtomicLong behind) {
        try (RecordWriter w = recorder.newWriter()) {
            long start = System.nanoTime();
            double interval = 1e9 / rate;
            for (long i = 0; producing.get(); i++) {
                long due = start + (long) (i * interval);
                long now = System.nanoTime();
                while (now < due) {
                    Thread.onSpinWait();
                    now = System.nanoTime();
                }
                if (now - due > behind.get()) {
                    behind.set(now - due);
                }
                if (table.write(w, md, i) != RecordWriter.OK) {
                    throw new IllegalStateException("append refused at record " + i + " (disk guard?)");
                }
            }
        }
    }

    static Process startConverter(Path cfg, Path log) throws Exception {
        return startConverter(cfg, log, null);
    }

    /** As {@link #startConverter(Path, Path)}, with {@code opts} as the converter's {@code PARQUETRY_OPTS} (null: none). */
    static Process startConverter(Path cfg, Path log, String opts) throws Exception {
        Path root = Path.of(System.getProperty("parquetry.root", ".")).toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("nice", "-n", Integer.toString(NICE), root.resolve("bin/parquetry").toString(), "convert", "--config",
                cfg.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putIfAbsent("PARQUETRY_HEAP", "-Xmx1g");
        if (opts != null) {
            pb.environment().put("PARQUETRY_OPTS", opts);
        }
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains("converter ready")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("converter did not start: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return p;
    }

    /**
     * A table of market-data records as {@code parquetry record} writes them (random-walk prices, 16 symbols), made once
     * and replayed by the producer, so that producing a record costs the appends and not the generation of the values.
     * Record {@code i} is row {@code i mod size}, with its time and order id moved on by each lap.
     */
    static final class MarketTable {
        private final long[] ts;
        private final byte[][] symbol;
        private final long[] price;
        private final long[] quantity;
        private final int[] side;
        private final int[] orderType;
        private final int[] exchange;
        private final int mask;
        private final long lapNanos;

        private MarketTable(int size) {
            ts = new long[size];
            symbol = new byte[size][];
            price = new long[size];
            quantity = new long[size];
            side = new int[size];
            orderType = new int[size];
            exchange = new int[size];
            mask = size - 1;
            lapNanos = size * 1000L; // SyntheticSource: 1 µs per record
        }

        static MarketTable build(int size) throws Exception {
            MarketTable t = new MarketTable(size);
            MarketData md = new MarketData();
            Path dir = BenchQueues.create("bench-sustain-table");
            try {
                SyntheticSource source = new SyntheticSource(md.schema, 1);
                try (Recorder r = Recorder.open(dir.resolve("q"), md.schema, RecorderOptions.defaults()); RecordWriter w = r.newWriter()) {
                    for (long i = 0; i < size; i++) {
                        source.write(w, i);
                    }
                }
                int[] n = {0};
                try (QueueReader q = QueueReader.open(dir.resolve("q"))) {
                    q.toStart();
                    while (q.read((index, rec) -> {
                        int k = n[0]++;
                        t.ts[k] = rec.getLong(md.ts);
                        t.symbol[k] = rec.getString(md.symbol).getBytes(StandardCharsets.US_ASCII);
                        t.price[k] = rec.getLong(md.price);
                        t.quantity[k] = rec.getLong(md.quantity);
                        t.side[k] = rec.getInt(md.side);
                        t.orderType[k] = rec.getInt(md.orderType);
                        t.exchange[k] = rec.getInt(md.exchange);
                    }, 65536) > 0) {
                        // read all
                    }
                }
            } finally {
                BenchQueues.delete(dir);
            }
            return t;
        }

        int write(RecordWriter w, MarketData md, long i) {
            int rc = w.begin();
            if (rc == RecordWriter.OK) {
                try {
                    int k = (int) (i & mask);
                    byte[] sym = symbol[k];
                    w.setLong(md.ts, ts[k] + (i >>> Integer.numberOfTrailingZeros(mask + 1)) * lapNanos).setBytes(md.symbol, sym, 0, sym.length)
                            .setLong(md.orderId, i).setInt(md.side, side[k]).setLong(md.price, price[k]).setLong(md.quantity, quantity[k])
                            .setInt(md.orderType, orderType[k]).setInt(md.exchange, exchange[k]);
                    w.commit();
                } finally {
                    w.abort();
                }
            }
            return rc;
        }
    }
}
