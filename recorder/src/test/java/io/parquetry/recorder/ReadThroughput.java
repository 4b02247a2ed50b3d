package io.parquetry.recorder;

import io.parquetry.schema.Field;
import io.parquetry.schema.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Measures how fast a queue is read: through {@link QueueReader} (decoding one field of each record) and through a bare
 * Chronicle tailer (read-only and read-write), on a queue of market-data records it writes first when absent, in
 * records per second of the reading thread's CPU time (a shared machine's wall time is mostly other processes'). Uses
 * only public API, so the same source measures an older reader too. Arguments: queueDir schemaYaml records rounds.
 */
public final class ReadThroughput {

    private ReadThroughput() {
    }

    public static void main(String[] args) {
        Path queue = Path.of(args[0]);
        Schema schema = Schema.load(Path.of(args[1]));
        long records = Long.parseLong(args[2]);
        int rounds = Integer.parseInt(args[3]);
        if (!Files.exists(queue)) {
            write(queue, schema, records);
        }
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int round = 0; round < rounds; round++) {
            long t0 = mx.getCurrentThreadCpuTime();
            long[] sum = {0, 0};
            try (QueueReader r = QueueReader.open(queue)) {
                Field orderId = r.schema().field("order_id");
                r.toStart();
                int n;
                while ((n = r.read((index, rec) -> sum[0] += rec.getLong(orderId), 65_536)) > 0) {
                    sum[1] += n;
                }
            }
            long t1 = mx.getCurrentThreadCpuTime();
            long bareReadOnly = bare(queue, true, sum);
            long t2 = mx.getCurrentThreadCpuTime();
            long bareReadWrite = bare(queue, false, sum);
            long t3 = mx.getCurrentThreadCpuTime();
            System.out.printf("round %d, records per CPU-second: QueueReader %,d records %.1f M/s; bare tailer read-only %,d %.1f M/s, "
                    + "read-write %,d %.1f M/s (checksum %d)%n",
                    round, sum[1], sum[1] * 1e3 / (t1 - t0), bareReadOnly, bareReadOnly * 1e3 / (t2 - t1), bareReadWrite,
                    bareReadWrite * 1e3 / (t3 - t2), sum[0]);
        }
    }

    private static long bare(Path queue, boolean readOnly, long[] sum) {
        long n = 0;
        try (ChronicleQueue q = ChronicleQueue.singleBuilder(queue).readOnly(readOnly)
                .rollCycle(RollCycleNames.resolve(QueueSchemaStore.rollCycle(queue))).build();
             ExcerptTailer t = q.createTailer()) {
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    sum[0] += dc.wire().bytes().readLong(dc.wire().bytes().readPosition() + 16);
                    n++;
                }
            }
        }
        return n;
    }

    private static void write(Path queue, Schema schema, long records) {
        Field ts = schema.field("timestamp_ns");
        Field symbol = schema.field("symbol");
        Field orderId = schema.field("order_id");
        Field side = schema.field("side");
        Field price = schema.field("price");
        Field quantity = schema.field("quantity");
        Field orderType = schema.field("order_type");
        Field exchange = schema.field("exchange");
        try (Recorder rec = Recorder.open(queue, schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0)); RecordWriter w = rec.newWriter()) {
            for (long i = 0; i < records; i++) {
                if (w.begin() != RecordWriter.OK) {
                    throw new IllegalStateException("append refused at " + i);
                }
                try {
                    w.setLong(ts, 1_763_700_000_000_000_000L + i).setChars(symbol, "AAPL").setLong(orderId, i).setInt(side, (int) (i & 1))
                            .setLong(price, i % 10_000).setLong(quantity, 100).setInt(orderType, (int) (i & 3)).setInt(exchange, 7);
                    w.commit();
                } finally {
                    w.abort();
                }
            }
        }
    }
}
