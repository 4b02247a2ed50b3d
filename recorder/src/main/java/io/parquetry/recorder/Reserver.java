package io.parquetry.recorder;

import io.parquetry.platform.duty.Agent;
import io.parquetry.platform.duty.AgentRunner;
import io.parquetry.platform.duty.BackoffIdle;
import io.parquetry.platform.duty.Clock;
import io.parquetry.queue.CycleFileDescriptor;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Byteable;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.RollingResourcesCache;
import net.openhft.chronicle.queue.impl.single.PrecreatedFiles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes it impossible for the recorder's threads to fault on a full disk: every byte a recorder thread can write through
 * a mapping is allocated on disk before it can be written.
 *
 * <p>Why: a cycle file is sparse and mapped. The first write to a page of a hole makes the file system allocate a
 * block; when it has none the kernel sends SIGBUS, which the JVM turns into an {@link InternalError} in the writing
 * thread (or a crash). A free-space threshold alone cannot prevent it: what is written ahead of the writers (pretouch),
 * Chronicle's index arrays (sparse, filled in long after they are created), a new cycle file's header and indexes, and
 * other processes' use of the disk all race with it.
 *
 * <p>How, on this object's thread, every {@link #PERIOD_NANOS}:
 * <ul>
 *   <li><b>Reserve</b>: each cycle file writers may append to is allocated ({@link Fallocate}, which never changes a byte)
 *   contiguously from offset 0 up to {@code reserveAhead} bytes past Chronicle's write position, never spending free space
 *   below the disk guard's threshold plus its hysteresis (so that a tripped guard can clear). A failure ({@code ENOSPC})
 *   is an answer, not a fault: when what is left ahead of the writers falls to the low-water mark, the guard trips.</li>
 *   <li><b>Refuse</b>: a writer begins a record only if, in every cycle it may append to, Chronicle's write position plus
 *   the {@link #margin(int) margin} is reserved ({@link Gate#admits()}, which writers ask): the margin covers one
 *   record per writer (each writer has at most one record between begin and commit) plus the index arrays Chronicle
 *   may add, so whatever lands between a writer's check and its commit is inside the reservation.</li>
 *   <li><b>Prepare the next cycle</b>: Chronicle writes a new cycle file's header and indexes on the writer that first
 *   appends to it. Before a cycle begins, its file is pre-created and reserved as {@code <cycle>.precreated}, which
 *   Chronicle renames into place when a writer rolls into it; and the queue's clock ({@link CycleClock}) is held inside
 *   the prepared cycles, so no writer can roll into a cycle that was not prepared. A pre-created file that no writer used
 *   (an idle cycle) is deleted once no writer can be rolling into it.</li>
 *   <li>The queue's metadata file and the tails of existing cycle files (where Chronicle writes end-of-file markers) are
 *   reserved when the recorder opens, before any writer exists; the pretouch thread touches reserved pages only.</li>
 * </ul>
 *
 * <p>Costs: one thread waking every 10 ms (50 ms when idle), a few reads per begin, and up to {@code reserveAhead} bytes
 * of allocated zeros at the end of each cycle file plus one pre-created file.
 */
final class Reserver implements Agent {

    private static final Logger LOG = LoggerFactory.getLogger(Reserver.class);

    /** Granularity of reservations: small enough to use the last MiB of a full disk, large enough to cost few calls. */
    static final long STEP = 1L << 20;
    static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final long IDLE_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Longest wait for writers inside a commit before a stale pre-created file is deleted (retried on the next pass). */
    private static final long FENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** The reservations writers check, and the margin they check with; replaced whole, never changed. */
    private final Gate gate;
    private final Iterable<RecordWriter> writers;
    private final SingleChronicleQueue queue;
    private final CycleClock clock;
    private final Fallocate fallocate;
    private final LongSupplier freeSpace;
    private final LongSupplier budget = this::budget;
    private final LongSupplier unlimited = () -> Long.MAX_VALUE;
    private final java.util.function.IntToLongFunction reservedEnd = this::reservedUpTo;
    /** Free space the reservation never goes below. */
    private final long minFree;
    private final long reserveAhead;
    private final Path dir;
    private final RollingResourcesCache names;
    private final long epoch;
    private final long cycleMillis;
    /** How long before a cycle begins its file is prepared. */
    private final long leadMillis;
    private final int recordLength;
    private final AgentRunner runner;
    private Pretoucher pretoucher;
    private boolean failedBefore;
    private boolean touchFailedBefore;

    /** Cycles reserved and in the clock's span, by cycle (guarded by this). */
    private final TreeMap<Integer, CycleReservation> held = new TreeMap<>();
    /** Cycles being prepared, not yet reserved enough to be held. */
    private final TreeMap<Integer, CycleReservation> pending = new TreeMap<>();
    private final List<Path> stale = new ArrayList<>();
    private int lowCycle = Integer.MIN_VALUE;
    private int highCycle = Integer.MIN_VALUE;
    /** No cycle below this one is ever appended to again: the newest existing cycle when the recorder opened. */
    private int floorCycle = Integer.MIN_VALUE;
    private int peakWriters;
    private long margin;
    private volatile boolean starved;
    private boolean offsetChecked;
    /** Set when Chronicle's header is not laid out as expected: every append is refused from then on. */
    private boolean broken;
    private boolean prepareFailing;
    private volatile long reservedBytes;
    private volatile long spareBytes;

    /**
     * @param gate where the reservations are published to the writers, and the disk guard tripped
     * @param writers the open writers (the pass that deletes stale pre-created files waits for those inside a commit)
     */
    Reserver(Gate gate, Iterable<RecordWriter> writers, Path dir, SingleChronicleQueue queue, CycleClock clock, Fallocate fallocate,
            LongSupplier freeSpace, RecorderOptions options, int recordLength) {
        this.gate = gate;
        this.writers = writers;
        this.queue = queue;
        this.clock = clock;
        this.fallocate = fallocate;
        this.freeSpace = freeSpace;
        // Never below the threshold plus the hysteresis: reserving alone must not trip the free-space check, nor keep it tripped.
        this.minFree = options.diskGuardMinFreeBytes() + options.diskGuardHysteresisBytes();
        this.reserveAhead = options.reserveAhead();
        this.dir = dir;
        RollCycle rollCycle = queue.rollCycle();
        this.epoch = queue.epoch();
        this.cycleMillis = rollCycle.lengthInMillis();
        this.leadMillis = Math.max(1, Math.min(cycleMillis / 2, 10_000));
        File d = dir.toFile();
        this.names = new RollingResourcesCache(rollCycle, epoch, name -> new File(d, name + ".cq4"),
                f -> f.getName().substring(0, f.getName().length() - 4));
        this.recordLength = recordLength;
        this.margin = margin(0);
        long needed = minimumReserveAhead(1);
        if (reserveAhead < needed) {
            throw new IllegalArgumentException("reserveAhead is too small for this queue's roll cycle and record length: reserveAhead="
                    + reserveAhead + ", minimum=" + needed + " (twice the margin of one writer, " + margin(1) + " bytes, plus two "
                    + STEP + "-byte steps)");
        }
        this.runner = new AgentRunner("parquetry-recorder-reserve", this, BackoffIdle.pacing(PERIOD_NANOS, IDLE_PERIOD_NANOS), Clock.SYSTEM,
                e -> LOG.warn("reserving pass failed: queue={}", dir, e));
    }

    /** An index array of the roll cycle: its entries, Chronicle's 128-byte header, the excerpt header and padding. */
    static long indexArrayBytes(RollCycle rollCycle) {
        long count = Math.max(8, Long.highestOneBit(Math.max(1, rollCycle.defaultIndexCount() - 1)) << 1);
        return count * Long.BYTES + 256;
    }

    /** Bytes one record can take in a cycle file: its 4-byte header, alignment, and padding to a cache line. */
    static long recordSpan(int recordLength) {
        return ((recordLength + 4 + 7) & ~7L) + 64;
    }

    /**
     * How far past Chronicle's write position a cycle must be reserved for a writer to begin a record: the last record
     * and the index arrays after it (or a new cycle file's header and first indexes), and one record in flight per writer.
     */
    static long margin(RollCycle rollCycle, int recordLength, int writers) {
        long index = indexArrayBytes(rollCycle);
        return headBytes(rollCycle) + index + (long) Math.max(1, writers) * recordSpan(recordLength);
    }

    /** Where a new cycle file's first record goes at the latest: the header page and two index arrays. */
    static long headBytes(RollCycle rollCycle) {
        return 2 * indexArrayBytes(rollCycle) + CycleReservation.HEADER_PAGE;
    }

    /** The least {@code reserveAhead} that leaves room to work with {@code writers} writers: the low-water mark and a step. */
    static long minimumReserveAhead(RollCycle rollCycle, int recordLength, int writers) {
        return 2 * margin(rollCycle, recordLength, writers) + 2 * STEP;
    }

    private long margin(int writers) {
        return margin(queue.rollCycle(), recordLength, writers);
    }

    private long minimumReserveAhead(int writers) {
        return minimumReserveAhead(queue.rollCycle(), recordLength, writers);
    }

    /**
     * What a cycle must have reserved past its write position to be appended to, and below which, when no more can be
     * reserved, the guard trips: twice the margin and a step. Writers refuse on their own a margin before the end.
     */
    private long lowWater() {
        return 2 * margin + STEP;
    }

    /**
     * Before any writer exists: reserves the queue's existing cycle files where Chronicle may still write (end-of-file
     * markers), removes stale pre-created files and prepares the current cycle.
     *
     * @throws IllegalStateException when an existing cycle file cannot be reserved (the disk is full)
     */
    synchronized void open(long nowMillis) throws IOException {
        List<Integer> existing = existingCycles();
        if (!existing.isEmpty()) {
            floorCycle = existing.get(existing.size() - 1);
            checkWritePositionOffset(floorCycle);
            long normalised = queue.tableStoreGet("normalisedEOFsTo");
            for (int c : existing) {
                if (c >= normalised) {
                    reserveTail(c);
                }
            }
        }
        int wall = Math.max(cycleOf(nowMillis), floorCycle);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(".precreated")) {
                    int c;
                    try {
                        c = names.parseCount(name.substring(0, name.length() - ".precreated".length()));
                    } catch (RuntimeException notOurs) {
                        continue;
                    }
                    if (c < wall || Files.exists(cycleFile(c))) {
                        Files.deleteIfExists(p); // left by an earlier run; no writer can reach its cycle any more
                    }
                }
            }
        }
        tick(nowMillis);
    }

    void start(Pretoucher pretoucher) {
        this.pretoucher = pretoucher;
        runner.start();
    }

    /**
     * Stops the thread and closes what it holds. Pre-created files of cycles the clock still allows stay (a writer still
     * inside a commit may be rolling into one; the next recorder reuses or deletes them); those of cycles being prepared,
     * which no writer can reach, are deleted.
     */
    void stop() {
        runner.close(TimeUnit.SECONDS.toMillis(5));
        synchronized (this) {
            for (CycleReservation r : held.values()) {
                r.close(fallocate);
            }
            for (CycleReservation r : pending.values()) {
                if (!r.isCycleFile()) {
                    stale.add(r.precreated);
                }
                r.close(fallocate);
            }
            held.clear();
            pending.clear();
            deleteStale();
        }
    }

    /**
     * A writer is about to be created: the margin grows by one record.
     *
     * @throws IllegalStateException when {@code reserveAhead} leaves no room for that many writers
     */
    synchronized void writerAdded() {
        int writers = peakWriters + 1;
        long needed = minimumReserveAhead(writers);
        if (reserveAhead < needed) {
            throw new IllegalStateException("too many writers for the reservation distance: writers=" + writers + ", reserveAhead="
                    + reserveAhead + ", minimum=" + needed);
        }
        peakWriters = writers;
        margin = margin(writers);
        publish();
    }

    /**
     * Bytes reserved and not yet written in the cycles writers may append to: room for the recorder's own appends that
     * the file system no longer reports as free (the disk guard counts it as free).
     */
    long spareBytes() {
        return spareBytes;
    }

    /** True while the reservation could not keep up (the disk is full, or the guard's threshold reached). */
    boolean starved() {
        return starved;
    }

    /** Reserved end of {@code cycle}'s file, or 0 when it is not held: the pretoucher touches below it only. */
    synchronized long reservedUpTo(int cycle) {
        CycleReservation r = held.get(cycle);
        return r == null ? 0 : r.reservedUpTo();
    }

    /** Bytes reserved since start (for tests and diagnostics). */
    long reservedBytes() {
        return reservedBytes;
    }

    /** The cycles writers may append to now (for tests and diagnostics). */
    synchronized List<Integer> heldCycles() {
        return new ArrayList<>(held.keySet());
    }

    Path cycleFile(int cycle) {
        return names.resourceFor(cycle).path.toPath();
    }

    int cycleOf(long millis) {
        return (int) ((millis - epoch) / cycleMillis);
    }

    private long startOf(int cycle) {
        return epoch + cycle * cycleMillis;
    }

    /**
     * One pass of this object's thread: the reservation ({@link #tick}), then the pretouch. A failure of either is logged
     * once per streak and costs appends (writers are refused once what is reserved runs out) or page faults on the
     * appending thread, never a fault of a writer.
     */
    @Override
    public int doWork(long nowMs) {
        long work = 0;
        try {
            work += tick(nowMs);
            failedBefore = false;
        } catch (IOException | RuntimeException e) {
            if (!failedBefore) {
                LOG.warn("reservation failed (appends are refused once what is reserved runs out): queue={}", dir, e);
            }
            failedBefore = true;
        }
        Pretoucher p = pretoucher;
        if (p != null) {
            try {
                work += p.tick(reservedEnd);
                touchFailedBefore = false;
            } catch (IOException | RuntimeException e) {
                if (!touchFailedBefore) {
                    LOG.warn("pretouch failed (appends go on, with page faults on the appending thread): queue={}", dir, e);
                }
                touchFailedBefore = true;
                p.release();
            }
        }
        return (int) Math.min(work, Integer.MAX_VALUE);
    }

    @Override
    public void onClose() {
        if (pretoucher != null) {
            pretoucher.release();
        }
    }

    /**
     * One pass: prepares the current cycle (and the next, shortly before it begins), moves the clock's span, extends
     * every held reservation and deletes pre-created files no writer can reach any more.
     *
     * @return a measure of the work done (0 when the writers did not move)
     */
    synchronized long tick(long nowMillis) throws IOException {
        if (broken) {
            return 0;
        }
        long before = reservedBytes;
        int wall = Math.max(cycleOf(nowMillis), Math.max(floorCycle, lowCycle));
        // Cycles that were being prepared when their time passed: never in the clock's span, so no writer can reach them.
        while (!pending.isEmpty() && pending.firstKey() < wall) {
            CycleReservation r = pending.pollFirstEntry().getValue();
            if (!r.isCycleFile()) {
                stale.add(r.precreated);
            }
            r.close(fallocate);
        }
        int hi = Integer.MIN_VALUE;
        if (prepare(wall)) {
            hi = wall;
            if (nowMillis >= startOf(wall + 1) - leadMillis && prepare(wall + 1)) {
                hi = wall + 1;
            }
        }
        if (hi != Integer.MIN_VALUE && (wall != lowCycle || hi != highCycle)) {
            moveSpan(wall, hi);
        }
        boolean short0 = false;
        long spare = 0;
        for (CycleReservation r : held.values()) {
            if (extend(r) != 0 && r.reservedUpTo() - r.writePosition() < lowWater()) {
                short0 = true;
            }
            spare += Math.max(0, r.reservedUpTo() - r.writePosition());
            if (!offsetChecked && r.isCycleFile()) {
                checkWritePositionOffset(r.cycle);
            }
        }
        spareBytes = spare;
        starved(short0 || held.isEmpty());
        if (!stale.isEmpty()) {
            deleteStale();
        }
        return reservedBytes - before;
    }

    /** True when {@code cycle} is held; otherwise takes a step towards it and says whether it got there. */
    private boolean prepare(int cycle) throws IOException {
        if (held.containsKey(cycle)) {
            return true;
        }
        CycleReservation r = pending.get(cycle);
        if (r == null) {
            r = CycleReservation.open(fallocate, cycle, cycleFile(cycle), precreatedFile(cycle));
            pending.put(cycle, r);
        }
        extend(r);
        if (r.reservedUpTo() >= r.writePosition() + lowWater()) {
            pending.remove(cycle);
            held.put(cycle, r);
            if (prepareFailing) {
                prepareFailing = false;
                LOG.info("reserved the file of cycle {} again: queue={}, reserved={}", cycle, dir, r.reservedUpTo());
            }
            return true;
        }
        if (!prepareFailing) {
            prepareFailing = true;
            LOG.warn("cannot reserve the file of cycle {} (appends stay in the cycles already reserved): queue={}, reserved={}, "
                    + "freeBytes={}, keptFreeBytes={}", cycle, dir, r.reservedUpTo(), freeSpace.getAsLong(), minFree);
        }
        return false;
    }

    /**
     * Moves the clock's span to cycles {@code lo..hi}, all held. Writers check the union of the old and new cycles while
     * the clock moves, so a writer that began before the move is checked against the cycle it lands in, or is one of the
     * records in flight the margin allows for.
     */
    private void moveSpan(int lo, int hi) {
        publish();
        clock.hold(startOf(lo), startOf(hi + 1));
        for (Iterator<Map.Entry<Integer, CycleReservation>> it = held.entrySet().iterator(); it.hasNext(); ) {
            CycleReservation r = it.next().getValue();
            if (r.cycle < lo) {
                it.remove();
                if (!r.isCycleFile()) {
                    stale.add(r.precreated);
                }
                r.close(fallocate);
            }
        }
        lowCycle = lo;
        highCycle = hi;
        publish();
    }

    private void publish() {
        if (broken) {
            return;
        }
        gate.window(new Gate.Window(held.values().toArray(new CycleReservation[0]), margin));
    }

    /** Extends a reservation to {@code reserveAhead} past the write position; returns 0 or an errno. */
    private int extend(CycleReservation r) {
        long target = (r.writePosition() + reserveAhead + STEP - 1) & ~(STEP - 1);
        if (r.reservedUpTo() >= target - STEP) {
            return 0; // topped up within a step: not worth a call
        }
        int rc = extend(r, target, budget);
        if (rc != 0 && rc != Fallocate.ENOSPC) {
            LOG.warn("reservation failed: queue={}, {}, error={}", dir, r, fallocate.describe(rc));
        }
        return rc;
    }

    /**
     * Extends a reservation towards {@code target} in steps, each only while {@code budget} has room for it (asked again
     * before every step: a file system spends some blocks of its own on an allocation).
     *
     * @return 0 when {@code target} is reached, {@link Fallocate#ENOSPC} when the file system or the budget ran out, or
     *     another errno
     */
    private int extend(CycleReservation r, long target, LongSupplier budget) {
        if (r.reservedUpTo() == 0) {
            // Everything below the write position was written (or is one of Chronicle's index arrays, which are sparse):
            // one call, most of whose range is usually allocated already and costs little space.
            long written = Math.min(r.writePosition(), target) & ~(STEP - 1);
            int rc = r.reserveTo(fallocate, written);
            if (rc != 0) {
                return rc;
            }
            reservedBytes += written;
        }
        while (r.reservedUpTo() < target) {
            long to = Math.min(r.reservedUpTo() + STEP, target);
            long len = to - r.reservedUpTo();
            if (budget.getAsLong() < len) {
                return Fallocate.ENOSPC;
            }
            int rc = r.reserveTo(fallocate, to);
            if (rc != 0) {
                return rc;
            }
            reservedBytes += len;
        }
        return 0;
    }

    /** Free space above what must stay free; unlimited when the file system does not say (then ENOSPC decides). */
    private long budget() {
        long free = freeSpace.getAsLong();
        return free < 0 ? Long.MAX_VALUE : Math.max(0, free - minFree);
    }

    private void starved(boolean now) {
        if (now && !starved) {
            gate.diskGuardTripped(true);
            LOG.warn("disk guard tripped, refusing appends: cannot reserve space ahead of the writers: queue={}, freeBytes={}, "
                    + "keptFreeBytes={}, held={}", dir, freeSpace.getAsLong(), minFree, held.values());
        }
        starved = now;
    }

    /**
     * Deletes pre-created files no writer can roll into any more: the clock has moved past them, and every writer that
     * was inside a commit (it may have read the clock before it moved) has left it. A writer reads the clock under
     * Chronicle's write lock, taken by a compare-and-set after the writer marks itself as committing, and this thread
     * reads the marks after the clock's volatile store: either it sees the mark, or the writer sees the new clock.
     */
    private void deleteStale() {
        List<RecordWriter> busy = new ArrayList<>();
        List<Long> seen = new ArrayList<>();
        for (RecordWriter w : writers) {
            long s = w.commitSequence();
            if ((s & 1) != 0) {
                busy.add(w);
                seen.add(s);
            }
        }
        long deadline = System.nanoTime() + FENCE_NANOS;
        for (int i = 0; i < busy.size(); i++) {
            while (busy.get(i).commitSequence() == seen.get(i)) {
                if (System.nanoTime() > deadline) {
                    return; // try again on the next pass
                }
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
            }
        }
        for (Path p : stale) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.warn("cannot delete an unused pre-created cycle file: file={}", p, e);
            }
        }
        stale.clear();
    }

    private Path precreatedFile(int cycle) {
        return PrecreatedFiles.preCreatedFile(cycleFile(cycle).toFile()).toPath();
    }

    private List<Integer> existingCycles() throws IOException {
        List<Integer> cycles = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(".cq4")) {
                    try {
                        cycles.add(names.parseCount(name.substring(0, name.length() - 4)));
                    } catch (RuntimeException notOurs) {
                        // not a cycle file of this roll cycle: Chronicle ignores it too
                    }
                }
            }
        }
        cycles.sort(null);
        return cycles;
    }

    /** Reserves an existing cycle file up to a margin past its write position, where an end-of-file marker may go. */
    private void reserveTail(int cycle) throws IOException {
        CycleReservation r = CycleReservation.open(fallocate, cycle, cycleFile(cycle), precreatedFile(cycle));
        try {
            long target = (r.writePosition() + margin(1) + STEP - 1) & ~(STEP - 1);
            int rc = extend(r, target, unlimited);
            if (rc != 0) {
                throw new IllegalStateException("cannot reserve the end of an existing cycle file, the disk may be full: file="
                        + r.file + ", reserved=" + r.reservedUpTo() + ", needed=" + target + ", error=" + fallocate.describe(rc));
            }
        } finally {
            r.close(fallocate);
        }
    }

    /**
     * Checks {@link CycleFileDescriptor#WRITE_POSITION_OFFSET} against Chronicle's own write-position field of a cycle file.
     *
     * @throws IllegalStateException when they differ (another Chronicle version or wire format): without the right offset
     *     the writers' check would read the wrong bytes
     */
    private void checkWritePositionOffset(int cycle) {
        SingleChronicleQueueStore store = queue.storeForCycle(cycle, epoch, false, null);
        if (store == null) {
            return;
        }
        try {
            long offset = writePositionOffset(store);
            if (offset != CycleFileDescriptor.WRITE_POSITION_OFFSET) {
                broken = true;
                gate.window(Gate.Window.NONE);
                throw new IllegalStateException("Chronicle's write position is not where the disk guard reads it: file=" + store.file()
                        + ", offset=" + offset + ", expected=" + CycleFileDescriptor.WRITE_POSITION_OFFSET);
            }
            offsetChecked = true;
        } finally {
            queue.closeStore(store);
        }
    }

    static long writePositionOffset(SingleChronicleQueueStore store) {
        try {
            Field f = SingleChronicleQueueStore.class.getDeclaredField("writePosition");
            f.setAccessible(true);
            Object value = f.get(store);
            return value instanceof Byteable ? ((Byteable) value).offset() : -1;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }
}
