package io.parquetry.reader;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.testing.DamagedQueues;
import io.parquetry.testing.MarketData;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * Appends market-data records from several threads for a while, for tests of readers tailing a live queue. Thread
 * {@code t} writes order_ids {@code t << 40 | i} for i = 0, 1, 2, ..., paced in steps of 100 records. Run in-process
 * ({@link #run}) or as a child process (arguments: queue rollCycle threads recordsPerSecondPerThread millis), which
 * prints DONE and the count of each thread at the end.
 */
public final class LiveProducer {

    private LiveProducer() {
    }

    public static void main(String[] args) throws Exception {
        long[] counts = run(Path.of(args[0]), args[1], Integer.parseInt(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]));
        StringBuilder sb = new StringBuilder("DONE");
        for (long c : counts) {
            sb.append(' ').append(c);
        }
        System.out.println(sb);
        System.out.flush();
    }

    /** Appends for {@code millis} and returns how many records each thread appended. */
    static long[] run(Path queue, String rollCycle, int threads, long ratePerThread, long millis) throws InterruptedException {
        MarketData md = new MarketData();
        long[] counts = new long[threads];
        try (Recorder rec = Recorder.open(queue, md.schema, DamagedQueues.options(rollCycle))) {
            Thread[] ts = new Thread[threads];
            long end = System.nanoTime() + millis * 1_000_000L;
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts[t] = new Thread(() -> {
                    long step = 100 * 1_000_000_000L / ratePerThread;
                    long next = System.nanoTime();
                    try (RecordWriter w = rec.newWriter()) {
                        long i = 0;
                        while (System.nanoTime() < end) {
                            for (int k = 0; k < 100; k++, i++) {
                                if (md.write(w, ((long) id << 40) | i) != RecordWriter.OK) {
                                    throw new IllegalStateException("append refused: thread=" + id + ", i=" + i);
                                }
                            }
                            next += step;
                            long wait = next - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait);
                            } else if (wait < -step) {
                                next = System.nanoTime(); // fell behind: do not burst to catch up (small cycles cap records)
                            }
                        }
                        counts[id] = i;
                    }
                }, "live-producer-" + t);
                ts[t].start();
            }
            for (Thread t : ts) {
                t.join();
            }
        }
        return counts;
    }
}
