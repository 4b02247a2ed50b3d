package io.parquetry.reader;

import io.parquetry.platform.RangeSync;
import io.parquetry.queue.CycleFileDescriptor;
import io.parquetry.queue.CycleFiles;
import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.QueueDirectory;
import io.parquetry.queue.QueueIdentity;
import io.parquetry.queue.QueueMetadata;
import io.parquetry.queue.QueueSchemaStore;
import io.parquetry.queue.SchemaHistory;
import io.parquetry.queue.RollCycleNames;
import io.parquetry.queue.SyncMark;
import io.parquetry.schema.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads a recorder's queue in order with the schema stored in it. Single-threaded, like a Chronicle tailer.
 * Records are handed to a {@link Consumer} while the excerpt is held, so nothing is copied.
 *
 * <p>The queue is opened read-only: reading never changes a cycle file (a read-write Chronicle queue extends a truncated
 * file with zeros when it maps it). Each excerpt the tailer finds is checked against the cycle file itself before it is
 * handed on (see {@link ReadVerifier}): a record whose bytes are not all in the file is never handed on, and the reader
 * never moves past records it cannot read. It throws {@link QueueDamagedException} instead, naming the file and the
 * last good index, and keeps throwing it until it is repositioned or {@link #skipDamagedRange(long)} moves past the
 * damage, which the caller records.
 *
 * <p>Most records do not go through the tailer: after an excerpt the tailer read, the verifier has already read the
 * header that follows it; when that is a complete data header of the schema's length and the record lies in the
 * mapping the tailer holds (it holds it until it is used again), the record is handed on from there, checked by the
 * verifier like any other, and so on; records each followed by a complete data header go to the consumer together, as
 * a {@link RecordRun}. The tailer catches up before it is used again. The tailer's own bookkeeping per
 * excerpt was about half the converter's reading thread (docs/BENCHMARKS.md §5).
 */
public final class QueueReader implements AutoCloseable {

    /** Receives each excerpt; {@code record} is valid only during the call. */
    @FunctionalInterface
    public interface Consumer {
        /**
         * @param index the excerpt's queue index
         * @param record the decoder, pointed at the excerpt (see {@link RecordReader#matchesSchema()})
         */
        void accept(long index, RecordReader record);

        /**
         * Receives records that follow one another in the queue, {@code firstIndex} and on, all of the schema's length;
         * {@code run} is valid only during the call. By default each goes to {@link #accept} in turn; a consumer that
         * copies records can take the run at once.
         */
        default void acceptRun(long firstIndex, RecordRun run) {
            for (int i = 0; i < run.count(); i++) {
                accept(firstIndex + i, run.record(i));
            }
        }
    }

    private final Path queueDir;
    private final QueueIdentity identity;
    private final CycleFiles cycleFiles;
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final ReadVerifier verifier;
    private final CycleCounts counts;
    private final int layoutVersion;
    /** Every version of the schema the reader knows, each with its reader and run (one, for a queue before layout 4). */
    private final RecordVersions versions;
    /**
     * The tailer's mapping of the last excerpt it read, while the tailer has not been used since (it holds the mapping):
     * records after it in the same mapping are read straight from it, see {@link #read}. Null when there is none.
     */
    private net.openhft.chronicle.bytes.BytesStore<?, ?> mapping;
    /** Records were handed on from {@link #mapping} since the tailer last read: the tailer is behind the reader. */
    private boolean tailerBehind;
    /** Records handed on straight from {@link #mapping} (for tests: the fast way must be the common one). */
    private long readFromMapping;
    /** When {@link #checksumPolicy} last looked at the queue's sync mark. */
    private long checksumPolicyAt;
    private static final long CHECKSUM_POLICY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    /**
     * The newest cycle whose file {@link #force} forced, up to which byte of it, and the newest cycle whose file's name it
     * made durable.
     */
    private int forcedCycle = Integer.MIN_VALUE;
    private long forcedTo;
    private int directoryForcedCycle = Integer.MIN_VALUE;

    private QueueReader(Path queueDir) {
        if (!Files.isDirectory(queueDir)) {
            throw new IllegalArgumentException("queue directory does not exist or is not a directory: queue=" + queueDir);
        }
        if (!Files.isReadable(queueDir)) {
            throw new IllegalArgumentException("queue directory is not readable: queue=" + queueDir);
        }
        this.queueDir = queueDir;
        SchemaHistory history = QueueSchemaStore.history(queueDir);
        this.identity = QueueSchemaStore.identity(queueDir);
        String rollCycle = QueueSchemaStore.rollCycle(queueDir);
        awaitMetadata(queueDir, rollCycle == null ? null : RollCycleNames.resolve(rollCycle));
        SingleChronicleQueueBuilder builder = ChronicleQueue.singleBuilder(queueDir).readOnly(true);
        if (rollCycle != null) {
            builder.rollCycle(RollCycleNames.resolve(rollCycle));
        }
        this.queue = builder.build();
        this.layoutVersion = QueueSchemaStore.layoutVersion(queueDir);
        this.versions = new RecordVersions(queueDir, history, layoutVersion);
        this.cycleFiles = new CycleFiles(queueDir, queue.rollCycle(), queue.epoch());
        this.verifier = new ReadVerifier(queueDir, queue.rollCycle(), cycleFiles, versions, queue::lastCycle);
        this.counts = new CycleCounts(cycleFiles, queue.rollCycle(), queue::lastCycle);
        // A new tailer goes to the start of the queue at once: Chronicle must not meet a first cycle file cut short there.
        try {
            verifier.preflight();
        } catch (QueueDamagedException e) {
            if (verifier.pastEnd()) {
                verifier.close();
                queue.close();
                throw new QueueDamagedException(e, "; Chronicle cannot open a queue whose first cycle file is cut short or has a damaged "
                        + "store header: move that file out of the queue directory to read the rest");
            }
        } catch (RuntimeException | Error e) {
            verifier.close();
            queue.close();
            throw e;
        }
        this.tailer = queue.createTailer();
    }

    /**
     * A read-only queue needs Chronicle's metadata file, which a recorder creates just after it stores the schema: without
     * it Chronicle falls back to a listing that never sees a cycle file, and the reader would read nothing, silently.
     */
    private static void awaitMetadata(Path queueDir, net.openhft.chronicle.queue.RollCycle rollCycle) {
        Path meta = queueDir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String problem = null;
            if (Files.exists(meta)) {
                if (rollCycle == null) {
                    return;
                }
                try {
                    problem = QueueMetadata.problem(meta, rollCycle);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("cannot read the queue's metadata file: file=" + meta + ": " + e, e);
                }
                if (problem == null) {
                    return;
                }
                if (!problem.startsWith("holds only zeros") && !problem.startsWith("is empty")) {
                    break; // another roll cycle: waiting changes nothing
                }
                // A recorder creating the queue writes it whole and lets Chronicle fill it in a moment later: wait for that.
            }
            if (System.nanoTime() > deadline) {
                break;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the queue's metadata file: file=" + meta, e);
            }
        }
        if (!Files.exists(meta)) {
            throw new IllegalStateException("queue has no Chronicle metadata file (a recorder creates it when it opens the queue): missing file="
                    + meta);
        }
        throw new IllegalStateException("the queue's Chronicle metadata file " + problemOf(meta, rollCycle) + ": file=" + meta
                + " (a recorder rebuilds it from " + QueueDirectory.SCHEMA_FILE + " when it next opens the queue; reading never writes the queue)");
    }

    private static String problemOf(Path meta, net.openhft.chronicle.queue.RollCycle rollCycle) {
        try {
            String p = QueueMetadata.problem(meta, rollCycle);
            return p == null ? "was not readable a moment ago" : p;
        } catch (java.io.IOException e) {
            return "cannot be read (" + e + ")";
        }
    }

    /** Opens the queue in {@code queueDir}; its schema comes from the directory, never from the caller. */
    public static QueueReader open(Path queueDir) {
        return new QueueReader(queueDir);
    }

    /**
     * The newest version of the queue's schema the reader knows: the queue's when it opened, or a later one it met a
     * record of since. Each record says its own ({@link RecordReader#schema()}, {@link RecordRun#schema()}).
     */
    public Schema schema() {
        return versions.history().newest().schema();
    }

    /** Every version of the queue's schema the reader knows, oldest first (docs/FORMAT.md §2.1). */
    public SchemaHistory history() {
        return versions.history();
    }

    /** How records of {@code version} (a schema of the queue's {@link #history()}) lie in their excerpts. */
    public ExcerptFormat formatOf(Schema version) {
        return ExcerptFormat.of(layoutVersion, version);
    }

    /**
     * Bytes from one record's start to the next one's in a cycle file (the record, padding to 4 bytes, the next header),
     * when every version of the schema the reader knows has records of one and the same length; -1 otherwise (string or
     * binary fields, or versions of other lengths). A run's own is {@link RecordRun#stride()}; a version's is
     * {@code formatOf(version).stride()}.
     */
    public int recordStride() {
        return verifier.recordStride();
    }

    /** How the queue's records lie in their excerpts (its layout version), every version of the schema taken together. */
    public ExcerptFormat format() {
        return versions.any();
    }

    public Path queueDir() {
        return queueDir;
    }

    /** The queue's identity (a queue created before identities gets one on this first open). */
    public QueueIdentity identity() {
        return identity;
    }

    /** How long one cycle (one cycle file) lasts. */
    public long cycleLengthMillis() {
        return queue.rollCycle().lengthInMillis();
    }

    /** The queue's cycle files on disk with their cycles, oldest first. */
    public java.util.SortedMap<Integer, Path> cycleFiles() {
        return cycleFiles.between(-1, Integer.MAX_VALUE);
    }

    /**
     * Hands the reader to the calling thread. A Chronicle tailer is confined to one thread at a time; call this when the
     * thread that opened the reader passes it on (the previous thread must no longer use it).
     */
    public void claimForCurrentThread() {
        ((net.openhft.chronicle.core.io.SingleThreadedChecked) tailer).singleThreadedCheckReset();
    }

    /**
     * Positions before the first record of the queue (forgetting any damage met before).
     *
     * @throws QueueDamagedException when the first cycle file is damaged before its first record (kept: reads throw it)
     */
    public void toStart() {
        checksumPolicy(System.nanoTime());
        forgetMapping();
        verifier.positioned(-1);
        try {
            verifier.preflight();
            // Chronicle's toStart goes to the first cycle its listing knows, which a read-only queue never refreshes: once
            // retention deleted that file, it would find nothing. Go to the first cycle file on disk with a record instead.
            long first = counts.firstIndex();
            if (first == Long.MAX_VALUE || !moveTailer(tailer, first)) {
                tailer.toStart();
            }
        } catch (InternalError | RuntimeException e) {
            throw failed(e);
        }
    }

    /**
     * Positions so the next record read is the one at {@code index} (forgetting any damage met before).
     *
     * @return false when the queue has no record at that index (the position is then undefined)
     * @throws QueueDamagedException when the cycle file of {@code index} is damaged before that record (kept: reads throw
     *     it)
     */
    public boolean moveTo(long index) {
        checksumPolicy(System.nanoTime());
        forgetMapping();
        verifier.positioned(index);
        try {
            verifier.preflight();
            return moveTailer(tailer, index);
        } catch (InternalError | RuntimeException e) {
            throw failed(e);
        }
    }

    /**
     * Records' checksums are checked unless a recorder made the queue whole in this boot (then none can be torn: a torn
     * record is what a power cut or an OS crash leaves, and both end the boot). Looked at again at least every second, so
     * a converter that started before the recorder after a reboot stops checking once the recorder has repaired the queue.
     */
    private void checksumPolicy(long nowNanos) {
        verifier.checkChecksums(!SyncMark.wholeInThisBoot(queueDir));
        checksumPolicyAt = nowNanos;
    }

    /** True when the reader checks records' checksums now (for tests and the status). */
    boolean checksChecksums() {
        return verifier.checksChecksums();
    }

    /**
     * Chronicle's moveToIndex goes to the index entry at or before {@code index} and scans on from it, which the
     * verifier checked first; but when the tailer's previous move was less than 70 records before, it scans on from
     * there instead, over records nobody checked. It does that only in the direction of that move: move without one.
     */
    private static boolean moveTailer(ExcerptTailer t, long index) {
        t.direction(TailerDirection.NONE);
        try {
            return t.moveToIndex(index);
        } finally {
            t.direction(TailerDirection.FORWARD);
        }
    }

    /** The tailer is about to be positioned anew: what it lagged behind no longer matters. */
    private void forgetMapping() {
        mapping = null;
        tailerBehind = false;
    }

    /**
     * Brings the tailer up to the reader after records were handed on straight from its mapping: it is positioned
     * after the last record handed on, as if it had read them all. When the index entry before that record leads to it
     * (checked header by header, as for any move), Chronicle's moveToIndex goes there; otherwise the tailer reads on
     * from where it stopped, over those records.
     */
    private void catchUpTailer() {
        long last = verifier.lastIndex();
        mapping = null;
        tailerBehind = false;
        try {
            if (verifier.indexLeadsToLast() && !moveTailer(tailer, last)) {
                throw new IllegalStateException("Chronicle cannot position at a record read before: index=" + last);
            }
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent() || dc.index() > last) {
                        dc.rollbackOnClose();
                        throw new IllegalStateException("the tailer does not find a record read before: index=" + last + ", found="
                                + (dc.isPresent() ? dc.index() : -1));
                    }
                    if (dc.index() == last) {
                        return;
                    }
                }
            }
        } catch (InternalError | RuntimeException e) {
            throw failed(e);
        }
    }

    /**
     * Reads at most {@code max} records, handing each to {@code consumer}. When damage stops the reading after some
     * records were handed on in this call, it returns their number and the next call throws.
     *
     * @return the number read; 0 when the reader is at the end of the queue
     * @throws QueueDamagedException when the next record cannot be read from the file; thrown again by every later call
     *     until the reader is repositioned or moved past the damage with {@link #skipDamagedRange(long)}
     */
    public int read(Consumer consumer, int max) {
        long now = System.nanoTime();
        if (now - checksumPolicyAt > CHECKSUM_POLICY_NANOS) {
            checksumPolicy(now);
        }
        try {
            verifier.beforeRead();
        } catch (InternalError | RuntimeException e) {
            throw failed(e);
        }
        int n = 0;
        try {
            while (n < max && !verifier.stopped()) {
                // The record after the last one the tailer read, when its header says it is one of the schema's and it lies in
                // the tailer's mapping: read it from there, past Chronicle's tailer, checked exactly as the tailer's excerpts.
                long p = mapping == null ? -1 : verifier.nextInMapping(mapping);
                if (p >= 0) {
                    long index = verifier.nextIndex();
                    // Records followed by complete data headers need nothing but bookkeeping: hand them on together.
                    int k;
                    try {
                        k = verifier.acceptRun(index, p, max - n, mapping);
                    } catch (InternalError | RuntimeException e) {
                        throw failed(e); // the file was cut short under a header it had held
                    }
                    if (k > 0) {
                        tailerBehind = true;
                        readFromMapping += k;
                        RecordRun run = versions.run(verifier.slot());
                        run.wrap(mapping, p + CycleFileDescriptor.HEADER_LENGTH, k, versions.format(verifier.slot()).stride());
                        try {
                            consumer.acceptRun(index, run);
                        } catch (InternalError e) {
                            throw failed(e); // the file was cut short under a record after it was checked
                        }
                        n += k;
                        continue;
                    }
                    int length = verifier.nextLength();
                    try {
                        if (!verifier.accept(index, p, length, mapping)) {
                            break;
                        }
                    } catch (InternalError | RuntimeException e) {
                        throw failed(e);
                    }
                    tailerBehind = true;
                    readFromMapping++;
                    RecordReader reader = readerOfLast();
                    reader.wrap(mapping, p + CycleFileDescriptor.HEADER_LENGTH, length);
                    try {
                        consumer.accept(index, reader);
                    } catch (InternalError e) {
                        throw failed(e); // the file was cut short under the record after it was checked
                    }
                    n++;
                    continue;
                }
                if (tailerBehind) {
                    catchUpTailer();
                }
                mapping = null;
                DocumentContext dc;
                try {
                    dc = tailer.readingDocument();
                } catch (InternalError | RuntimeException e) {
                    throw failed(e);
                }
                try {
                    Bytes<?> b;
                    long pos;
                    long len;
                    long index;
                    try {
                        if (!dc.isPresent()) {
                            verifier.nothingRead();
                            break;
                        }
                        b = dc.wire().bytes();
                        pos = b.readPosition();
                        len = b.readRemaining();
                        index = dc.index();
                        if (!verifier.accept(index, pos - CycleFileDescriptor.HEADER_LENGTH, len, b.bytesStore())) {
                            dc.rollbackOnClose();
                            break;
                        }
                    } catch (InternalError | RuntimeException e) {
                        // A fault of the mapping surfaces at the thread's next safepoint, so possibly here, not in the tailer.
                        throw failed(e);
                    }
                    mapping = b.bytesStore();
                    RecordReader reader = readerOfLast();
                    reader.wrap(b, pos, len);
                    try {
                        consumer.accept(index, reader);
                    } catch (InternalError e) {
                        throw failed(e); // the file was cut short under the record after it was checked
                    }
                    n++;
                } catch (QueueDamagedException e) {
                    dc.rollbackOnClose();
                    throw e;
                } finally {
                    closeQuietly(dc);
                }
            }
        } catch (QueueDamagedException e) {
            if (n > 0) {
                return n; // the verifier keeps it: the next call throws
            }
            throw e;
        }
        if (n == 0 && verifier.stopped()) {
            throw verifier.damage();
        }
        return n;
    }

    /** The reader of the last record's version; of the newest for a record of no version (its length is none of theirs). */
    private RecordReader readerOfLast() {
        int slot = verifier.slot();
        return versions.reader(slot == RecordVersions.UNKNOWN ? versions.history().size() - 1 : slot);
    }

    private void closeQuietly(DocumentContext dc) {
        try {
            dc.close();
        } catch (InternalError | RuntimeException e) {
            if (verifier.damage() == null) {
                throw failed(e);
            }
        }
    }

    /** A failure inside Chronicle: the damage it ran into when the file shows it, else the failure itself as damage. */
    private QueueDamagedException failed(Throwable e) {
        if (e instanceof QueueDamagedException q) {
            return q;
        }
        if (e instanceof net.openhft.chronicle.core.io.ClosedIllegalStateException c) {
            throw c;
        }
        if (e instanceof IllegalArgumentException || e instanceof NullPointerException) {
            throw (RuntimeException) e; // a bug, not damage
        }
        int c = tailer == null ? -1 : tailer.cycle();
        return verifier.diagnose(e, c == Integer.MIN_VALUE || c < 0 ? null : verifier.cycleFiles().path(c));
    }

    /**
     * Moves past the damaged range that stopped the reader, so reading resumes at the first index after it that Chronicle
     * can position at: the first intact index entry after the damage (index entries are every few hundred or thousand
     * records, so intact records just after the damage may be skipped with it), else the start of the next cycle file.
     * This is the only way the reader moves past records it could not read; the caller must record the returned range.
     *
     * @param fromIndex the first index of the damaged range, {@link QueueDamagedException#damagedFromIndex()}: naming it
     *     makes sure the range skipped is the one that was reported
     * @return the indexes skipped and why
     * @throws IllegalStateException when the reader has not met damage, or nothing after it can be read yet (the rest
     *     of the cycle is lost and no later cycle file exists: try again once one does)
     * @throws IllegalArgumentException when the damage met starts at another index
     */
    public DamagedRange skipDamagedRange(long fromIndex) {
        QueueDamagedException d = verifier.damage();
        if (d == null) {
            throw new IllegalStateException("no damage to skip: the reader has met none since it was positioned: queue=" + queueDir);
        }
        if (d.damagedFromIndex() != fromIndex) {
            throw new IllegalArgumentException("the damage met starts at another index: fromIndex=" + fromIndex + ", damagedFromIndex="
                    + d.damagedFromIndex() + ", file=" + d.file());
        }
        long resume = d.firstReadableIndex() >= 0 ? d.firstReadableIndex() : verifier.resumeAgain();
        if (resume < 0) {
            throw new IllegalStateException("nothing after the damage can be read yet: fromIndex=" + fromIndex + ", file=" + d.file()
                    + " (the rest of the cycle is lost; try again once a later cycle file exists)");
        }
        long skipped = counts.recordsBetween(fromIndex, resume);
        DamagedRange range = new DamagedRange(d.file(), d.lastGoodIndex(), fromIndex, resume, skipped, d.position(), d.found());
        forgetMapping();
        verifier.positioned(resume);
        boolean found;
        try {
            verifier.preflight();
            found = moveTailer(tailer, resume);
        } catch (QueueDamagedException again) {
            return range; // more damage right there: reads throw it
        } catch (InternalError | RuntimeException e) {
            failed(e);
            return range;
        }
        if (!found) {
            throw new IllegalStateException("cannot position after the damage: resumeIndex=" + resume + " not found, file=" + d.file());
        }
        return range;
    }

    /**
     * Makes every record up to and including {@code index} durable: forces the bytes of the queue's cycle files from where
     * the last call left off to the end of the last record read ({@link RangeSync}: only those pages, so the pages the
     * producer is writing are left alone), a cycle file the reader has left behind whole, and, when a cycle file was not
     * forced before, its store header with it, the queue directory and Chronicle's metadata file, so that a new cycle
     * file's name survives too. A record a power cut can still take from the queue must not be committed downstream: the
     * converter calls this before a commit makes records visible. The queue's files are only read (forcing needs no
     * write access), never changed.
     *
     * @throws java.io.UncheckedIOException when a file cannot be forced (the records are then not known durable)
     */
    public void force(long index) {
        int to = cycleOf(index);
        long end = verifier.lastEndIn(to);
        java.util.SortedMap<Integer, Path> files = cycleFiles.between(forcedCycle == Integer.MIN_VALUE ? Integer.MIN_VALUE : forcedCycle - 1,
                to + 1);
        boolean newFile = false;
        for (Map.Entry<Integer, Path> e : files.entrySet()) {
            int c = e.getKey();
            if (c < to || end < 0) {
                RangeSync.forceWhole(e.getValue()); // left behind: complete
            } else {
                RangeSync.force(e.getValue(), c == forcedCycle ? forcedTo : 0, end); // from 0: its store header too, once
            }
            newFile |= c > directoryForcedCycle;
        }
        if (newFile) {
            forceFile(queueDir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE), false);
            forceFile(queueDir, true);
            directoryForcedCycle = to;
        }
        // Forced whole without knowing where its records end (nothing read in it since the reader was positioned): the
        // next force of it starts from its start again, which writes only what became dirty since.
        forcedTo = end < 0 ? 0 : Math.max(end, to == forcedCycle ? forcedTo : 0);
        forcedCycle = to;
    }

    private static void forceFile(Path p, boolean metadata) {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.READ)) {
            ch.force(metadata);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot make the queue's records durable: file=" + p + ": " + e, e);
        }
    }

    /**
     * True when {@code damage} lies at or before the last record a recorder synced (the queue's sync mark, docs/FORMAT.md
     * §5): a power cut cannot have done it, and no recorder's repair will. False when it lies after (or the queue has no
     * mark): it may be the torn end a power cut left, which the next recorder to open the queue repairs.
     */
    public boolean beforeSyncMark(QueueDamagedException damage) {
        SyncMark.Mark mark = SyncMark.read(queueDir);
        if (mark == null || !mark.hasRecord() || damage.file() == null) {
            return false;
        }
        int cycle = cycleFiles.cycleOf(damage.file().getFileName().toString());
        return cycle >= 0 && (cycle < mark.cycle() || cycle == mark.cycle() && damage.position() <= mark.position());
    }

    /**
     * Index of the last record in the queue, or -1 when empty, from the last cycle file's store header (not from
     * Chronicle, whose lookup scans the file and would fault on a damaged one).
     */
    public long lastIndex() {
        return counts.lastIndex();
    }

    /** Index of the first record in the queue (of the first cycle file on disk that has one), or Long.MAX_VALUE when empty. */
    public long firstIndex() {
        return counts.firstIndex();
    }

    /** Cycle of an index (hour number since the epoch for hourly cycles). */
    public int cycleOf(long index) {
        return queue.rollCycle().toCycle(index);
    }

    /**
     * Records after {@code from} up to and including {@code to} (indexes of this queue's records; their cycles may
     * differ), from the cycle files' store headers; {@code from} below 0 counts from the queue's first record; -1 when a
     * cycle file's header cannot be read.
     */
    public long recordsBetween(long from, long to) {
        if (to <= from) {
            return 0;
        }
        if (from < 0) {
            long first = firstIndex();
            if (first == Long.MAX_VALUE || first > to) {
                return 0;
            }
            long rest = counts.recordsBetween(first, to);
            return rest < 0 ? -1 : rest + 1;
        }
        return counts.recordsBetween(from, to);
    }

    /**
     * Records in a cycle, from its store header: 0 when the cycle has no file, -1 when the file's header is damaged. Does
     * not move the reading position.
     */
    public long recordsInCycle(int cycle) {
        return counts.recordsInCycle(cycle);
    }

    /** Records handed on straight from the tailer's mapping, not through the tailer (for tests). */
    long readFromMapping() {
        return readFromMapping;
    }

    @Override
    public void close() {
        tailer.close();
        verifier.close();
        counts.close();
        queue.close();
        BackgroundResourceReleaser.releasePendingResources(); // Chronicle closes files on its own thread: see Recorder.close
    }
}
