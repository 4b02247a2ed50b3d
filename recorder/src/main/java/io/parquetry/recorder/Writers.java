package io.parquetry.recorder;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The recorder's open writers, and the counts of those already closed so that totals survive them. The reserving and
 * pretouch threads walk the open ones (copy-on-write: a walk never blocks a writer); the housekeeping thread sums them.
 */
final class Writers implements Iterable<RecordWriter> {

    private final CopyOnWriteArrayList<RecordWriter> open = new CopyOnWriteArrayList<>();
    private long closedAppended;
    private long closedRefusedDisk;
    private long closedRefusedClosed;
    private long closedRefusedTooLong;
    private long closedTruncated;

    void add(RecordWriter w) {
        open.add(w);
    }

    /** Called by a writer as it closes (on its own thread). */
    synchronized void closed(RecordWriter w) {
        if (open.remove(w)) {
            closedAppended += w.appended();
            closedRefusedDisk += w.refusedDiskGuard();
            closedRefusedClosed += w.refusedClosed();
            closedRefusedTooLong += w.refusedTooLong();
            closedTruncated += w.truncated();
        }
    }

    @Override
    public java.util.Iterator<RecordWriter> iterator() {
        return open.iterator();
    }

    int size() {
        return open.size();
    }

    /** Records appended by all writers, open or closed. */
    synchronized long appended() {
        return sum(closedAppended, RecordWriter::appended);
    }

    synchronized long refusedDiskGuard() {
        return sum(closedRefusedDisk, RecordWriter::refusedDiskGuard);
    }

    synchronized long refusedClosed() {
        return sum(closedRefusedClosed, RecordWriter::refusedClosed);
    }

    synchronized long refusedTooLong() {
        return sum(closedRefusedTooLong, RecordWriter::refusedTooLong);
    }

    synchronized long truncated() {
        return sum(closedTruncated, RecordWriter::truncated);
    }

    /** {@code closed} plus one count of every open writer. */
    private long sum(long closed, java.util.function.ToLongFunction<RecordWriter> count) {
        long n = closed;
        for (RecordWriter w : open) {
            n += count.applyAsLong(w);
        }
        return n;
    }
}
