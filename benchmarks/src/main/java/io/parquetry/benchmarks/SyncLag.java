package io.parquetry.benchmarks;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.testing.MarketData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * How long a committed record waits until it is durable in the recorder's periodic sync mode: one thread appends at a
 * fixed rate and notes when each record was committed; another watches {@link Recorder#syncedIndex()} (which moves
 * only after the queue's files and its sync mark were forced) and, each time it moves, records how long ago the records
 * it newly covers were committed. The worst of these is the window a power cut can take: what the durability promise
 * ("records older than N survive") must state.
 *
 * <pre>bin/bench sync-lag [--rate 1000000] [--seconds 30] [--sync-ms 100]</pre>
 */
public final class SyncLag {

    private SyncLag() {
    }

    public static void main(String[] args) throws Exception {
        long rate = 1_000_000;
        int seconds = 30;
        long syncMs = 100;
        for (int a = 0; a < args.length; a += 2) {
            switch (args[a]) {
                case "--rate" -> rate = Long.parseLong(args[a + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[a + 1]);
                case "--sync-ms" -> syncMs = Long.parseLong(args[a + 1]);
                default -> throw new IllegalArgumentException("unknown option: " + args[a]);
            }
        }
        if (rate <= 0 || rate > 10_000_000 || seconds <= 0 || seconds > 600 || syncMs <= 0) {
            throw new IllegalArgumentException("rate must be 1..1e7, seconds 1..600, sync-ms > 0: rate=" + rate + ", seconds=" + seconds
                    + ", sync-ms=" + syncMs);
        }
        MarketData md = new MarketData();
        Path dir = BenchQueues.create("bench-sync-lag");
        int n = (int) Math.min(Integer.MAX_VALUE - 8, rate * seconds);
        long[] committedAt = new long[n];
        long[] indexOf = new long[n];
        Histogram lag = new Histogram(3_600_000_000_000L, 3);
        Histogram syncs = new Histogram(3_600_000_000_000L, 3);
        try (Recorder rec = Recorder.open(dir, md.schema, RecorderOptions.defaults().syncInterval(Duration.ofMillis(syncMs)))) {
            AtomicBoolean done = new AtomicBoolean();
            long[] appended = {0};
            Thread watcher = new Thread(() -> {
                int covered = 0;
                long lastMove = System.nanoTime();
                while (!done.get() || covered < appended[0]) {
                    long synced = rec.syncedIndex();
                    int upTo = covered;
                    long count = Math.min(n, appendedAcquire(appended));
                    while (upTo < count && indexOf[upTo] != 0 && indexOf[upTo] <= synced) {
                        upTo++;
                    }
                    if (upTo > covered) {
                        long now = System.nanoTime();
                        lag.recordValue(now - committedAt[covered]); // the oldest record the sync newly covers waited longest
                        syncs.recordValue(now - lastMove);
                        lastMove = now;
                        covered = upTo;
                    } else if (done.get() && count == covered) {
                        break;
                    }
                    LockSupport.parkNanos(200_000);
                }
            }, "sync-lag-watcher");
            watcher.start();
            try (RecordWriter w = rec.newWriter()) {
                byte[] sym = "AAPL\0\0\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                long start = System.nanoTime();
                double interval = 1e9 / rate;
                for (int i = 0; i < n; i++) {
                    long due = start + (long) (i * interval);
                    while (System.nanoTime() < due) {
                        Thread.onSpinWait();
                    }
                    if (w.begin() == RecordWriter.OK) {
                        w.setLong(md.ts, i).setBytes(md.symbol, sym, 0, 8).setLong(md.orderId, i).setInt(md.side, i & 1)
                                .setLong(md.price, 10_000_000_000L + (i & 1023)).setLong(md.quantity, 100).setInt(md.orderType, 0).setInt(md.exchange, 1);
                        w.commit();
                    }
                    committedAt[i] = System.nanoTime();
                    indexOf[i] = w.lastIndex();
                    appendedRelease(appended, i + 1);
                }
            }
            rec.sync();
            done.set(true);
            watcher.join();
        } finally {
            BenchQueues.delete(dir);
        }
        System.out.printf(Locale.ROOT, "offered %,d records/s for %d s, syncInterval %d ms%n", rate, seconds, syncMs);
        System.out.printf(Locale.ROOT, "commit -> durable (worst record of each sync): p50=%.1f ms p99=%.1f ms p99.9=%.1f ms max=%.1f ms (n=%d)%n",
                lag.getValueAtPercentile(50) / 1e6, lag.getValueAtPercentile(99) / 1e6, lag.getValueAtPercentile(99.9) / 1e6, lag.getMaxValue() / 1e6,
                lag.getTotalCount());
        System.out.printf(Locale.ROOT, "time between syncs: p50=%.1f ms p99=%.1f ms max=%.1f ms%n", syncs.getValueAtPercentile(50) / 1e6,
                syncs.getValueAtPercentile(99) / 1e6, syncs.getMaxValue() / 1e6);
    }

    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.arrayElementVarHandle(long[].class);

    private static long appendedAcquire(long[] a) {
        return (long) LONGS.getAcquire(a, 0);
    }

    private static void appendedRelease(long[] a, long v) {
        LONGS.setRelease(a, 0, v);
    }
}
