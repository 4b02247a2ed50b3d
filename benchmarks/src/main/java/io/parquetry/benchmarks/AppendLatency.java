package io.parquetry.benchmarks;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.testing.MarketData;
import java.nio.file.Path;
import java.util.Locale;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.rollcycles.SparseRollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.HdrHistogram.Histogram;

/**
 * Append latency at a fixed offered rate, coordinated omission corrected: each append is due at
 * {@code start + i / rate}; its latency is measured from when it was due, not from when it started, so a stall that
 * delays later appends is charged to each of them. The recorder (with and without its pretouch thread), raw Chronicle and an empty append (the floor: the
 * pacing loop and the clock alone) are measured alternately in one run.
 *
 * <pre>bin/bench latency [--rate 1000000] [--seconds 20] [--warmup-seconds 5] [--rounds 2] [--block-size-mib N] [--only 0,1]</pre>
 *
 * {@code --settle false} skips writing the queues to disk between rounds. {@code --only} picks variants by number:
 * 0 floor (an empty append), 1 recorder, 2 recorder without its pretouch thread, 3 raw Chronicle.
 * {@code --converter-max-age-ms N} runs a converter process ({@code bin/parquetry convert}) on the recorder's queue
 * throughout, committing a file every N ms: each commit forces the queue's files, which the producer writes meanwhile.
 */
public final class AppendLatency {

    private AppendLatency() {
    }

    interface Append {
        void append(long i);
    }

    public static void main(String[] args) throws Exception {
        long rate = 1_000_000;
        int seconds = 20;
        int warmup = 5;
        int rounds = 2;
        long blockSize = 0;
        String only = null;
        boolean settle = true;
        long converterMaxAgeMs = 0;
        for (int a = 0; a < args.length; a += 2) {
            switch (args[a]) {
                case "--rate" -> rate = Long.parseLong(args[a + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[a + 1]);
                case "--warmup-seconds" -> warmup = Integer.parseInt(args[a + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[a + 1]);
                case "--block-size-mib" -> blockSize = Long.parseLong(args[a + 1]) << 20;
                case "--only" -> only = args[a + 1];
                case "--settle" -> settle = Boolean.parseBoolean(args[a + 1]);
                case "--converter-max-age-ms" -> converterMaxAgeMs = Long.parseLong(args[a + 1]);
                default -> throw new IllegalArgumentException("unknown option: " + args[a]);
            }
        }
        if (rate <= 0 || rate > 20_000_000 || seconds <= 0 || seconds > 600) {
            throw new IllegalArgumentException("rate must be 1..2e7 and seconds 1..600: rate=" + rate + ", seconds=" + seconds);
        }
        MarketData md = new MarketData();
        Path recDir = BenchQueues.create("lat-recorder");
        Path noTouchDir = BenchQueues.create("lat-recorder-nopretouch");
        Path rawDir = BenchQueues.create("lat-raw");
        byte[] sym = "AAPL\0\0\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        var rawBuilder = ChronicleQueue.singleBuilder(rawDir).rollCycle(SparseRollCycles.LARGE_HOURLY_SPARSE);
        if (blockSize > 0) {
            rawBuilder.blockSize(blockSize);
        }
        try (Recorder recorder = Recorder.open(recDir, md.schema, RecorderOptions.defaults().blockSize(blockSize));
             Recorder noTouch = Recorder.open(noTouchDir, md.schema, RecorderOptions.defaults().blockSize(blockSize).pretouchAhead(0));
             ChronicleQueue raw = rawBuilder.build();
             RecordWriter w = recorder.newWriter();
             RecordWriter nw = noTouch.newWriter();
             ExcerptAppender app = raw.createAppender()) {
            Append none = i -> {
            };
            Append chron = i -> {
                try (DocumentContext dc = app.writingDocument()) {
                    Bytes<?> b = dc.wire().bytes();
                    b.writeLong(i).write(sym, 0, 8).writeLong(i).writeInt((int) (i & 1)).writeLong(10_000_000_000L + (i & 1023))
                            .writeLong(100).writeInt(0).writeInt(1);
                }
            };
            Process converter = null;
            if (converterMaxAgeMs > 0) {
                Path work = java.nio.file.Files.createDirectories(recDir.resolveSibling(recDir.getFileName() + "-out"));
                Path cfg = work.resolve("converter.yaml");
                java.nio.file.Files.writeString(cfg, "queue: " + recDir + "\noutput: " + work.resolve("out") + "\nsource: latency\nrotation: {maxAge: "
                        + converterMaxAgeMs + "ms, maxRows: 100000000, maxBytes: 8GiB}\n");
                // Its DEBUG log says how long each commit's force of the queue took.
                converter = SustainBenchmark.startConverter(cfg, work.resolve("converter.log"), "-Dparquetry.log.level=DEBUG");
                System.out.printf(Locale.ROOT, "a converter commits the recorder's queue every %d ms throughout%n", converterMaxAgeMs);
            }
            String[] names = {"floor (no append)", "recorder", "recorder, pretouch off", "raw Chronicle"};
            Append[] appends = {none, marketData(w, md, sym), marketData(nw, md, sym), chron};
            System.out.printf(Locale.ROOT, "offered rate %,d appends/s, %d s measured per round after %d s warm-up, %d rounds, block size %s%n",
                    rate, seconds, warmup, rounds, blockSize == 0 ? "Chronicle default" : (blockSize >> 20) + " MiB");
            Histogram[] all = new Histogram[appends.length];
            boolean[] on = new boolean[appends.length];
            for (int k = 0; k < appends.length; k++) {
                on[k] = only == null || java.util.Arrays.asList(only.split(",")).contains(String.valueOf(k));
                all[k] = new Histogram(3_600_000_000_000L, 3);
                if (!on[k]) {
                    continue;
                }
                run("warmup " + names[k], appends[k], rate, warmup);
            }
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < appends.length; k++) {
                    if (!on[k]) {
                        continue;
                    }
                    if (settle) {
                        BenchQueues.settle(recDir, noTouchDir, rawDir); // write-back of mapped pages interrupts the measuring thread
                    }
                    all[k].add(run(names[k] + " round " + (r + 1), appends[k], rate, seconds));
                }
            }
            for (int k = 0; k < appends.length; k++) {
                if (on[k]) {
                    print(names[k] + " (all rounds)", all[k]);
                }
            }
            if (converter != null) {
                converter.destroy();
                converter.waitFor();
                printForces(recDir.resolveSibling(recDir.getFileName() + "-out").resolve("converter.log"));
            }
            Histogram rec = all[1];
            Histogram rawAll = all[3];
            if (!on[1] || !on[3]) {
                return;
            }
            System.out.printf(Locale.ROOT, "ratio recorder/raw: p50 %.2f, p99 %.2f, p99.9 %.2f%n",
                    (double) rec.getValueAtPercentile(50) / rawAll.getValueAtPercentile(50),
                    (double) rec.getValueAtPercentile(99) / rawAll.getValueAtPercentile(99),
                    (double) rec.getValueAtPercentile(99.9) / rawAll.getValueAtPercentile(99.9));
        } finally {
            BenchQueues.delete(recDir.resolveSibling(recDir.getFileName() + "-out"));
            BenchQueues.delete(recDir);
            BenchQueues.delete(noTouchDir);
            BenchQueues.delete(rawDir);
        }
    }

    /** What the converter's commits paid to force the queue, from its DEBUG lines (absent in versions before the force). */
    private static void printForces(Path log) throws java.io.IOException {
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("queue forced through index \\d+ in (\\d+) us");
        for (String line : java.nio.file.Files.readAllLines(log)) {
            java.util.regex.Matcher m = p.matcher(line);
            if (m.find()) {
                h.recordValue(Long.parseLong(m.group(1)));
            }
        }
        System.out.printf(Locale.ROOT, "converter's forces of the queue before a commit: n=%d p50=%,d us p99=%,d us max=%,d us%n", h.getTotalCount(),
                h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getMaxValue());
    }

    private static Append marketData(RecordWriter w, MarketData md, byte[] sym) {
        return i -> {
            if (w.begin() == RecordWriter.OK) {
                w.setLong(md.ts, i).setBytes(md.symbol, sym, 0, 8).setLong(md.orderId, i).setInt(md.side, (int) (i & 1))
                        .setLong(md.price, 10_000_000_000L + (i & 1023)).setLong(md.quantity, 100).setInt(md.orderType, 0)
                        .setInt(md.exchange, 1);
                w.commit();
            }
        };
    }

    /** {@code -Dbench.stalls=true}: after each round, count the episodes of lateness by their worst sample. */
    private static final boolean STALLS = Boolean.getBoolean("bench.stalls");
    private static final long[] EPISODE_BOUNDS = {2_000, 5_000, 20_000, 100_000, 1_000_000, Long.MAX_VALUE};

    static Histogram run(String name, Append append, long rate, int seconds) {
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        long n = rate * seconds;
        double interval = 1e9 / rate;
        long[] episodes = new long[EPISODE_BOUNDS.length - 1];
        long worst = 0;
        String cpuBefore = STALLS ? cpu() : "";
        java.util.Map<String, long[]> irqBefore = STALLS ? interrupts() : null;
        long start = System.nanoTime() + 1_000_000;
        for (long i = 0; i < n; i++) {
            long due = start + (long) (i * interval);
            while (System.nanoTime() < due) {
                Thread.onSpinWait();
            }
            append.append(i);
            long late = System.nanoTime() - due;
            h.recordValue(late);
            if (STALLS) {
                // An episode: consecutive appends later than 2 us, classed by the latest of them.
                if (late >= EPISODE_BOUNDS[0]) {
                    worst = Math.max(worst, late);
                } else if (worst > 0) {
                    count(episodes, worst);
                    worst = 0;
                }
            }
        }
        if (!name.startsWith("warmup")) {
            print(name, h);
            if (STALLS) {
                if (worst > 0) {
                    count(episodes, worst);
                }
                StringBuilder sb = new StringBuilder("  episodes later than 2 us, by worst append:");
                for (int k = 0; k < episodes.length; k++) {
                    sb.append(String.format(Locale.ROOT, " [%s..%s) %,d", us(EPISODE_BOUNDS[k]), us(EPISODE_BOUNDS[k + 1]), episodes[k]));
                }
                System.out.println(sb + "; cpu before/after " + cpuBefore + "/" + cpu());
                StringBuilder irq = new StringBuilder("  interrupts per CPU during the round:");
                interrupts().forEach((k, v) -> {
                    long[] b = irqBefore.get(k);
                    if (b != null && b.length == v.length) {
                        StringBuilder d = new StringBuilder();
                        long total = 0;
                        for (int c = 0; c < v.length; c++) {
                            d.append(c == 0 ? "" : "/").append(v[c] - b[c]);
                            total += v[c] - b[c];
                        }
                        if (total >= 100) {
                            irq.append(' ').append(k).append(' ').append(d);
                        }
                    }
                });
                System.out.println(irq);
            }
        }
        return h;
    }

    private static void count(long[] episodes, long worst) {
        for (int k = 0; k < episodes.length; k++) {
            if (worst < EPISODE_BOUNDS[k + 1]) {
                episodes[k]++;
                return;
            }
        }
    }

    private static String us(long nanos) {
        return nanos == Long.MAX_VALUE ? "" : nanos >= 1_000_000 ? nanos / 1_000_000 + " ms" : nanos / 1_000 + " us";
    }

    /** Counts per CPU of each line of /proc/interrupts, by name (device name for numbered lines). */
    private static java.util.Map<String, long[]> interrupts() {
        java.util.Map<String, long[]> m = new java.util.LinkedHashMap<>();
        try {
            java.util.List<String> lines = java.nio.file.Files.readAllLines(Path.of("/proc/interrupts"));
            int cpus = lines.get(0).trim().split("\\s+").length;
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length <= cpus) {
                    continue;
                }
                long[] v = new long[cpus];
                for (int c = 0; c < cpus; c++) {
                    v[c] = Long.parseLong(f[c + 1]);
                }
                String key = f[0].replace(":", "");
                m.put(Character.isDigit(key.charAt(0)) ? f[f.length - 1] : key, v);
            }
        } catch (java.io.IOException | RuntimeException e) {
            // diagnostics only
        }
        return m;
    }

    /** The CPU this thread last ran on (field 39 of /proc/thread-self/stat), or "?". */
    private static String cpu() {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/thread-self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return f[36];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }

    static void print(String name, Histogram h) {
        System.out.printf(Locale.ROOT, "%-28s n=%,d p50=%,d ns p99=%,d ns p99.9=%,d ns p99.99=%,d ns max=%,d ns%n", name, h.getTotalCount(),
                h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getValueAtPercentile(99.99),
                h.getMaxValue());
    }
}
