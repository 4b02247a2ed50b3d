package io.parquetry.benchmarks;

import io.parquetry.recorder.MarketData;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
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
 * delays later appends is charged to each of them. Recorder and raw Chronicle are measured alternately in one run.
 *
 * <pre>bin/bench latency [--rate 1000000] [--seconds 20] [--warmup-seconds 5] [--rounds 2] [--block-size-mib N]</pre>
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
        for (int a = 0; a < args.length; a += 2) {
            switch (args[a]) {
                case "--rate" -> rate = Long.parseLong(args[a + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[a + 1]);
                case "--warmup-seconds" -> warmup = Integer.parseInt(args[a + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[a + 1]);
                case "--block-size-mib" -> blockSize = Long.parseLong(args[a + 1]) << 20;
                default -> throw new IllegalArgumentException("unknown option: " + args[a]);
            }
        }
        if (rate <= 0 || rate > 20_000_000 || seconds <= 0 || seconds > 600) {
            throw new IllegalArgumentException("rate must be 1..2e7 and seconds 1..600: rate=" + rate + ", seconds=" + seconds);
        }
        MarketData md = new MarketData();
        Path recDir = BenchQueues.create("lat-recorder");
        Path rawDir = BenchQueues.create("lat-raw");
        byte[] sym = "AAPL\0\0\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        var rawBuilder = ChronicleQueue.singleBuilder(rawDir).rollCycle(SparseRollCycles.LARGE_HOURLY_SPARSE);
        if (blockSize > 0) {
            rawBuilder.blockSize(blockSize);
        }
        try (Recorder recorder = Recorder.open(recDir, md.schema, RecorderOptions.defaults().blockSize(blockSize));
             ChronicleQueue raw = rawBuilder.build();
             RecordWriter w = recorder.newWriter();
             ExcerptAppender app = raw.createAppender()) {
            Append rec = i -> {
                if (w.begin() == RecordWriter.OK) {
                    w.setLong(md.ts, i).setBytes(md.symbol, sym, 0, 8).setLong(md.orderId, i).setInt(md.side, (int) (i & 1))
                            .setLong(md.price, 10_000_000_000L + (i & 1023)).setLong(md.quantity, 100).setInt(md.orderType, 0)
                            .setInt(md.exchange, 1);
                    w.commit();
                }
            };
            Append chron = i -> {
                try (DocumentContext dc = app.writingDocument()) {
                    Bytes<?> b = dc.wire().bytes();
                    b.writeLong(i).write(sym, 0, 8).writeLong(i).writeInt((int) (i & 1)).writeLong(10_000_000_000L + (i & 1023))
                            .writeLong(100).writeInt(0).writeInt(1);
                }
            };
            System.out.printf(Locale.ROOT, "offered rate %,d appends/s, %d s measured per round after %d s warm-up, %d rounds, block size %s%n",
                    rate, seconds, warmup, rounds, blockSize == 0 ? "Chronicle default" : (blockSize >> 20) + " MiB");
            run("warmup recorder", rec, rate, warmup);
            run("warmup raw", chron, rate, warmup);
            Histogram recAll = new Histogram(3_600_000_000_000L, 3);
            Histogram rawAll = new Histogram(3_600_000_000_000L, 3);
            for (int r = 0; r < rounds; r++) {
                recAll.add(run("recorder round " + (r + 1), rec, rate, seconds));
                rawAll.add(run("raw Chronicle round " + (r + 1), chron, rate, seconds));
            }
            print("recorder (all rounds)", recAll);
            print("raw Chronicle (all rounds)", rawAll);
            System.out.printf(Locale.ROOT, "ratio recorder/raw: p50 %.2f, p99 %.2f, p99.9 %.2f%n",
                    (double) recAll.getValueAtPercentile(50) / rawAll.getValueAtPercentile(50),
                    (double) recAll.getValueAtPercentile(99) / rawAll.getValueAtPercentile(99),
                    (double) recAll.getValueAtPercentile(99.9) / rawAll.getValueAtPercentile(99.9));
        } finally {
            BenchQueues.delete(recDir);
            BenchQueues.delete(rawDir);
        }
    }

    static Histogram run(String name, Append append, long rate, int seconds) {
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        long n = rate * seconds;
        double interval = 1e9 / rate;
        long start = System.nanoTime() + 1_000_000;
        for (long i = 0; i < n; i++) {
            long due = start + (long) (i * interval);
            while (System.nanoTime() < due) {
                Thread.onSpinWait();
            }
            append.append(i);
            h.recordValue(System.nanoTime() - due);
        }
        if (!name.startsWith("warmup")) {
            print(name, h);
        }
        return h;
    }

    static void print(String name, Histogram h) {
        System.out.printf(Locale.ROOT, "%-28s n=%,d p50=%,d ns p99=%,d ns p99.9=%,d ns p99.99=%,d ns max=%,d ns%n", name, h.getTotalCount(),
                h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getValueAtPercentile(99.99),
                h.getMaxValue());
    }
}
