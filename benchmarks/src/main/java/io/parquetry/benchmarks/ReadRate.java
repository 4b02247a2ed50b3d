package io.parquetry.benchmarks;

import io.parquetry.cli.SyntheticSource;
import io.parquetry.reader.QueueReader;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.schema.Field;
import io.parquetry.testing.MarketData;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.rollcycles.SparseRollCycles;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The converter's reading side alone ({@code bin/bench read}): {@link QueueReader} (read-only, verifying each excerpt's
 * framing against the cycle file, decoding one field of each record) against a bare Chronicle tailer on a read-only
 * queue (the anchor), rounds alternating which goes first, on a queue of market-data records written first. Rates are
 * records per second of wall time and of the reading thread's CPU time. Options: {@code --records N} (default
 * 10,000,000), {@code --rounds N} (3).
 */
public final class ReadRate {

    private ReadRate() {
    }

    public static void main(String[] args) throws Exception {
        long records = 10_000_000;
        int rounds = 3;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--records" -> records = Long.parseLong(args[i + 1].replace("_", ""));
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option: " + args[i] + " (--records, --rounds)");
            }
        }
        MarketData md = new MarketData();
        Path queue = BenchQueues.create("bench-read");
        try {
            SyntheticSource source = new SyntheticSource(md.schema, 1);
            try (Recorder r = Recorder.open(queue, md.schema, RecorderOptions.defaults()); RecordWriter w = r.newWriter()) {
                for (long i = 0; i < records; i++) {
                    source.write(w, i);
                }
            }
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            System.out.printf(Locale.ROOT, "%d market-data records; rates in M records/s (wall, CPU of the reading thread)%n", records);
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < 2; k++) {
                    boolean ours = (round + k) % 2 == 0;
                    long w0 = System.nanoTime();
                    long c0 = mx.getCurrentThreadCpuTime();
                    long[] got = ours ? readWithQueueReader(queue) : readWithBareTailer(queue);
                    long c1 = mx.getCurrentThreadCpuTime();
                    long w1 = System.nanoTime();
                    if (got[0] != records) {
                        throw new IllegalStateException("read " + got[0] + " records, expected " + records);
                    }
                    System.out.printf(Locale.ROOT, "round %d  %-22s wall %6.2f  cpu %6.2f   (checksum %d)%n", round,
                            ours ? "QueueReader" : "bare Chronicle tailer", records * 1e3 / (w1 - w0), records * 1e3 / (c1 - c0), got[1]);
                }
            }
        } finally {
            BenchQueues.delete(queue);
        }
    }

    private static long[] readWithQueueReader(Path queue) {
        long[] n = {0, 0};
        try (QueueReader r = QueueReader.open(queue)) {
            Field orderId = r.schema().field("order_id");
            r.toStart();
            while (r.read((index, rec) -> {
                n[1] += rec.getLong(orderId);
                n[0]++;
            }, 65_536) > 0) {
                // read until the end
            }
        }
        return n;
    }

    private static long[] readWithBareTailer(Path queue) {
        long[] n = {0, 0};
        try (ChronicleQueue q = ChronicleQueue.singleBuilder(queue).readOnly(true).rollCycle(SparseRollCycles.LARGE_HOURLY_SPARSE)
                .build(); ExcerptTailer t = q.createTailer()) { // the recorder's default roll cycle
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    // order_id: the third field, at offset 16 of the record
                    n[1] += dc.wire().bytes().readLong(dc.wire().bytes().readPosition() + 16);
                    n[0]++;
                }
            }
        }
        return n;
    }
}
