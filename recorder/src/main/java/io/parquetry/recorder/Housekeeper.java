package io.parquetry.recorder;

import io.parquetry.platform.RangeSync;
import io.parquetry.platform.duty.AgentRunner;
import io.parquetry.platform.duty.Clock;
import io.parquetry.platform.duty.Every;
import io.parquetry.platform.duty.UntilDue;
import io.parquetry.queue.CycleFile;
import io.parquetry.queue.CycleFileDescriptor;
import io.parquetry.queue.CycleFiles;
import io.parquetry.queue.DamageFound;
import io.parquetry.queue.SyncMark;
import io.parquetry.status.RecorderStatusDescriptor;
import io.parquetry.status.StatusFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder's housekeeping thread: the disk guard's free-space check and status publication; and, on a thread of its
 * own, the periodic sync of {@code syncInterval} with its sync mark. Nothing
 * here runs on a producing thread.
 */
final class Housekeeper {

    private static final Logger LOG = LoggerFactory.getLogger(Housekeeper.class);
    /** The longest park between passes: how late a stop or a changed option may be seen. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Path queueDir;
    private final Gate gate;
    private final Writers writers;
    private final SingleChronicleQueue queue;
    private final StatusFile status;
    private final RecorderOptions options;
    private final LongSupplier freeSpace;
    private final Reserver reserver;
    private final Clock clock;
    /** Cycle numbers of the queue's file names. */
    private final CycleFiles names;
    /** The disk guard's check and the status, each a period after it last ran. */
    private final Every diskCheck;
    private final Every publishing;
    private final AgentRunner housekeeping;
    /**
     * The periodic sync's own thread: a sync takes as long as the disk needs to write what the interval appended (tens of
     * ms at 1 M records/s), which must delay neither the disk guard's check nor the status; and at a fixed rate, so that
     * a record waits at most the interval plus one sync's duration (when a sync takes longer than the interval, syncs
     * run back to back: two syncs' durations). Null without {@code syncInterval}.
     */
    private final Every syncing;
    private final AgentRunner syncer;
    private volatile long syncedIndex = -1;
    private volatile long lastSyncMillis;
    private volatile long freeBytes = -1;
    private long lastAppended = -1;
    private long lastAppendMillis;
    private int syncedCycleFiles = -1;
    /** The cycle whose file the last sync forced a range of, and up to which byte. */
    private int syncedCycle = Integer.MIN_VALUE;
    private long syncedTo;
    /** The last sync mark written (or found at open), so the next continues its generations. */
    private SyncMark.Mark mark;
    /** The newest cycle file, kept open between syncs to read its store header. */
    private CycleFile newest;

    Housekeeper(Path queueDir, Gate gate, Writers writers, SingleChronicleQueue queue, StatusFile status, RecorderOptions options,
            LongSupplier freeSpace, Reserver reserver, SyncMark.Mark mark, Clock clock) {
        this.queueDir = queueDir;
        this.gate = gate;
        this.writers = writers;
        this.queue = queue;
        this.status = status;
        this.options = options;
        this.freeSpace = freeSpace;
        this.reserver = reserver;
        this.mark = mark;
        this.clock = clock;
        this.names = new CycleFiles(queueDir, queue.rollCycle(), queue.epoch());
        this.diskCheck = Every.fixedDelay(options.diskCheckInterval().toMillis());
        this.publishing = Every.fixedDelay(options.statusInterval().toMillis());
        this.housekeeping = new AgentRunner("parquetry-recorder-housekeeping", this::housekeep,
                new UntilDue(clock, () -> Math.min(diskCheck.nextMs(), publishing.nextMs()), MAX_PARK_NANOS), clock, this::failed);
        if (options.syncInterval() == null) {
            this.syncing = null;
            this.syncer = null;
        } else {
            this.syncing = Every.fixedRate(options.syncInterval().toMillis());
            this.syncer = new AgentRunner("parquetry-recorder-sync", this::syncIfDue, new UntilDue(clock, syncing::nextMs, MAX_PARK_NANOS),
                    clock, this::failed);
        }
    }

    /** Decides the disk guard before the first append, then starts the threads: status at once, check and sync a period on. */
    void start() {
        checkDisk();
        long now = clock.millis();
        diskCheck.startAt(now);
        housekeeping.start();
        if (syncer != null) {
            syncing.startAt(now);
            syncer.start();
        }
    }

    /** The housekeeping thread's pass: each duty when its period says, a failure of one not keeping the other from running. */
    int housekeep(long nowMs) {
        int work = 0;
        if (diskCheck.due(nowMs)) {
            guarded(this::checkDisk);
            work++;
        }
        if (publishing.due(nowMs)) {
            guarded(this::publish);
            work++;
        }
        return work;
    }

    /** The sync thread's pass. */
    int syncIfDue(long nowMs) {
        if (!syncing.due(nowMs)) {
            return 0;
        }
        guarded(this::syncNow);
        return 1;
    }

    /** Runs a duty; a failure is logged and published, and does not keep the next duty from running. */
    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            failed(e);
        }
    }

    private void failed(Throwable e) {
        LOG.warn("recorder housekeeping failed: queue={}", queueDir, e);
        try (StatusFile.Update u = status.update()) {
            u.text(RecorderStatusDescriptor.TEXT_LAST_ERROR, e.toString());
        }
    }

    /**
     * Trips the guard when free space falls below the threshold, or while the reserving thread cannot reserve space ahead
     * of the writers (it trips the guard itself at once; this keeps it tripped); clears it once free space is back above
     * the threshold plus the hysteresis and the reservation has caught up. Free space here includes what the recorder has
     * reserved and not yet written: that is room for its appends, which the file system reports as used.
     */
    void checkDisk() {
        long free = freeSpace.getAsLong();
        freeBytes = free;
        boolean tripped = gate.diskGuardTripped();
        long threshold = options.diskGuardMinFreeBytes();
        long spare = reserver.spareBytes();
        boolean low = free >= 0 ? free + spare < (tripped ? threshold + options.diskGuardHysteresisBytes() : threshold) : tripped;
        boolean trip = low || reserver.starved();
        if (trip == tripped) {
            return;
        }
        gate.diskGuardTripped(trip);
        if (trip) {
            LOG.warn("disk guard tripped, refusing appends: queue={}, freeBytes={}, reservedNotWrittenBytes={}, minFreeBytes={}, "
                    + "reservationStarved={}", queueDir, free, spare, threshold, reserver.starved());
        } else {
            LOG.info("disk guard cleared, accepting appends: queue={}, freeBytes={}, reservedNotWrittenBytes={}", queueDir,
                    free, spare);
        }
    }

    /**
     * Forces what the newest two cycle files (the current one and the one before, in case the cycle just rolled) hold
     * up to the last complete record: the older one whole, the newest from where the last sync left off to that record's
     * end ({@link RangeSync}: the pages the writers are on, the store header's among them, are left alone; a file's
     * first sync includes its store header). Then Chronicle's metadata file and, when a cycle file is new, the queue
     * directory; then records that last record as the queue's {@link SyncMark}. Records up to it survive a power cut
     * from here on.
     */
    synchronized void syncNow() {
        Path dir = queueDir;
        List<Path> cycles;
        try {
            cycles = CycleFiles.list(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list queue directory for msync: queue=" + dir, e);
        }
        long[] end = lastComplete(cycles); // before the force: what it covers
        for (int i = Math.max(0, cycles.size() - 2); i < cycles.size(); i++) {
            Path p = cycles.get(i);
            int cycle = names.cycleOf(p.getFileName().toString());
            if (end == null || cycle != end[0]) {
                RangeSync.forceWhole(p);
            } else {
                RangeSync.force(p, cycle == syncedCycle ? syncedTo : 0, end[3]);
                syncedCycle = cycle;
                syncedTo = end[3];
            }
        }
        force(dir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE), false);
        if (cycles.size() != syncedCycleFiles) {
            force(dir, true); // a new cycle file's directory entry must be durable too
            syncedCycleFiles = cycles.size();
        }
        if (end != null) {
            mark = SyncMark.write(dir, mark, (int) end[0], end[1], end[2]);
            syncedIndex = queue.rollCycle().toIndex((int) end[0], end[2]);
        }
        lastSyncMillis = clock.millis();
    }

    /**
     * The last complete record, as the store headers say: {cycle, header position, sequence, end of its bytes} of the
     * newest cycle file that has one, or null when none does (or an appender keeps moving the write position while it
     * is read).
     */
    private long[] lastComplete(List<Path> cycles) {
        for (int i = cycles.size() - 1; i >= Math.max(0, cycles.size() - 2); i--) {
            Path p = cycles.get(i);
            try {
                if (newest == null || !newest.path().equals(p)) {
                    closeNewest();
                    newest = CycleFile.open(p, names.cycleOf(p.getFileName().toString()));
                }
                newest.checkHeader();
                long wp = newest.writePosition();
                for (int attempt = 0; wp != 0 && attempt < 1000; attempt++) {
                    long seq = newest.sequenceAt(wp);
                    int header = newest.header(wp);
                    if (seq >= 0 && newest.writePosition() == wp && CycleFileDescriptor.isComplete(header)) {
                        return new long[] {newest.cycle(), wp, seq, wp + CycleFileDescriptor.HEADER_LENGTH + CycleFileDescriptor.lengthOf(header)};
                    }
                    Thread.onSpinWait(); // an appender between its two writes
                    wp = newest.writePosition();
                }
                if (wp != 0) {
                    return null; // appenders kept it moving: the next sync marks
                }
                // no record in this cycle yet: the one before has the last
            } catch (DamageFound | java.io.UncheckedIOException e) {
                LOG.debug("cannot read a cycle file's store header for the sync mark: file={}", p, e);
                return null;
            }
        }
        return null;
    }

    private void closeNewest() {
        if (newest != null) {
            newest.close();
            newest = null;
        }
    }

    private static void force(Path p, boolean metadata) {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(metadata);
        } catch (IOException e) {
            throw new IllegalStateException("msync failed: file=" + p, e);
        }
    }

    long syncedIndex() {
        return syncedIndex;
    }

    void publish() {
        long now = clock.millis();
        long appended = writers.appended();
        if (appended != lastAppended) {
            if (lastAppended >= 0 || appended > 0) {
                lastAppendMillis = now;
            }
            lastAppended = appended;
        }
        long head = appended > 0 || lastAppendMillis > 0 ? queue.lastIndex() : -1;
        try (StatusFile.Update u = status.update()) {
            u.value(RecorderStatusDescriptor.APPENDED, appended)
                    .value(RecorderStatusDescriptor.REFUSED_DISK_GUARD, writers.refusedDiskGuard())
                    .value(RecorderStatusDescriptor.REFUSED_CLOSED, writers.refusedClosed())
                    .value(RecorderStatusDescriptor.REFUSED_TOO_LONG, writers.refusedTooLong())
                    .value(RecorderStatusDescriptor.TRUNCATED, writers.truncated())
                    .value(RecorderStatusDescriptor.LAST_APPEND_MS, lastAppendMillis)
                    .value(RecorderStatusDescriptor.FREE_BYTES, freeBytes)
                    .value(RecorderStatusDescriptor.DISK_GUARD_TRIPPED, gate.diskGuardTripped() ? 1 : 0)
                    .value(RecorderStatusDescriptor.HEAD_INDEX, head)
                    .value(RecorderStatusDescriptor.SYNCED_INDEX, syncedIndex)
                    .value(RecorderStatusDescriptor.WRITERS, writers.size())
                    .value(RecorderStatusDescriptor.LAST_SYNC_MS, lastSyncMillis);
        }
        status.heartbeat(now);
    }

    void stop() {
        housekeeping.close(TimeUnit.SECONDS.toMillis(5));
        if (syncer != null) {
            syncer.close(TimeUnit.SECONDS.toMillis(5));
        }
        // Always, whatever the mode: a clean close leaves a sync mark at the queue's end, so the next open repairs nothing.
        guarded(this::syncNow);
        closeNewest();
        guarded(this::publish);
        // A heartbeat of 0 says "stopped cleanly" to readers, sooner than waiting for it to go stale.
        status.heartbeat(0);
    }
}
