package io.parquetry.recorder;

import java.io.IOException;
import java.util.function.IntToLongFunction;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.bytes.MappedBytesStore;
import net.openhft.chronicle.bytes.MappedFile;
import net.openhft.chronicle.core.io.ReferenceOwner;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;

/**
 * Touches the pages of the current cycle file ahead of the writers, on the reserving thread ({@link Reserver}), so that
 * the page faults of a growing queue file happen there and not on a producing thread.
 *
 * <p>Why: a cycle file is sparse and mapped. The first access to a page that is not in the page cache makes the kernel
 * read the file around it, and for a hole that means allocating and zeroing pages: on this project's machines the
 * read-ahead window is 8 MiB ({@code /sys/block/<dev>/queue/read_ahead_kb}), so every 8 MiB of queue the appending
 * thread stopped for about 17 ms inside one page fault (measured with {@code perf}: {@code filemap_fault} →
 * {@code page_cache_ra_order} → {@code ext4_mpage_readpages} → {@code memset}). At 1 M appends/s that was the whole p99.
 * Even with the page in the page cache, the first write to each page of a mapping is a page fault of its own.
 *
 * <p>How: writers publish where their last record ended ({@link RecordWriter}, one ordered store per commit). On each
 * pass of the reserving thread this takes the cycle file's chunks from Chronicle's own {@link MappedFile} (the same
 * mapping, at the same addresses, that the writers use: Chronicle shares one mapping per chunk) and write-touches one
 * aligned long per page from just past the furthest writer up to {@code ahead} bytes beyond it, but never at or past
 * what is reserved (the reserving thread's {@code reservedUpTo}): on a full disk, a touch of a page that is not allocated would
 * fault. A touch is a compare-and-set of 0 to 0: it never changes a byte, so a record a writer is writing at the same
 * moment is never overwritten, and it takes the page fault, the read-ahead and the page-table entry here. A chunk not
 * mapped yet is mapped here too, before the writer needs it; and a chunk the writers have left is unmapped here too, not
 * on a writer's thread (see {@link #holdWritersChunks}).
 *
 * <p>Cost: touched pages are dirtied, inside the reservation that already allocated them. Not covered: the first pages
 * of a new cycle file, which Chronicle writes when a writer rolls into it (once a cycle).
 */
final class Pretoucher {

    static final long PAGE = 4096;

    private final Iterable<RecordWriter> writers;
    private final SingleChronicleQueue queue;
    private final long ahead;
    private final ReferenceOwner owner = ReferenceOwner.temporary("parquetry-pretouch");
    private volatile long pagesTouched;
    private volatile long touchedCycle = -1;

    private int cycle = -1;
    private SingleChronicleQueueStore store;
    /**
     * The store's mapped file, kept alive by the store while it is held. Taken once per store: each call of
     * {@code store.bytes()} makes a new view that reserves the file until it is released, and one such view a pass
     * kept every cycle file the recorder had touched open, and its disk space allocated after it was deleted.
     */
    private MappedFile file;
    private MappedBytesStore chunk;
    /** The chunks the writers are in, held so that their unmapping happens here once the writers have moved on. */
    private final MappedBytesStore[] held = new MappedBytesStore[2];
    private final long[] heldIndex = {-1, -1};
    /** File offset up to which the current cycle file has been touched (written by the reserving thread only). */
    private volatile long touched;

    Pretoucher(Iterable<RecordWriter> writers, SingleChronicleQueue queue, long ahead) {
        this.writers = writers;
        this.queue = queue;
        this.ahead = ahead;
    }

    /** Pages touched since start (for tests and diagnostics). */
    long pagesTouched() {
        return pagesTouched;
    }

    /** Cycle of the file being touched, or -1. */
    long touchedCycle() {
        return touchedCycle;
    }

    /** File offset up to which the current cycle file has been touched. */
    long touchedUpTo() {
        return touched;
    }

    /** One pass: touches what the writers' progress calls for, below what is reserved, and returns the pages touched. */
    long tick(IntToLongFunction reservedUpTo) throws IOException {
        int c = -1;
        long p = -1;
        for (RecordWriter w : writers) {
            int wc = w.hintCycle();
            long wp = w.hintPosition();
            if (wc > c || (wc == c && wp > p)) {
                c = wc;
                p = wp;
            }
        }
        if (c < 0 || c < cycle) {
            return 0; // nothing appended yet, or only writers still behind the cycle being touched
        }
        if (c != cycle) {
            release();
            cycle = c;
            touched = 0;
            store = queue.storeForCycle(c, queue.epoch(), false, null);
            if (store == null) {
                return 0;
            }
            MappedBytes view = store.bytes();
            file = view.mappedFile();
            view.releaseLast(); // the store holds the file; the view's own reservation would keep it open for good
            touchedCycle = c;
        }
        if (store == null) {
            return 0;
        }
        holdWritersChunks(file, p);
        long limit = Math.min(p + ahead, reservedUpTo.applyAsLong(c)) & ~(PAGE - 1);
        long page = Math.max(touched, (p | (PAGE - 1)) + 1);
        long n = 0;
        for (; page < limit; page += PAGE) {
            if (chunk == null || !chunk.inside(page, Long.BYTES)) {
                releaseChunk();
                chunk = file.acquireByteStore(owner, page);
            }
            chunk.compareAndSwapLong(page, 0L, 0L);
            n++;
        }
        if (page > touched) {
            touched = page;
        }
        if (n > 0) {
            pagesTouched += n;
        }
        return n;
    }

    /**
     * Holds a reference to the chunk the furthest writer is in, and to the one before while the writer is within its
     * overlap. A writer that moves to a new chunk then drops the old one without unmapping it (munmap of 80 MiB of
     * written pages took the appending thread up to a few milliseconds); the unmapping happens here, when this thread lets
     * go of it.
     */
    private void holdWritersChunks(MappedFile file, long p) throws IOException {
        long size = file.chunkSize();
        long current = p / size;
        long previous = Math.max(0, p - file.overlapSize()) / size;
        for (int k = 0; k < held.length; k++) {
            if (heldIndex[k] != current && heldIndex[k] != previous) {
                releaseHeld(k);
            }
        }
        hold(file, current);
        hold(file, previous);
    }

    private void hold(MappedFile file, long index) throws IOException {
        int free = -1;
        for (int k = 0; k < held.length; k++) {
            if (heldIndex[k] == index) {
                return;
            }
            if (held[k] == null) {
                free = k;
            }
        }
        held[free] = file.acquireByteStore(owner, index * file.chunkSize());
        heldIndex[free] = index;
    }

    private void releaseHeld(int k) {
        if (held[k] != null) {
            held[k].release(owner);
            held[k] = null;
            heldIndex[k] = -1;
        }
    }

    private void releaseChunk() {
        if (chunk != null) {
            chunk.release(owner);
            chunk = null;
        }
    }

    /** Lets go of every chunk and the store: on a failure, and when the reserving thread stops. */
    void release() {
        releaseChunk();
        for (int k = 0; k < held.length; k++) {
            releaseHeld(k);
        }
        touchedCycle = -1;
        cycle = -1;
        file = null;
        if (store != null) {
            queue.closeStore(store);
            store = null;
        }
    }
}
