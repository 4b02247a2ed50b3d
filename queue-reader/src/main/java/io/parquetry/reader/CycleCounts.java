package io.parquetry.reader;

import io.parquetry.queue.CycleFile;
import io.parquetry.queue.CycleFiles;
import io.parquetry.queue.DamageFound;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntSupplier;
import net.openhft.chronicle.queue.RollCycle;

/**
 * Where a queue starts and ends and how many records its cycles hold, from the cycle files' store headers (the write
 * position and the sequence stored with it) rather than from Chronicle, whose lookups scan a file from its last index
 * entry and would read into damage. Not thread-safe.
 */
final class CycleCounts implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CycleCounts.class);

    private final CycleFiles cycleFiles;
    private final RollCycle rollCycle;
    private final IntSupplier lastCycle;
    private final CycleFile.Walk walk = new CycleFile.Walk();
    /** The newest cycle file, kept open for {@link #lastIndex()}, which a converter asks for ten times a second. */
    private CycleFile newest;
    /** Record counts of cycles that are over (a later cycle exists): they do not change. */
    private final HashMap<Integer, Long> closedCounts = new HashMap<>();

    CycleCounts(CycleFiles cycleFiles, RollCycle rollCycle, IntSupplier lastCycle) {
        this.cycleFiles = cycleFiles;
        this.rollCycle = rollCycle;
        this.lastCycle = lastCycle;
    }

    /**
     * Records in indexes {@code from} (inclusive) to {@code to} (exclusive, a later cycle's first index or one of the
     * same cycle); -1 when a count is not known.
     */
    long recordsBetween(long from, long to) {
        int c1 = rollCycle.toCycle(from);
        int c2 = rollCycle.toCycle(to);
        if (c1 == c2) {
            return to - from;
        }
        long n = recordsInCycle(c1);
        if (n < 0) {
            return -1;
        }
        n -= rollCycle.toSequenceNumber(from);
        for (Integer c : cycleFiles.between(c1, c2).keySet()) {
            long m = recordsInCycle(c);
            if (m < 0) {
                return -1;
            }
            n += m;
        }
        return n + rollCycle.toSequenceNumber(to);
    }

    /** Records in a cycle as its store header says: 0 when the file is absent or has none, -1 when not readable. */
    long recordsInCycle(int c) {
        Long known = closedCounts.get(c);
        if (known != null) {
            return known;
        }
        Path p = cycleFiles.path(c);
        if (!Files.exists(p)) {
            return 0;
        }
        long n;
        try (CycleFile f = CycleFile.open(p, c)) {
            n = lastSequence(f) + 1;
        } catch (java.io.UncheckedIOException gone) {
            return 0;
        } catch (DamageFound e) {
            return -1;
        }
        if (c < lastCycle.getAsInt()) {
            closedCounts.put(c, n);
        }
        return n;
    }

    /** Index of the last record in the queue as the last cycle file with records says, or -1 when there is none. */
    long lastIndex() {
        int c = lastCycle.getAsInt();
        if (c >= 0) {
            try {
                if (newest == null || newest.cycle() != c) {
                    closeNewest();
                    Path p = cycleFiles.path(c);
                    if (Files.exists(p)) {
                        newest = CycleFile.open(p, c);
                    }
                }
                if (newest != null) {
                    long seq = lastSequence(newest);
                    if (seq >= 0) {
                        return rollCycle.toIndex(c, seq);
                    }
                }
            } catch (java.io.UncheckedIOException gone) {
                closeNewest();
            }
        }
        for (Map.Entry<Integer, Path> e : cycleFiles.between(Integer.MIN_VALUE, Integer.MAX_VALUE).descendingMap().entrySet()) {
            try (CycleFile f = CycleFile.open(e.getValue(), e.getKey())) {
                long seq = lastSequence(f);
                if (seq >= 0) {
                    return rollCycle.toIndex(e.getKey(), seq);
                }
            } catch (java.io.UncheckedIOException gone) {
                LOG.debug("cycle file vanished while read (retention?): {}", e.getValue());
            }
        }
        return -1;
    }

    /** Index of the first record of the first cycle file with records, or Long.MAX_VALUE when there is none. */
    long firstIndex() {
        for (Map.Entry<Integer, Path> e : cycleFiles.between(Integer.MIN_VALUE, Integer.MAX_VALUE).entrySet()) {
            try (CycleFile f = CycleFile.open(e.getValue(), e.getKey())) {
                if (!cycleFiles.headerReady(f)) {
                    continue;
                }
                f.walk(0, Long.MAX_VALUE, 0, walk);
                if (walk.outcome == CycleFile.LIMIT) {
                    return rollCycle.toIndex(e.getKey(), 0);
                }
            } catch (java.io.UncheckedIOException gone) {
                LOG.debug("cycle file vanished while read (retention?): {}", e.getValue());
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * The sequence of the last record of a cycle file, -1 when it has none.
     *
     * @throws DamageFound when its store header or index is damaged
     */
    private long lastSequence(CycleFile f) {
        if (!cycleFiles.headerReady(f)) {
            return -1;
        }
        f.walk(0, Long.MAX_VALUE, 0, walk);
        if (walk.outcome != CycleFile.LIMIT) {
            return -1;
        }
        for (int i = 0; i < 100; i++) {
            long wp = f.writePosition();
            long seq = f.sequenceAt(wp);
            if (seq >= 0) {
                return seq;
            }
            Thread.onSpinWait(); // an appender is between its two writes
        }
        // Count from the last index entry at or before the write position. Entries are in increasing position order and
        // 0 past the last one written, so search for it: a cycle file holds up to billions of records (millions of
        // entries), and reading them one by one maps and unmaps the file's chunks in turn for seconds.
        long wp = f.writePosition();
        long spacing = f.indexSpacing();
        long k = lastEntryAtOrBefore(f, spacing, wp);
        f.walk(f.indexedPosition(k * spacing), wp, Long.MAX_VALUE, walk);
        if (walk.outcome != CycleFile.LANDED) {
            throw f.damage(walk);
        }
        return k * spacing + walk.data;
    }

    /** The largest k whose index entry (sequence {@code k * spacing}) is written and at or before {@code wp}; 0 if none. */
    static long lastEntryAtOrBefore(CycleFile f, long spacing, long wp) {
        long lo = 0;
        long hi = 1;
        while (entryAtOrBefore(f, hi * spacing, wp)) {
            lo = hi;
            hi *= 2;
        }
        while (hi - lo > 1) {
            long mid = (lo + hi) >>> 1;
            if (entryAtOrBefore(f, mid * spacing, wp)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static boolean entryAtOrBefore(CycleFile f, long sequence, long wp) {
        long p = f.indexedPosition(sequence);
        return p != 0 && p <= wp;
    }

    private void closeNewest() {
        if (newest != null) {
            newest.close();
            newest = null;
        }
    }

    @Override
    public void close() {
        closeNewest();
    }
}
