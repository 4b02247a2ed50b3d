package io.parquetry.recorder;

import static io.parquetry.queue.CycleFileDescriptor.END_OF_DATA;
import static io.parquetry.queue.CycleFileDescriptor.HEADER_LENGTH;
import static io.parquetry.queue.CycleFileDescriptor.isComplete;
import static io.parquetry.queue.CycleFileDescriptor.isData;
import static io.parquetry.queue.CycleFileDescriptor.lengthOf;
import static io.parquetry.queue.CycleFileDescriptor.nextHeader;

import io.parquetry.platform.DurableFiles;
import io.parquetry.queue.CycleFile;
import io.parquetry.queue.CycleFileDescriptor;
import io.parquetry.queue.CycleFiles;
import io.parquetry.queue.DamageFound;
import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.QueueDirectory;
import io.parquetry.queue.QueueMetadata;
import io.parquetry.queue.SyncMark;
import io.parquetry.schema.RecordLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.zip.CRC32C;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a queue's files agree on where the queue ends before a recorder appends to it, after whatever stopped the
 * last one: a kill mid-append, or a power cut, which may keep any subset of the pages written since the files were last
 * synced (docs/OPERATIONS.md, "After a power cut"). Run by the first recorder to open the queue, holding the queue's lock
 * exclusively ({@link QueueLock}), before Chronicle maps its files.
 *
 * <p>From the last synced record ({@link SyncMark}; without one, from the start of the newest two cycle files) it
 * follows the excerpt headers and checks each record's checksum (layout version 2) to the first place that is not a
 * whole excerpt: a zero header (the end), the end-of-cycle marker, or a torn or incomplete excerpt. Whatever non-zero
 * bytes lie from there to the end of the file, and every later cycle file, were written after the last sync (a sync is
 * a barrier: nothing synced lies after something lost), so no record there was promised durable; they are copied into
 * {@code parquetry-repair/} in the queue directory, never just dropped, and zeroed (later files are moved there whole).
 * The store header's write position and sequence, and the index, are then set to what Chronicle leaves after appending
 * the last whole record, and a cycle file followed by a later one gets its end-of-cycle marker. So Chronicle's appender
 * starts right after the last whole record, the reader finds the same end, and no record's index is shared with an
 * earlier one's that anybody could have committed (a converter commits only records it has forced to disk, which lie
 * before any damage). Damage at or before the last synced record is not a power cut's: nothing is changed, and it is
 * logged (the converter stops there and names it; {@code parquetry skip-damaged} is the operator's way past it).
 *
 * <p>A metadata file ({@code metadata.cq4t}) that is empty, all zeros (never synced before a power cut) or of another
 * roll cycle (rewritten by a tool that opened the queue with Chronicle's defaults) is moved into {@code parquetry-repair/}
 * as well: Chronicle writes a new one with the queue's roll cycle from {@code parquetry-schema.yaml}, and rebuilds its
 * listing of cycle files from the directory.
 */
final class QueueRepair {

    private static final Logger LOG = LoggerFactory.getLogger(QueueRepair.class);
    /** Where what a repair takes out of the queue's files is kept. */
    static final String REPAIR_DIR = QueueDirectory.REPAIR_DIR;
    private static final int WINDOW = 1 << 20;

    private final Path queueDir;
    private final ExcerptFormat format;
    private final RollCycle rollCycle;
    private final CRC32C crc = new CRC32C();
    private final byte[] excerpt;
    private final String stamp = Instant.now().toString().replace(':', '-');
    private boolean changedDirectory;

    private QueueRepair(Path queueDir, ExcerptFormat format, RollCycle rollCycle) {
        this.queueDir = queueDir;
        this.format = format;
        this.rollCycle = rollCycle;
        this.excerpt = new byte[format.maxExcerptLength()];
    }

    /**
     * Repairs the queue in {@code queueDir}; the caller holds its lock exclusively and nothing of it is open.
     *
     * @return the queue's last whole record as a new sync mark, or the mark it had when nothing was written after it
     */
    static SyncMark.Mark run(Path queueDir, ExcerptFormat format, RollCycle rollCycle) {
        QueueRepair r = new QueueRepair(queueDir, format, rollCycle);
        try {
            r.metadata();
            return r.cycles();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot repair the queue: queue=" + queueDir + ": " + e, e);
        }
    }

    // -------------------------------------------------------------------------------------------------------- metadata

    private void metadata() throws IOException {
        Path meta = queueDir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE);
        String problem = QueueMetadata.problem(meta, rollCycle);
        if (problem == null) {
            return;
        }
        Path aside = moveAside(meta);
        LOG.warn("the queue's metadata file {}: moved it to {}; Chronicle writes a new one with the queue's roll cycle {}: file={}", problem, aside,
                rollCycle, meta);
    }

    // ---------------------------------------------------------------------------------------------------------- cycles

    /** How a cycle file's excerpts end, from where the scan started. */
    private static final class Scan {
        /** The first position that is not a whole excerpt. */
        long end;
        /** The end is the end-of-cycle marker. */
        boolean endOfCycle;
        /** Header position and sequence of the last whole data excerpt, or -1. */
        long lastData = -1;
        long lastSequence = -1;
        /** What stopped the scan, when it is not a zero header or the end-of-cycle marker. */
        String stop;
        /** The queue's end is in this file (it was torn there, or the file was moved aside): later files are after it. */
        boolean cut;
        /** Why the whole file holds nothing synced (it goes aside), or null. */
        String nothingSynced;
    }

    private SyncMark.Mark cycles() throws IOException {
        SyncMark.Mark previous = SyncMark.read(queueDir);
        SyncMark.Mark mark = previous != null && previous.hasRecord() ? previous : null;
        List<Path> files = CycleFiles.list(queueDir);
        CycleFiles names = new CycleFiles(queueDir, rollCycle, 0);
        int first = Math.max(0, files.size() - 2);
        if (mark != null) {
            first = files.size();
            for (int i = 0; i < files.size(); i++) {
                if (names.cycleOf(files.get(i).getFileName().toString()) >= mark.cycle()) {
                    first = i;
                    break;
                }
            }
        }
        boolean cut = false;
        int endCycle = Integer.MIN_VALUE;
        long endPosition = -1;
        long endSequence = -1;
        for (int i = first; i < files.size(); i++) {
            Path p = files.get(i);
            int cycle = names.cycleOf(p.getFileName().toString());
            if (cut) {
                LOG.warn("repair: a cycle file after the queue's torn end holds nothing synced: moved it to {}: file={}", moveAside(p), p);
                continue;
            }
            SyncMark.Mark from = mark != null && mark.cycle() == cycle ? mark : null;
            Scan s = repairFile(p, cycle, from, i == files.size() - 1);
            if (s != null && s.nothingSynced != null) {
                // Moved only now that the scan's mapping of it is closed.
                LOG.warn("repair: a cycle file holds nothing synced, {}: moved it to {}", s.nothingSynced, moveAside(p));
            }
            if (s == null) {
                // Damage where the last sync says everything is whole: not a power cut's, not ours to touch. The queue is not
                // known whole in this boot, so the mark keeps the boot it had.
                return previous;
            }
            cut = s.cut;
            if (s.lastData >= 0) {
                endCycle = cycle;
                endPosition = s.lastData;
                endSequence = s.lastSequence;
            }
        }
        if (changedDirectory) {
            DurableFiles.syncDirectory(queueDir.toAbsolutePath());
        }
        // Every record after the last synced one was checked, or cut: in this boot the queue is whole up to its end. The
        // new mark says so (its boot), whatever changed.
        if (endPosition >= 0) {
            return SyncMark.write(queueDir, previous, endCycle, endPosition, endSequence);
        }
        if (mark != null) {
            return SyncMark.write(queueDir, previous, mark.cycle(), mark.position(), mark.sequence());
        }
        return SyncMark.write(queueDir, previous, 0, 0, -1);
    }

    /**
     * Repairs one cycle file.
     *
     * @return how its excerpts end now ({@link Scan#cut} when the queue's end is inside it); null when it is damaged where
     *     the last sync says everything is whole
     */
    private Scan repairFile(Path p, int cycle, SyncMark.Mark from, boolean last) throws IOException {
        try (CycleFile f = CycleFile.open(p, cycle); FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            try {
                f.checkHeader();
            } catch (DamageFound d) {
                if (from != null) {
                    LOG.warn("the queue is damaged where its last sync says every record is whole: {}; left as it is: file={}", d.getMessage(), p);
                    return null;
                }
                return nothingSynced("its store header is damaged (" + d.found() + ")");
            }
            Scan s = scan(f, ch, from);
            if (s == null) {
                LOG.warn("the queue is damaged at its last synced record (position {}, sequence {}): left as it is: file={}", from.position(),
                        from.sequence(), p);
                return null;
            }
            long garbageEnd = s.endOfCycle ? s.end : lastNonZero(ch, s.end, ch.size());
            boolean torn = garbageEnd > s.end;
            if (torn && s.lastData < 0) {
                // Not one whole record, and something torn where the index arrays or the first records were: keep nothing.
                return nothingSynced("it is torn before its first whole record (" + (s.stop == null ? "non-zero bytes after a zero header"
                        : s.stop) + " at position " + s.end + ")");
            }
            boolean changed = false;
            if (torn) {
                Path saved = saveAside(p, ch, s.end, garbageEnd);
                zero(ch, s.end, garbageEnd);
                LOG.warn("repair: the queue's end was torn ({} at position {}): bytes {}..{} after the last whole record were not synced;"
                        + " copied to {} and zeroed: file={}", s.stop == null ? "non-zero bytes after a zero header" : s.stop, s.end, s.end,
                        garbageEnd, saved, p);
                changed = true;
            }
            changed |= fixIndex(f, ch, s.end);
            changed |= fixWritePosition(f, ch, s);
            if (!s.endOfCycle && !last && !torn) {
                // A later cycle file exists: the appender wrote this one's end-of-cycle marker before it created that one.
                putInt(ch, s.end, END_OF_DATA);
                LOG.warn("repair: wrote the end-of-cycle marker a power cut lost, at position {}: file={}", s.end, p);
                changed = true;
            }
            if (changed) {
                ch.force(true);
            }
            s.cut = torn;
            return s;
        }
    }

    /** A cycle file that holds nothing synced, for the reason given: it is to be moved aside whole, and later ones with it. */
    private static Scan nothingSynced(String why) {
        Scan s = new Scan();
        s.cut = true;
        s.nothingSynced = why;
        return s;
    }

    /**
     * Follows the excerpts from {@code from} (or the start of the file) to the first place that is not a whole one.
     *
     * @return the scan, or null when the record {@code from} names is not whole
     */
    private Scan scan(CycleFile f, FileChannel ch, SyncMark.Mark from) throws IOException {
        Scan s = new Scan();
        long pos = from == null ? 0 : from.position();
        long sequence = from == null ? 0 : from.sequence();
        Window w = new Window(ch, Math.max(WINDOW, HEADER_LENGTH + format.maxExcerptLength()));
        while (true) {
            if (!w.holds(pos, HEADER_LENGTH)) {
                break; // the file ends: nothing more was written
            }
            int h = w.intAt(pos);
            if (h == 0) {
                break;
            }
            if (h == END_OF_DATA) {
                s.endOfCycle = true;
                break;
            }
            if (!isComplete(h)) {
                s.stop = CycleFileDescriptor.describeHeader(h);
                break;
            }
            int len = lengthOf(h);
            if (!w.holds(pos, HEADER_LENGTH + (long) len)) {
                s.stop = CycleFileDescriptor.describeHeader(h) + " whose bytes run past the end of the file";
                break;
            }
            if (isData(h)) {
                if (format.fits(len) && format.checksummed() && !checksumMatches(w, pos, len)) {
                    s.stop = "a record whose CRC32C does not match its bytes";
                    break;
                }
                s.lastData = pos;
                s.lastSequence = sequence++;
            } else if (!f.isKnownMetadata(pos)) {
                s.stop = CycleFileDescriptor.describeHeader(h) + " that is not an index array";
                break;
            }
            pos = nextHeader(pos, h);
        }
        if (from != null && s.lastData < 0) {
            return null; // the scan starts at the synced record: it is not whole
        }
        s.end = pos;
        return s;
    }

    private boolean checksumMatches(Window w, long header, int excerptLength) throws IOException {
        w.copy(header + HEADER_LENGTH, excerpt, excerptLength);
        int n = format.checkedLengthIn(excerptLength); // the record, and its schema version in layout version 4
        return ExcerptFormat.checksum(crc, excerpt, 0, n) == RecordLayout.getInt(excerpt, n);
    }

    /** The index must not point at or after {@code end}; the next sequence to index follows the last whole record. */
    private boolean fixIndex(CycleFile f, FileChannel ch, long end) throws IOException {
        boolean changed = false;
        long i2i = f.index2IndexValues();
        int count = f.indexCount();
        long usedSlots = 0;
        for (int slot = 0; slot < count; slot++) {
            long at = i2i + (long) slot * Long.BYTES;
            long array = f.longAt(at);
            if (array == 0) {
                continue;
            }
            if (array >= end) {
                putLong(ch, at, 0);
                changed = true;
                continue;
            }
            long values = f.indexArrayValues(array);
            long used = 0;
            for (int k = 0; k < count; k++) {
                long v = f.longAt(values + (long) k * Long.BYTES);
                if (v >= end) {
                    putLong(ch, values + (long) k * Long.BYTES, 0);
                    changed = true;
                } else if (v != 0) {
                    used = k + 1;
                }
            }
            if (f.longAt(values - Long.BYTES) > used) {
                putLong(ch, values - Long.BYTES, used);
                changed = true;
            }
            usedSlots = slot + 1;
        }
        if (f.longAt(i2i - Long.BYTES) > usedSlots) {
            putLong(ch, i2i - Long.BYTES, usedSlots);
            changed = true;
        }
        return changed;
    }

    /** Write position, its sequence and the next sequence to index, as Chronicle leaves them after the last whole record. */
    private boolean fixWritePosition(CycleFile f, FileChannel ch, Scan s) throws IOException {
        long wpAt = f.writePositionOffset();
        long position = Math.max(0, s.lastData);
        long encoded = s.lastData < 0 ? 0 : (s.lastData << f.sequenceShift()) + s.lastSequence;
        boolean changed = false;
        if (f.longAt(wpAt) != position || f.longAt(wpAt + Long.BYTES) != encoded) {
            putLong(ch, wpAt, position);
            putLong(ch, wpAt + Long.BYTES, encoded);
            changed = true;
        }
        long nextToIndex = s.lastData < 0 ? 0 : (s.lastSequence / f.indexSpacing() + 1) * f.indexSpacing();
        long at = f.nextToIndexOffset();
        if (at >= 0 && f.longAt(at) > nextToIndex) {
            putLong(ch, at, nextToIndex);
            changed = true;
        }
        return changed;
    }

    // --------------------------------------------------------------------------------------------------------- helpers

    /** One past the last non-zero byte in {@code [from, to)}, or {@code from} when all are zero. */
    private static long lastNonZero(FileChannel ch, long from, long to) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(WINDOW);
        long found = from;
        for (long at = from; at < to; at += WINDOW) {
            b.clear().limit((int) Math.min(WINDOW, to - at));
            readFully(ch, b, at);
            for (int i = b.limit() - 1; i >= 0; i--) {
                if (b.get(i) != 0) {
                    found = at + i + 1;
                    break;
                }
            }
        }
        return found;
    }

    private Path saveAside(Path file, FileChannel ch, long from, long to) throws IOException {
        Path dir = repairDir();
        Path saved = dir.resolve(file.getFileName() + "." + from + "-" + to + "." + stamp + ".bin");
        try (FileChannel out = FileChannel.open(saved, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(WINDOW);
            for (long at = from; at < to; at += WINDOW) {
                b.clear().limit((int) Math.min(WINDOW, to - at));
                readFully(ch, b, at);
                b.flip();
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
            out.force(true);
        }
        DurableFiles.syncDirectory(dir);
        return saved;
    }

    private Path moveAside(Path file) throws IOException {
        Path dir = repairDir();
        Path aside = dir.resolve(file.getFileName() + "." + stamp);
        Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.syncDirectory(dir);
        changedDirectory = true;
        return aside;
    }

    private Path repairDir() throws IOException {
        Path dir = queueDir.toAbsolutePath().resolve(REPAIR_DIR);
        DurableFiles.createDirectories(dir);
        return dir;
    }

    private static void zero(FileChannel ch, long from, long to) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate(WINDOW);
        for (long at = from; at < to; at += WINDOW) {
            zeros.clear().limit((int) Math.min(WINDOW, to - at));
            while (zeros.hasRemaining()) {
                ch.write(zeros, at + zeros.position());
            }
        }
    }

    private static void putLong(FileChannel ch, long at, long v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
        while (b.hasRemaining()) {
            ch.write(b, at + b.position());
        }
    }

    private static void putInt(FileChannel ch, long at, int v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(0, v);
        while (b.hasRemaining()) {
            ch.write(b, at + b.position());
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                while (b.hasRemaining()) {
                    b.put((byte) 0); // past the end: what a reader of the file finds there is nothing
                }
            }
        }
        b.flip();
    }

    /** A window of a file read through its channel, for a scan that reads every byte once. */
    private static final class Window {
        private final FileChannel ch;
        private final long size;
        private final ByteBuffer buf;
        private long start = -1;

        /** @param capacity bytes read at a time: at least a whole excerpt with its header */
        Window(FileChannel ch, int capacity) throws IOException {
            this.buf = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
            this.ch = ch;
            this.size = ch.size();
        }

        boolean holds(long pos, long length) {
            return pos + length <= size;
        }

        int intAt(long pos) throws IOException {
            load(pos, Integer.BYTES);
            return buf.getInt((int) (pos - start));
        }

        void copy(long pos, byte[] dst, int length) throws IOException {
            load(pos, length);
            buf.get((int) (pos - start), dst, 0, length);
        }

        private void load(long pos, int length) throws IOException {
            if (start >= 0 && pos >= start && pos + length <= start + buf.limit()) {
                return;
            }
            start = pos;
            buf.clear().limit((int) Math.min(buf.capacity(), size - pos));
            readFully(ch, buf, pos);
        }
    }
}
