package io.parquetry.reader;

import io.parquetry.queue.CycleFile;
import io.parquetry.queue.CycleFiles;
import io.parquetry.queue.DamageFound;
import java.nio.file.Path;
import java.util.TreeMap;
import net.openhft.chronicle.queue.RollCycle;

/**
 * Where reading can resume after damage: Chronicle positions a tailer exactly only at index entries, so the first
 * index entry after the damage whose headers lead to the next entry (or the write position), else the start of the next
 * cycle file. Intact records between the damage and that entry are skipped with it. Reads the cycle files afresh each
 * time (the queue may have grown since the damage was found).
 */
final class ResumePoints {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ResumePoints.class);

    private final RollCycle rollCycle;
    private final CycleFiles cycleFiles;

    ResumePoints(RollCycle rollCycle, CycleFiles cycleFiles) {
        this.rollCycle = rollCycle;
        this.cycleFiles = cycleFiles;
    }

    /**
     * The first index after damage at {@code f} where the tailer can resume without reading through it; -1 when there is
     * none yet.
     *
     * @param from the first index of the damaged range (where to start looking in the damaged cycle)
     */
    long after(DamageFound f, long from) {
        try (CycleFile g = CycleFile.open(f.file(), f.cycle())) {
            long inCycle = inCycle(g, f.position(), from);
            if (inCycle >= 0) {
                return inCycle;
            }
        } catch (RuntimeException e) {
            LOG.debug("no resume point in the damaged cycle file {}: {}", f.file(), e.toString());
        }
        TreeMap<Integer, Path> later = cycleFiles.between(f.cycle(), Integer.MAX_VALUE);
        return later.isEmpty() ? -1 : rollCycle.toIndex(later.firstKey(), 0);
    }

    private long inCycle(CycleFile g, long damagedAt, long from) {
        g.checkHeader();
        long spacing = g.indexSpacing();
        long wp = g.writePosition();
        long seqW = g.sequenceAt(wp);
        if (seqW < 0) {
            return -1;
        }
        long fromSeq = rollCycle.toCycle(from) == g.cycle() ? rollCycle.toSequenceNumber(from) : 0;
        CycleFile.Walk w = new CycleFile.Walk();
        for (long k = fromSeq / spacing + 1; k * spacing <= seqW; k++) {
            long p = g.indexedPosition(k * spacing);
            if (p <= damagedAt) {
                continue;
            }
            long nextSeq = Math.min((k + 1) * spacing, seqW);
            long next = nextSeq == seqW ? wp : g.indexedPosition(nextSeq);
            if (next == 0) {
                next = wp;
                nextSeq = seqW;
            }
            g.walk(p, next, nextSeq - k * spacing, w);
            if (w.outcome == CycleFile.LANDED && w.data == nextSeq - k * spacing) {
                return rollCycle.toIndex(g.cycle(), k * spacing);
            }
        }
        return -1;
    }
}
