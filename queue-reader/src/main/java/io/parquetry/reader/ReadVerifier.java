package io.parquetry.reader;

import static io.parquetry.queue.CycleFileDescriptor.END_OF_DATA;
import static io.parquetry.queue.CycleFileDescriptor.HEADER_LENGTH;
import static io.parquetry.queue.CycleFileDescriptor.describeHeader;
import static io.parquetry.queue.CycleFileDescriptor.isComplete;
import static io.parquetry.queue.CycleFileDescriptor.isData;

import io.parquetry.queue.CycleFile;
import io.parquetry.queue.CycleFileDescriptor;
import io.parquetry.queue.CycleFiles;
import io.parquetry.queue.DamageFound;
import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.SyncMark;
import io.parquetry.schema.RecordLayout;
import io.parquetry.schema.Schema;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.internal.NativeBytesStore;
import net.openhft.chronicle.queue.RollCycle;

/**
 * Checks what a Chronicle tailer hands on against the cycle file itself ({@link CycleFile}), so that a record is handed
 * to the consumer only when its bytes are in the file and it lies on the chain of headers the appenders wrote, so that
 * the reader never moves past records silently, and so that the tailer is never let read past the end of a file (a
 * read-only mapping faults there, and the JVM may raise that fault later, anywhere in the thread). Single-threaded,
 * like the tailer it watches.
 *
 * <p>The evidence, all from the file: its length on disk; the store header's write position, the header position of
 * the last record an appender completed (an appender completes every header before it raises the write position past
 * it, and writes the end-of-cycle marker before it creates a later cycle file); the sequence stored with it; the index
 * entries, the positions of every n-th record. The checks:
 * <ul>
 *   <li>each record: it starts where the previous one ended (or only index arrays lie between) and its bytes end inside
 *   the file; the header after it is complete unless the record is the last written (else the damage starts there, or
 *   at the record itself when its tail lies in zeroed sectors); a record whose length is not the schema's must lead,
 *   header by header, to the next index entry or the write position with the right count, and no chain of records of
 *   the schema's length may lead there from where it would have ended (a garbage header);</li>
 *   <li>before each read: the next header is inside the file; an index array there is whole; at an end-of-cycle marker,
 *   the cycle's last record read is the one at the write position with the stored sequence, and the next cycle file is
 *   whole enough for the tailer to open;</li>
 *   <li>when the tailer finds nothing: the header it stopped at is zero or incomplete only above the write position,
 *   an end-of-cycle marker only after it, and a missing marker only while no later cycle file exists;</li>
 *   <li>before positioning and before the first record: the target cycle's store header and index are readable and the
 *   headers lead to the record; entering a cycle: the record is where they lead; cycle files passed over hold no
 *   records.</li>
 * </ul>
 * Per record: a few comparisons and one read of the next header.
 */
final class ReadVerifier implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReadVerifier.class);
    private static final int NO_CYCLE = Integer.MIN_VALUE;

    private final Path queueDir;
    private final RollCycle rollCycle;
    private final CycleFiles cycleFiles;
    /**
     * The versions of the schema, by the version each record carries (queue layout version 4; a queue of an older layout
     * has one): each record is checked as one of its version, whose format says its length (one, or for records with
     * variable fields a range) and what follows it.
     */
    private final RecordVersions versions;
    /** The version slot of the last record accepted ({@link RecordVersions}), or UNKNOWN for one not of the schema. */
    private int slot = RecordVersions.UNKNOWN;
    /** Scratch for checking a record's checksum. */
    private final CRC32C crc = new CRC32C();
    private byte[] scratch;
    /**
     * Whether records' checksums are checked: not when a recorder made the queue whole in this boot, since then no record
     * can be torn ({@link SyncMark#wholeInThisBoot}); the reader says which.
     */
    private boolean checkChecksums = true;
    /** The mapping {@link #view} covers, and the file position of the view's first byte. */
    private BytesStore<?, ?> viewStore;
    private ByteBuffer view;
    private long viewStart;
    private final IntSupplier lastCycle;
    private final CycleFile.Walk walk = new CycleFile.Walk();
    private final ResumePoints resumePoints;

    /** The file of {@link #cycle}, or of the cycle the reader was positioned in; null before that. */
    private CycleFile file;
    /** The cycle of the last record accepted, or NO_CYCLE after the reader was positioned. */
    private int cycle = NO_CYCLE;
    /** Header position in {@link #file} where the next excerpt must start, once a record was accepted. */
    private long expectedNext = -1;
    /** Headers below this position were checked by a walk that reached an index entry or the write position. */
    private long verifiedTo = -1;
    private long lastIndex = -1;
    private long lastPosition = -1;
    /** Where the bytes of the last record accepted end. */
    private long lastEnd = -1;
    /** The header after the record being accepted, as {@link #checkSuccessor} read it. */
    private int successor;
    /** The index the next record should have (after a move), or -1 for the start of the queue. */
    private long nextIndex = -1;
    private int endCheckedCycle = NO_CYCLE;
    /** The later cycle last checked, at an end-of-cycle marker, before the tailer opens it. */
    private int preflightedCycle = NO_CYCLE;
    private QueueDamagedException damage;
    private DamageFound finding;

    ReadVerifier(Path queueDir, RollCycle rollCycle, CycleFiles cycleFiles, RecordVersions versions, IntSupplier lastCycle) {
        this.queueDir = queueDir;
        this.rollCycle = rollCycle;
        this.cycleFiles = cycleFiles;
        this.resumePoints = new ResumePoints(rollCycle, cycleFiles);
        this.versions = versions;
        this.scratch = new byte[versions.any().maxExcerptLength()];
        this.lastCycle = lastCycle;
    }

    CycleFiles cycleFiles() {
        return cycleFiles;
    }

    /** The damage found, or null. */
    QueueDamagedException damage() {
        return damage;
    }

    /** True once damage was found: nothing more is handed on until the reader is positioned again. */
    boolean stopped() {
        return damage != null;
    }

    /** The damage found would make the tailer read past the end of a file. */
    boolean pastEnd() {
        return damage != null && finding != null && finding.pastEnd();
    }

    // ------------------------------------------------------------------------------------------------------ positioning

    /** The reader is being moved: {@code index} is the next record's index, or -1 for the start of the queue. */
    void positioned(long index) {
        damage = null;
        finding = null;
        cycle = NO_CYCLE;
        expectedNext = -1;
        verifiedTo = -1;
        lastIndex = -1;
        lastPosition = -1;
        lastEnd = -1;
        nextIndex = index;
        successor = 0;
        endCheckedCycle = NO_CYCLE;
        preflightedCycle = NO_CYCLE;
    }

    /**
     * Before the tailer is positioned or reads without a known position: the cycle file it goes to must be readable up
     * to the record it will read.
     *
     * @throws QueueDamagedException when it is not (and keeps it)
     */
    void preflight() {
        try {
            checkTarget();
        } catch (DamageFound f) {
            throw damage(f, null);
        }
    }

    private void checkTarget() {
        int c;
        long seq;
        if (nextIndex >= 0) {
            c = rollCycle.toCycle(nextIndex);
            seq = rollCycle.toSequenceNumber(nextIndex);
        } else {
            TreeMap<Integer, Path> all = cycleFiles.between(Integer.MIN_VALUE, Integer.MAX_VALUE);
            if (all.isEmpty()) {
                return;
            }
            c = all.firstKey();
            seq = 0;
        }
        if (file == null || file.cycle() != c) {
            closeFile();
            Path p = cycleFiles.path(c);
            if (!Files.exists(p)) {
                return;
            }
            file = CycleFile.open(p, c);
        }
        checkRecord(file, seq);
    }

    /**
     * The headers of {@code f} must lead to record {@code seq} from the index entry at or before it (where Chronicle's
     * moveToIndex starts too), or stop where nothing more was written.
     *
     * @return false when the file's store header is not written yet (an appender is creating it)
     */
    private boolean checkRecord(CycleFile f, long seq) {
        f.refreshSize();
        if (!cycleFiles.headerReady(f)) {
            return false;
        }
        long fromSeq = f.anchorAtOrBefore(seq);
        long start = fromSeq < 0 ? 0 : f.indexedPosition(fromSeq);
        f.walk(start, Long.MAX_VALUE, seq - Math.max(fromSeq, 0), walk);
        judgeStop(f, false);
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------- reading

    /**
     * Before asking the tailer for more: throws the damage found earlier, and checks that what the tailer reads next is
     * inside the file.
     */
    void beforeRead() {
        if (damage != null) {
            throw damage;
        }
        if (cycle == NO_CYCLE) {
            preflight();
            return;
        }
        try {
            // Measured once a call: the file may have been cut short since, even below records already handed on.
            long size = file.refreshSize();
            if (size < lastEnd) {
                throw shrunk(size);
            }
            if (!file.contains(expectedNext, HEADER_LENGTH)) {
                throw file.damageAt(expectedNext, "the file ends at " + file.size() + " bytes, before the header at position "
                        + expectedNext + " and with no end-of-cycle marker (truncated)", true);
            }
            int h = file.header(expectedNext);
            if (h == END_OF_DATA) {
                if (endCheckedCycle != cycle) {
                    checkEndOfCycle(expectedNext);
                }
                preflightNextCycle();
            } else if (isComplete(h) && !isData(h)) {
                file.walk(expectedNext, Long.MAX_VALUE, 0, walk); // the tailer skips index arrays: they must be whole
                judgeStop(file, true);
            }
        } catch (DamageFound f) {
            throw damage(f, null);
        }
    }

    /** At an end-of-cycle marker: the cycle files the tailer moves to next must be whole enough for it to open. */
    private void preflightNextCycle() {
        if (lastCycle.getAsInt() <= cycle) {
            return;
        }
        for (Map.Entry<Integer, Path> e : cycleFiles.between(Math.max(cycle, preflightedCycle), Integer.MAX_VALUE).entrySet()) {
            try (CycleFile f = CycleFile.open(e.getValue(), e.getKey())) {
                if (!checkRecord(f, 0)) {
                    return; // being created: look again next time
                }
                preflightedCycle = e.getKey();
                if (walk.outcome == CycleFile.LIMIT) {
                    return; // it has a record: the tailer stops there
                }
            } catch (java.io.UncheckedIOException gone) {
                LOG.debug("cycle file vanished while checked (retention?): {}", e.getValue());
            }
        }
    }

    /**
     * Checks an excerpt the tailer found before it is handed on.
     *
     * @param position the position of its header in the cycle file
     * @param mapped the tailer's mapping of the file around the excerpt, read for the header after it when it holds it
     *     (the same bytes as the verifier's own mapping, already in the TLB)
     * @return false when it cannot be checked yet (leave it unread and try again later)
     * @throws QueueDamagedException when it must not be handed on
     */
    boolean accept(long index, long position, long length, BytesStore<?, ?> mapped) {
        long next = CycleFileDescriptor.nextHeaderAfter(position, length);
        successor = 0; // set again by checkSuccessor: a stale one must not lead nextInMapping anywhere
        DamageFound after;
        try {
            int c = rollCycle.toCycle(index);
            if (c != cycle) {
                enterCycle(c, index, position);
            } else if (position != expectedNext) {
                checkGap(position);
            }
            if (!file.contains(position, HEADER_LENGTH + length)) {
                throw file.damageAt(position, "a record of " + length + " bytes at position " + position
                        + " that runs past the end of the file at " + file.size() + " bytes" + (format().fits(length) ? " (truncated)" : ""));
            }
            slot = slotOf(position, length, mapped);
            boolean ofSchema = slot != RecordVersions.UNKNOWN;
            if (!ofSchema && position >= verifiedTo && !verifyUnusualLength(index, position, length)) {
                return false;
            }
            after = checkSuccessor(position, next, mapped);
            if (ofSchema && versions.format(slot).variable()) {
                checkVariableRecord(position, (int) length, mapped);
            } else if (ofSchema && format().checksummed() && checkChecksums && !checksumMatches(position, (int) length, mapped)) {
                throw tornRecord(position, (int) length);
            }
        } catch (DamageFound f) {
            throw damage(f, null);
        }
        expectedNext = next;
        lastIndex = index;
        lastPosition = position;
        lastEnd = position + HEADER_LENGTH + length;
        nextIndex = index + 1;
        if (after == null && successor == END_OF_DATA) {
            // The last record of the cycle: check the cycle's count, and the next cycle file before the tailer opens it.
            try {
                if (endCheckedCycle != cycle) {
                    checkEndOfCycle(next);
                }
                preflightNextCycle();
            } catch (DamageFound f) {
                after = f;
            }
        }
        if (after != null) {
            damage(after, null); // the record is intact: hand it on, and stop after it
        }
        return true;
    }

    /**
     * Where the next record starts when it can be taken straight from {@code mapped} (the tailer's mapping of the last
     * record it read) instead of through the tailer: the header after the last record accepted, as {@link #accept} read
     * it, is a complete data header of the schema's length in the same cycle, and the record's bytes lie in that mapping.
     * The record is then exactly what the tailer would find next (index {@link #nextIndex()}, that position, that length),
     * and must still go through {@link #accept} like any other.
     *
     * @return the position of its header, or -1 when the tailer must read it
     */
    long nextInMapping(BytesStore<?, ?> mapped) {
        int h = successor;
        int length = h & CycleFileDescriptor.LENGTH_MASK;
        if (damage != null || cycle == NO_CYCLE || !isComplete(h) || !isData(h) || !format().fits(length)
                || nextIndex != lastIndex + 1 || rollCycle.toCycle(nextIndex) != cycle || !mapped.inside(expectedNext, HEADER_LENGTH + length)) {
            return -1;
        }
        // The header was read plainly: order the reads of the record's bytes after it, as the tailer's volatile read does.
        java.lang.invoke.VarHandle.acquireFence();
        return expectedNext;
    }

    /**
     * Accepts, from the record {@link #nextInMapping} found at {@code position} (index {@code index}) on, up to
     * {@code max} records of the schema's length each followed by a complete data header, all in {@code mapped} and in
     * the file. For such a record {@link #accept} has nothing to find (same cycle, where expected, inside the file, its
     * successor complete), so the bookkeeping is all there is. The run ends before the first record whose successor is
     * not such a header, not in the mapping or not yet in the file: that one goes through {@link #accept}.
     *
     * @return how many records were accepted (0: the record at {@code position} needs {@link #accept})
     */
    int acceptRun(long index, long position, int max, BytesStore<?, ?> mapped) {
        int length = nextLength();
        int runSlot = versions.versioned() ? versionSlotAt(position, length, mapped) : 0;
        if (runSlot == RecordVersions.UNKNOWN || versions.format(runSlot).variable() || versions.format(runSlot).excerptLength() != length) {
            return 0; // records vary in length, or this one is not of a version it says: each goes through accept
        }
        ExcerptFormat f = versions.format(runSlot);
        int recordStride = f.stride();
        int excerptLength = f.excerptLength();
        int version = f.schemaVersion();
        int versionAt = HEADER_LENGTH + ExcerptFormat.schemaVersionAt(excerptLength);
        int k = 0;
        long p = position;
        int h = successor;
        while (k < max) {
            long next = p + recordStride;
            if (!file.contains(next, HEADER_LENGTH) || !mapped.inside(next, HEADER_LENGTH)) {
                break;
            }
            int n = mapped.readInt(next);
            if (!isComplete(n) || !isData(n)) {
                break;
            }
            if (format().checksummed() && checkChecksums && !checksumMatches(p, excerptLength, mapped)) {
                break; // torn or overwritten: accept finds it and stops there
            }
            k++; // the record at p: its successor is a complete data header
            p = next;
            h = n;
            if ((n & CycleFileDescriptor.LENGTH_MASK) != excerptLength || !mapped.inside(next, HEADER_LENGTH + excerptLength)
                    || rollCycle.toCycle(index + k) != cycle || version != 0 && mapped.readInt(next + versionAt) != version) {
                break; // the record at next is not one of the run's kind
            }
        }
        if (k > 0) {
            slot = runSlot;
            successor = h;
            lastIndex = index + k - 1;
            lastPosition = p - recordStride;
            lastEnd = lastPosition + HEADER_LENGTH + excerptLength;
            expectedNext = p;
            nextIndex = index + k;
            // The headers were read plainly: order the reads of the records' bytes after them (see nextInMapping).
            java.lang.invoke.VarHandle.acquireFence();
        }
        return k;
    }

    /** The length of the excerpt {@link #nextInMapping} found: the one its header gives. */
    int nextLength() {
        return successor & CycleFileDescriptor.LENGTH_MASK;
    }

    /**
     * A record with variable fields, before it is handed on: its checksum (when checked) and, always, its values' ends
     * against its length; a value that would run past the record is damage, never a row.
     */
    private void checkVariableRecord(long position, int length, BytesStore<?, ?> mapped) {
        long from = position + HEADER_LENGTH;
        scratchFor(length);
        if (mapped == null || !mapped.inside(from, length) || mapped.read(from, scratch, 0, length) != length) {
            file.read(from, scratch, 0, length);
        }
        ExcerptFormat f = versions.format(slot);
        int checked = f.checkedLengthIn(length);
        if (checkChecksums && ExcerptFormat.checksum(crc, scratch, 0, checked) != RecordLayout.getInt(scratch, checked)) {
            throw tornRecord(position, length);
        }
        int recordLength = f.recordLengthIn(length);
        String problem = RecordLayout.checkVariable(scratch, 0, recordLength, versions.variables(slot));
        if (problem != null) {
            throw file.damageAt(position, "a record of " + recordLength + " bytes at position " + position + " whose variable values are not "
                    + "well formed (" + problem + "): torn by a power cut, or overwritten");
        }
    }

    /**
     * The version slot of the record of {@code length} bytes at {@code position}, which fits some version's lengths: the
     * version it carries (layout version 4), which must be one of the history's and fit the length.
     *
     * @throws DamageFound when it carries a version the history lacks or one whose records have another length: torn
     *     (when checksums are checked and its own does not match) or overwritten; never guessed at
     */
    private int slotOf(long position, long longLength, BytesStore<?, ?> mapped) {
        if (!versions.versioned()) {
            return versions.any().fits(longLength) ? 0 : RecordVersions.UNKNOWN;
        }
        if (longLength < ExcerptFormat.SCHEMA_VERSION_LENGTH + ExcerptFormat.CHECKSUM_LENGTH || longLength > Schema.MAX_RECORD_LENGTH + 8) {
            return RecordVersions.UNKNOWN; // no version in it, or longer than any record: not one of the schema's
        }
        int length = (int) longLength;
        int s = versionSlotAt(position, length, mapped); // a version added since the reader started is loaded here
        if (s == RecordVersions.UNKNOWN && !versions.any().fits(length)) {
            return RecordVersions.UNKNOWN; // a length no version has: not a record of the schema (quarantined)
        }
        if (s == RecordVersions.UNKNOWN || !versions.format(s).fits(length)) {
            if (checkChecksums && !checksumMatches(position, length, mapped)) {
                throw tornRecord(position, length);
            }
            throw file.damageAt(position, "a record of " + length + " bytes at position " + position + " that says it is of schema version "
                    + storedVersion(position, length, mapped) + (s == RecordVersions.UNKNOWN ? ", which the queue's schema history ("
                    + versions.history() + ") does not hold" : ", whose records are " + versions.format(s).minExcerptLength() + " to "
                    + versions.format(s).maxExcerptLength() + " bytes") + ": overwritten, or torn by a power cut");
        }
        return s;
    }

    /** The slot of the version the record at {@code position} carries, or UNKNOWN (layout version 4). */
    private int versionSlotAt(long position, int length, BytesStore<?, ?> mapped) {
        return versions.slotOf(storedVersion(position, length, mapped));
    }

    private int storedVersion(long position, int length, BytesStore<?, ?> mapped) {
        long at = position + HEADER_LENGTH + ExcerptFormat.schemaVersionAt(length);
        return mapped != null && mapped.inside(at, 4) ? mapped.readInt(at) : file.header(at);
    }

    private ExcerptFormat format() {
        return versions.any();
    }

    /** Room for an excerpt of {@code length} bytes (a version added since may have longer records). */
    private void scratchFor(int length) {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, versions.any().maxExcerptLength())];
        }
    }

    /** The version slot ({@link RecordVersions}) of the last record or run accepted; UNKNOWN for one not of the schema. */
    int slot() {
        return slot;
    }

    /** Whether records' checksums are to be checked (layout version 2 only). */
    void checkChecksums(boolean on) {
        this.checkChecksums = on;
    }

    boolean checksChecksums() {
        return checkChecksums && format().checksummed();
    }

    /** Bytes from one record's header to the next one's, for records of the schema's length. */
    int recordStride() {
        return format().variable() ? -1 : format().stride();
    }

    /**
     * True when the record in the excerpt whose header is at {@code position} matches the CRC32C stored after it (layout
     * version 2): read from {@code mapped} when it holds the excerpt, else from the file.
     */
    private boolean checksumMatches(long position, int excerptLength, BytesStore<?, ?> mapped) {
        long from = position + HEADER_LENGTH;
        scratchFor(excerptLength);
        int recordLength = format().checkedLengthIn(excerptLength); // what the checksum covers: the record, and its version
        if (mapped != null && mapped.inside(from, excerptLength)) {
            ByteBuffer view = viewOf(mapped);
            long at = from - viewStart;
            if (view != null && at >= 0 && at + recordLength <= view.capacity()) {
                // Straight from the mapping: CRC32C's intrinsic reads the record where it lies, no copy.
                view.limit((int) at + recordLength).position((int) at);
                crc.reset();
                crc.update(view);
                return (int) crc.getValue() == mapped.readInt(from + recordLength);
            }
            if (mapped.read(from, scratch, 0, excerptLength) == excerptLength) {
                return ExcerptFormat.checksum(crc, scratch, 0, recordLength) == RecordLayout.getInt(scratch, recordLength);
            }
        }
        file.read(from, scratch, 0, excerptLength);
        return ExcerptFormat.checksum(crc, scratch, 0, recordLength) == RecordLayout.getInt(scratch, recordLength);
    }

    /**
     * A direct buffer over the mapping {@code mapped} (made once per mapping: Chronicle maps a cycle file in chunks of
     * tens of MiB), or null when it is not native memory. {@link #viewStart} is the file position of its first byte.
     */
    private ByteBuffer viewOf(BytesStore<?, ?> mapped) {
        if (mapped != viewStore) {
            viewStore = mapped;
            view = null;
            if (mapped instanceof NativeBytesStore<?> n && mapped.isDirectMemory()) {
                view = n.toTemporaryDirectByteBuffer();
                viewStart = mapped.start();
            }
        }
        return view;
    }

    /** The record at {@code position} does not match its checksum: what was read into the scratch says how. */
    private DamageFound tornRecord(long position, int excerptLength) {
        int recordLength = format().checkedLengthIn(excerptLength);
        return file.damageAt(position, "a record at position " + position + " whose CRC32C does not match its bytes (stored 0x"
                + Integer.toHexString(RecordLayout.getInt(scratch, recordLength)) + ", computed 0x"
                + Integer.toHexString(ExcerptFormat.checksum(crc, scratch, 0, recordLength)) + "): torn by a power cut, or overwritten");
    }

    /** How the excerpts of the schema's records are described in messages. */
    private String lengthText() {
        if (format().variable()) {
            return format().minExcerptLength() + " to " + format().maxExcerptLength() + " bytes with their checksum";
        }
        return format().excerptLength() + " bytes" + (format().checksummed() ? " with their checksum" : "");
    }

    /** The index the next record should have. */
    long nextIndex() {
        return nextIndex;
    }

    /** The index of the last record accepted, or -1. */
    long lastIndex() {
        return lastIndex;
    }

    /**
     * Where the bytes of the last record accepted end in the file of cycle {@code c}, or -1 when the last record accepted
     * is of another cycle (or there is none since the reader was positioned).
     */
    long lastEndIn(int c) {
        return cycle == c && lastIndex >= 0 ? lastEnd : -1;
    }

    /**
     * True when the index entry at or before the last record accepted leads, header by header, to that record with the
     * right count: Chronicle's moveToIndex starts there. False when it does not or cannot be read (nothing is judged).
     */
    boolean indexLeadsToLast() {
        if (cycle == NO_CYCLE || lastIndex < 0 || lastPosition < 0 || rollCycle.toCycle(lastIndex) != cycle) {
            return false;
        }
        try {
            long seq = rollCycle.toSequenceNumber(lastIndex);
            long fromSeq = file.anchorAtOrBefore(seq);
            long from = fromSeq < 0 ? 0 : file.indexedPosition(fromSeq);
            long count = seq - Math.max(fromSeq, 0);
            file.walk(from, lastPosition, count, walk);
            return walk.outcome == CycleFile.LANDED && walk.data == count;
        } catch (DamageFound | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /**
     * The header after a record must be complete when the write position says records follow it; an index array there
     * must be whole. Checked before the record is handed on, so that a record whose tail lies in zeroed sectors before a
     * zeroed header is not.
     *
     * @return damage found after the record, which is itself intact; null when there is none
     * @throws DamageFound when the record itself is damaged
     */
    private DamageFound checkSuccessor(long position, long next, BytesStore<?, ?> mapped) {
        int h = 0;
        if (file.contains(next, HEADER_LENGTH)) {
            // A plain read is enough here: a complete header seen is complete; one not seen complete is read again below,
            // with volatile semantics, after the write position.
            h = mapped != null && mapped.inside(next, HEADER_LENGTH) ? mapped.readInt(next) : file.header(next);
        }
        successor = h;
        if (isComplete(h)) {
            if (isData(h)) {
                return null;
            }
            file.walk(next, Long.MAX_VALUE, 0, walk); // index arrays the tailer will skip
            if (walk.outcome == CycleFile.LIMIT || walk.outcome == CycleFile.STOPPED) {
                return null; // a stop after index arrays is judged when the tailer gets there
            }
            return file.damage(walk);
        }
        long wp = file.writePosition();
        if (h == END_OF_DATA) {
            return wp > next ? file.damageAt(next, "an end-of-cycle marker at position " + next + ", below the write position " + wp
                    + " where the store header says a record starts (overwritten)") : null;
        }
        if (wp <= position) {
            return null; // the last record written (or one the appender is about to cover)
        }
        if (!file.contains(next, HEADER_LENGTH)) {
            return file.damageAt(next, "the file ends at " + file.size() + " bytes, before the header at position " + next
                    + ", below the write position " + wp + " (truncated)", true);
        }
        h = file.header(next); // again, after the write position: a header completed meanwhile is not damage
        if (isComplete(h) || h == END_OF_DATA) {
            return null;
        }
        String found = describeHeader(h) + " at position " + next + ", below the write position " + wp
                + " where the store header says a complete record starts (zeroed or overwritten)";
        long sector = h == 0 ? zeroedSectorStart(position + HEADER_LENGTH, next) : -1;
        if (sector >= 0) {
            throw file.damageAt(position, "a record at position " + position + " whose bytes from position " + sector
                    + " are zero up to " + found);
        }
        return file.damageAt(next, found);
    }

    /**
     * Where zeroed sectors (512 bytes, the smallest unit a disk loses) begin inside a record's bytes {@code [from, to)}
     * that end at a zeroed header: the first sector boundary inside the run of zero bytes that reaches {@code to}, or -1
     * when the run starts after the last boundary inside the record.
     */
    private long zeroedSectorStart(long from, long to) {
        long boundary = -1;
        for (long p = to - 1; p >= from; p--) {
            if (file.byteAt(p) != 0) {
                break;
            }
            if ((p & 511) == 0) {
                boundary = p;
            }
        }
        return boundary;
    }

    /**
     * The file is now shorter than records already handed on: between the check and the read of a record's bytes the
     * file was cut, so records handed on since the last call may have been read torn (zeros up to the end of the last
     * page). The last good index is the last record still wholly in the file; the caller must drop what it holds after it.
     */
    private DamageFound shrunk(long size) {
        long seq = rollCycle.toSequenceNumber(lastIndex);
        long spacing = file.indexSpacing();
        long k = seq / spacing;
        long p = file.indexedPosition(k * spacing);
        while (k > 0 && (p == 0 || p + HEADER_LENGTH > size)) {
            k--;
            p = file.indexedPosition(k * spacing);
        }
        file.walk(p, Long.MAX_VALUE, Long.MAX_VALUE, walk);
        long good = k * spacing + walk.data - 1;
        lastIndex = good >= 0 ? rollCycle.toIndex(cycle, good) : -1;
        nextIndex = rollCycle.toIndex(cycle, good + 1);
        return file.damageAt(walk.position, "the file cut short to " + size + " bytes below records already handed on (up to position "
                + lastEnd + "): records after the last good index may have been read torn (truncated)", true);
    }

    /** The tailer found nothing: decide whether that is the end of what was written or damage that stops it. */
    void nothingRead() {
        try {
            if (cycle == NO_CYCLE) {
                checkTarget();
                return;
            }
            file.walk(expectedNext, Long.MAX_VALUE, 0, walk);
            judgeStop(file, true);
        } catch (DamageFound f) {
            throw damage(f, null);
        }
    }

    /** What a walk that was to stop at the next data header found: fine, the end of what was written, or damage. */
    private void judgeStop(CycleFile f, boolean entered) {
        switch (walk.outcome) {
            case CycleFile.LIMIT:
                return; // a complete record: the tailer reads it
            case CycleFile.STOPPED:
                checkStop(f, walk.position, walk.header, entered);
                return;
            default:
                throw f.damage(walk);
        }
    }

    /** The headers stop at {@code p}, at a header that is not complete: fine only where nothing more was written. */
    private void checkStop(CycleFile f, long p, int header, boolean entered) {
        long wp = f.writePosition();
        if (header == END_OF_DATA) {
            if (wp > p) {
                throw f.damageAt(p, "an end-of-cycle marker at position " + p + ", below the write position " + wp
                        + " where the store header says a record starts (overwritten)");
            }
            if (entered && endCheckedCycle != cycle) {
                checkEndOfCycle(p);
            }
            return;
        }
        if (wp >= p) {
            // The write position is raised only after the header it points at is complete, and every header before it:
            // read the header again after the write position, so that one completed meanwhile is not blamed.
            int again = f.header(p);
            if (!isComplete(again)) {
                throw f.damageAt(p, describeHeader(again) + " at position " + p + ", below the write position " + wp
                        + " where the store header says a complete record starts (zeroed or overwritten)");
            }
        } else if (lastCycle.getAsInt() > f.cycle()) {
            // An appender writes the end-of-cycle marker before it creates a later cycle file.
            int again = f.header(p);
            if (!isComplete(again) && again != END_OF_DATA) {
                throw f.damageAt(p, describeHeader(again) + " at position " + p
                        + " where the end-of-cycle marker should be, though a later cycle file exists (cut short or zeroed)");
            }
        }
    }

    /** The end-of-cycle marker is at {@code p}: the cycle must not hold records after it, nor more than were read. */
    private void checkEndOfCycle(long p) {
        long wp = file.writePosition();
        if (wp > p) {
            throw file.damageAt(p, "an end-of-cycle marker at position " + p + ", below the write position " + wp
                    + " where the store header says a record starts (overwritten)");
        }
        checkCount(wp);
        endCheckedCycle = cycle;
    }

    /** The last record read in this cycle must be the one at the write position, with the sequence stored with it. */
    private void checkCount(long wp) {
        if (lastPosition < wp) {
            throw file.damageAt(expectedNext, "the tailer moved on after position " + expectedNext + " but the store header's write position "
                    + wp + " says records follow (last record read: " + indexText(lastIndex) + ")");
        }
        long seq = file.sequenceAt(wp);
        long read = rollCycle.toSequenceNumber(lastIndex);
        if (lastPosition == wp && seq >= 0 && seq != read) {
            throw file.damageAt(expectedNext, "the cycle's last record has sequence " + read + " but the store header counts up to sequence "
                    + seq + " (records were hidden or invented)");
        }
    }

    private void enterCycle(int c, long index, long position) {
        if (cycle != NO_CYCLE) {
            if (c < cycle) {
                throw file.damageAt(expectedNext, "the tailer went back from cycle " + cycle + " to cycle " + c);
            }
            checkCount(file.writePosition());
            checkPassedOver(cycle, c);
        } else if (nextIndex < 0) {
            checkPassedOver(Integer.MIN_VALUE, c);
        }
        if (file == null || file.cycle() != c) {
            closeFile();
            file = CycleFile.open(cycleFiles.path(c), c);
        }
        file.checkHeader();
        long seq = rollCycle.toSequenceNumber(index);
        long fromSeq = seq == 0 ? -1 : file.anchorAtOrBefore(seq);
        long from = fromSeq < 0 ? 0 : file.indexedPosition(fromSeq);
        fromSeq = Math.max(fromSeq, 0);
        file.walk(from, position, seq - fromSeq, walk);
        if (walk.outcome != CycleFile.LANDED || walk.data != seq - fromSeq) {
            String what = walk.outcome == CycleFile.LANDED ? "it after " + walk.data + " records" : file.describe(walk);
            throw file.damageAt(walk.position, "the tailer found the record of sequence " + seq + " at position " + position
                    + ", but the file's headers from position " + from + " (sequence " + fromSeq + ") lead to " + what);
        }
        cycle = c;
        expectedNext = position;
        verifiedTo = position;
        lastPosition = -1;
        endCheckedCycle = NO_CYCLE;
    }

    /** Cycle files strictly between two cycles, which the tailer passed over, must hold no records. */
    private void checkPassedOver(int after, int before) {
        for (Map.Entry<Integer, Path> e : cycleFiles.between(after, before).entrySet()) {
            try (CycleFile f = CycleFile.open(e.getValue(), e.getKey())) {
                f.checkHeader();
                f.walk(0, Long.MAX_VALUE, 0, walk);
                if (walk.outcome == CycleFile.LIMIT) {
                    throw f.damageAt(walk.position, "records (the first at position " + walk.position
                            + ") in a cycle file the tailer passed over");
                }
                if (walk.outcome != CycleFile.STOPPED) {
                    throw f.damage(walk);
                }
            } catch (java.io.UncheckedIOException gone) {
                LOG.debug("cycle file vanished while checked (retention?): {}", e.getValue());
            }
        }
    }

    /** The tailer skipped to {@code position}: only index arrays may lie between. */
    private void checkGap(long position) {
        if (position < expectedNext) {
            throw file.damageAt(expectedNext, "the tailer went back to position " + position + " from " + expectedNext);
        }
        file.walk(expectedNext, position, 0, walk);
        if (walk.outcome != CycleFile.LANDED) {
            throw file.damageAt(walk.position, file.describe(walk) + ", which the tailer passed over", walk.outcome == CycleFile.BEYOND_FILE);
        }
    }

    /**
     * A record whose length is not the schema's: a garbage header looks like one. It stands only if the headers from it
     * lead to the next index entry (or, past the last one, to the write position) with the right number of records.
     */
    private boolean verifyUnusualLength(long index, long position, long length) {
        long seq = rollCycle.toSequenceNumber(index);
        long spacing = file.indexSpacing();
        long anchorSeq = (seq / spacing + 1) * spacing;
        long target = file.indexedPosition(anchorSeq);
        long count = anchorSeq - seq;
        String targetText = "the index entry of sequence " + anchorSeq + " at position " + target;
        if (target == 0) {
            target = file.writePosition();
            if (target < position) {
                return false; // not yet covered by the write position: look again on the next read
            }
            long seqW = file.sequenceAt(target);
            count = seqW >= 0 ? seqW - seq : Long.MAX_VALUE;
            targetText = "the write position " + target;
        }
        file.walk(position, target, count, walk);
        if (walk.outcome != CycleFile.LANDED || (count != Long.MAX_VALUE && walk.data != count)) {
            String what = walk.outcome == CycleFile.LANDED ? "it after " + walk.data + " records instead of " + count : file.describe(walk);
            throw file.damageAt(position, "a data header of " + length + " bytes at position " + position + " (records of the schema are "
                    + lengthText() + ") from which the headers do not lead to " + targetText + " but to " + what + " (garbage header)");
        }
        // A garbage length can lead back onto the real headers with the same count (100 then 2 instead of 52 and 52). An
        // appender never leaves two chains: if records of the schema's length lead from where this header's record would
        // have ended to the same place, this header was overwritten.
        int recordStride = recordStride();
        long alternative = position + recordStride;
        if (recordStride > 0 && alternative < target && file.contains(alternative, HEADER_LENGTH)
                && file.header(alternative) == format().excerptLength()) {
            file.walk(alternative, target, count == Long.MAX_VALUE ? count : count - 1, walk);
            if (walk.outcome == CycleFile.LANDED && (count == Long.MAX_VALUE || walk.data == count - 1)) {
                throw file.damageAt(position, "a data header of " + length + " bytes at position " + position + " (records of the schema are "
                        + lengthText() + ") where records of the schema's length also lead to " + targetText + " (garbage header)");
            }
        }
        verifiedTo = target;
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------- failure

    /** Chronicle failed inside the tailer: find the damage it ran into, or report the failure as damage of the file it read. */
    QueueDamagedException diagnose(Throwable failure, Path tailerFile) {
        if (damage != null) {
            return damage;
        }
        try {
            if (cycle != NO_CYCLE) {
                // The tailer reads on from the expected position: the damage is on the headers from there to the write position.
                long wp = file.writePosition();
                file.walk(expectedNext, wp >= expectedNext ? wp : Long.MAX_VALUE, Long.MAX_VALUE, walk);
                if (walk.outcome == CycleFile.LANDED) {
                    file.walk(wp, Long.MAX_VALUE, 1, walk);
                }
                if (walk.outcome == CycleFile.STOPPED) {
                    checkStop(file, walk.position, walk.header, true);
                } else if (walk.outcome != CycleFile.LIMIT) {
                    throw file.damage(walk);
                }
            } else {
                checkTarget();
            }
            for (Map.Entry<Integer, Path> e : cycleFiles.between(cycle != NO_CYCLE ? cycle : Integer.MIN_VALUE, Integer.MAX_VALUE).entrySet()) {
                try (CycleFile f = CycleFile.open(e.getValue(), e.getKey())) {
                    checkRecord(f, 0);
                }
            }
        } catch (DamageFound f) {
            return damage(f, failure);
        } catch (RuntimeException | InternalError e) {
            failure.addSuppressed(e);
        }
        Path where = tailerFile != null ? tailerFile : file != null ? file.path() : queueDir;
        long from = lastIndex >= 0 ? lastIndex + 1 : nextIndex;
        damage = new QueueDamagedException(queueDir, where, lastIndex, from, -1, "that Chronicle failed reading it: " + failure, -1,
                indexText(lastIndex), failure);
        return damage;
    }

    private QueueDamagedException damage(DamageFound f, Throwable cause) {
        finding = f;
        long from;
        if (lastIndex >= 0 && rollCycle.toCycle(lastIndex) == f.cycle()) {
            from = lastIndex + 1;
        } else if (nextIndex >= 0 && rollCycle.toCycle(nextIndex) == f.cycle()) {
            from = nextIndex;
        } else {
            from = rollCycle.toIndex(f.cycle(), 0);
        }
        long readable = resumePoints.after(f, from);
        damage = new QueueDamagedException(queueDir, f.file(), lastIndex, from, f.position(), f.found(), readable, indexText(lastIndex),
                cause);
        return damage;
    }

    /** The resume point after the damage found last, looked for again (the queue may have grown since). */
    long resumeAgain() {
        return finding == null ? -1 : resumePoints.after(finding, damage.damagedFromIndex());
    }

    String indexText(long index) {
        if (index < 0) {
            return "-1 (none read)";
        }
        return index + " (cycle " + rollCycle.toCycle(index) + ", sequence " + rollCycle.toSequenceNumber(index) + ")";
    }

    private void closeFile() {
        if (file != null) {
            file.close();
            file = null;
        }
    }

    @Override
    public void close() {
        closeFile();
    }
}
