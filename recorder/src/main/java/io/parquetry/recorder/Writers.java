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
        long n = closedAppended;
        for (RecordWriter w : open) {
            n += w.appended();
        }
        return n;
    }

    synchronized long refusedDiskGuard() {
        long n = closedRefusedDisk;
        for (RecordWriter w : open) {
            n += w.refusedDiskGuard();
        }
        return n;
    }

    synchronized long refusedClosed() {
        long n = closedRefusedClosed;
        for (RecordWriter w : open) {
            n += w.refusedClosed();
        }
        return n;
    }

    synchronized long refusedTooLong() {
        long n = closedRefusedTooLong;
        for (RecordWriter w : open) {
            n += w.refusedTooLong();
        }
        return n;
    }

    synchronized long truncated() {
        long n = closedTruncated;
        for (RecordWriter w : open) {
            n += w.truncated();
        }
        return n;
    }
}
