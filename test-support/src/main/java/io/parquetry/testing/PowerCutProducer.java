package io.parquetry.testing;

import io.parquetry.reader.QueueReader;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * A recorder in a child process for power-cut tests: opens the queue (repairing it as any recorder does), continues the
 * market-data records after the last one the queue holds ({@code order_id} counts up from 0 across incarnations), with
 * {@code exchange} set to this incarnation's number so that a record written twice at one order_id tells which, and
 * appends at a fixed rate until killed, or up to a count and then stays open (nothing is synced at a close).
 *
 * <p>Arguments: queue, records per second, sync interval in ms (0: off), incarnation, count (0: unbounded). Prints
 * {@code READY <first order_id>} once open, and {@code SYNCED <order_id>} each time the recorder's last synced record
 * moves on (printed after the sync and its mark are durable), {@code APPENDED <n>} when it reached the count.
 */
public final class PowerCutProducer {

    private PowerCutProducer() {
    }

    public static void main(String[] args) throws Exception {
        Path queue = Path.of(args[0]);
        long rate = Long.parseLong(args[1]);
        long syncMs = Long.parseLong(args[2]);
        int incarnation = Integer.parseInt(args[3]);
        long count = Long.parseLong(args[4]);
        MarketData md = new MarketData();
        RecorderOptions options = DamagedQueues.options(RecorderOptions.DEFAULT_ROLL_CYCLE).reserveAhead(8L << 20).pretouchAhead(2L << 20)
                .statusInterval(Duration.ofMillis(20));
        if (syncMs > 0) {
            options.syncInterval(Duration.ofMillis(syncMs));
        }
        Recorder rec = Recorder.open(queue, md.schema, options);
        long first = lastOrderId(queue, md) + 1;
        System.out.println("READY " + first);
        System.out.flush();
        // Index of each record appended, to tell which order_id the recorder's synced index is.
        long[] indexes = new long[1 << 22];
        long syncedPrinted = -1;
        try (RecordWriter w = rec.newWriter()) {
            long step = 100 * 1_000_000_000L / Math.max(1, rate);
            long next = System.nanoTime();
            long n = 0;
            while (count == 0 || n < count) {
                for (int k = 0; k < 100 && (count == 0 || n < count); k++, n++) {
                    long id = first + n;
                    if (md.write(w, id, incarnation) != RecordWriter.OK) {
                        throw new IllegalStateException("append refused at order_id " + id);
                    }
                    indexes[(int) (n & (indexes.length - 1))] = w.lastIndex();
                }
                syncedPrinted = printSynced(rec, indexes, first, n, syncedPrinted);
                next += step;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else if (wait < -step * 10) {
                    next = System.nanoTime();
                }
            }
            System.out.println("APPENDED " + n);
            System.out.flush();
        }
        while (true) {
            syncedPrinted = printSynced(rec, indexes, first, count, syncedPrinted);
            Thread.sleep(10); // open until killed: a close would sync
        }
    }

    /** Prints the order_id of the recorder's last synced record when it moved on since {@code printed}; returns the last printed. */
    private static long printSynced(Recorder rec, long[] indexes, long first, long n, long printed) {
        long synced = rec.syncedIndex();
        long id = synced < 0 ? -1 : orderIdOf(synced, indexes, first, n);
        if (id <= printed) {
            return printed;
        }
        System.out.println("SYNCED " + id);
        System.out.flush();
        return id;
    }

    /** The order_id of the record at {@code index}, among the {@code n} this process appended (-1: an earlier one's). */
    private static long orderIdOf(long index, long[] indexes, long first, long n) {
        long lo = Math.max(0, n - indexes.length);
        for (long k = n - 1; k >= lo; k--) {
            long at = indexes[(int) (k & (indexes.length - 1))];
            if (at == index) {
                return first + k;
            }
            if (at < index) {
                return -1;
            }
        }
        return -1;
    }

    /** The order_id of the queue's last record, or -1 when it has none. */
    private static long lastOrderId(Path queue, MarketData md) {
        try (QueueReader r = QueueReader.open(queue)) {
            long last = r.lastIndex();
            if (last < 0 || !r.moveTo(last)) {
                return -1;
            }
            long[] id = {-1};
            r.read((index, rec) -> id[0] = rec.getLong(md.orderId), 1);
            return id[0];
        }
    }
}
