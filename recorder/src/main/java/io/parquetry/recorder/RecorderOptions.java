package io.parquetry.recorder;

import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.RollCycleNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Options of a {@link Recorder}. Defaults suit a capture host; every setter validates its value at once.
 *
 * <ul>
 *   <li>{@code rollCycle}: how often the queue starts a new cycle file. Default {@code LARGE_HOURLY_SPARSE}: one file an
 *   hour (so a cycle lines up with an hourly partition) that holds 1.7e10 records, 4.7 M records/s for a whole hour;
 *   Chronicle's default daily cycle holds 4.3e9 a day, about 50 k records/s on average.</li>
 *   <li>{@code diskGuardMinFreeBytes}: appends are refused (counted, {@link RecordWriter#REFUSED_DISK_GUARD}) while the
 *   queue's file system has less free space than this; the recorder never reserves space below it. Default 1 GiB. They
 *   resume once free space is above the threshold plus {@code diskGuardHysteresisBytes} (default 256 MiB). A full disk
 *   never kills the process with SIGBUS, whatever these are (0 included): see {@code reserveAhead}.</li>
 *   <li>{@code reserveAhead}: how far ahead of the writers the queue's cycle file is allocated on disk. A writer appends
 *   only into allocated space, so no write of the recorder's threads through the mapping can fault; when the disk is
 *   full, appends are refused instead. Default 64 MiB (see the setter).</li>
 *   <li>{@code doubleBuffer}: Chronicle's double buffering for contended appends, on by default (see the setter).</li>
 *   <li>{@code pretouchAhead}: how far ahead of the writers a background thread faults in the queue file's pages, so the
 *   producing threads do not take those page faults. Default 32 MiB; 0 turns it off (see the setter).</li>
 *   <li>{@code syncInterval}: when set, a background thread forces the queue's files to disk this often, so records older
 *   than the interval survive an OS crash or power loss. Off by default: a record survives a crash of the producing
 *   process as soon as it is committed (it is in the page cache of a mapped file).</li>
 * </ul>
 */
public final class RecorderOptions {

    /** Default roll cycle: hourly, 1.7e10 records a cycle, an index entry every 1024 records. */
    public static final String DEFAULT_ROLL_CYCLE = "LARGE_HOURLY_SPARSE";

    /** Default distance the pretouch thread keeps ahead of the writers: 32 MiB, four 8 MiB read-ahead windows. */
    public static final long DEFAULT_PRETOUCH_AHEAD = 32L << 20;

    /** Default distance the cycle file is reserved ahead of the writers: twice the pretouch distance. */
    public static final long DEFAULT_RESERVE_AHEAD = 64L << 20;

    private String rollCycle = DEFAULT_ROLL_CYCLE;
    private long diskGuardMinFreeBytes = 1L << 30;
    private long diskGuardHysteresisBytes = 256L << 20;
    private Duration diskCheckInterval = Duration.ofMillis(100);
    private Duration syncInterval;
    private Duration statusInterval = Duration.ofMillis(100);
    private Path statusFile;
    private long blockSize;
    private boolean doubleBuffer = true;
    private long pretouchAhead = DEFAULT_PRETOUCH_AHEAD;
    private long reserveAhead = DEFAULT_RESERVE_AHEAD;
    private LongSupplier freeSpaceProbe;
    private boolean recordChecksums = true;

    public static RecorderOptions defaults() {
        return new RecorderOptions();
    }

    /** Name of a Chronicle roll cycle ({@code RollCycles}, {@code LargeRollCycles} or {@code SparseRollCycles}). */
    public RecorderOptions rollCycle(String name) {
        RollCycleNames.resolve(name);
        this.rollCycle = name;
        return this;
    }

    public RecorderOptions diskGuardMinFreeBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("disk guard threshold must be >= 0: diskGuardMinFreeBytes=" + bytes);
        }
        this.diskGuardMinFreeBytes = bytes;
        return this;
    }

    public RecorderOptions diskGuardHysteresisBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("disk guard hysteresis must be >= 0: diskGuardHysteresisBytes=" + bytes);
        }
        this.diskGuardHysteresisBytes = bytes;
        return this;
    }

    public RecorderOptions diskCheckInterval(Duration d) {
        this.diskCheckInterval = positive("diskCheckInterval", d);
        return this;
    }

    /** {@code null} turns periodic msync off. */
    public RecorderOptions syncInterval(Duration d) {
        this.syncInterval = d == null ? null : positive("syncInterval", d);
        return this;
    }

    /**
     * Whether a queue this recorder creates stores each record's CRC32C after it (layout version 2, {@link ExcerptFormat}),
     * so that a record torn by a power cut is recognised as damage and never converted. On by default; a queue keeps the
     * layout it was created with, so this matters only for a new queue.
     */
    public RecorderOptions recordChecksums(boolean on) {
        this.recordChecksums = on;
        return this;
    }

    public boolean recordChecksums() {
        return recordChecksums;
    }

    public RecorderOptions statusInterval(Duration d) {
        this.statusInterval = positive("statusInterval", d);
        return this;
    }

    /** Where to publish the status file; default {@code <queue>/recorder.status}. */
    public RecorderOptions statusFile(Path p) {
        this.statusFile = p;
        return this;
    }

    /**
     * Chronicle's block size: how much of a cycle file is mapped at a time. A new block is mapped on the appending thread,
     * so larger blocks mean fewer, rarer stalls; 0 keeps Chronicle's default.
     */
    public RecorderOptions blockSize(long bytes) {
        if (bytes != 0 && (bytes < (1L << 20) || bytes > (4L << 30))) {
            throw new IllegalArgumentException("block size must be 0 (default) or 1 MiB..4 GiB: blockSize=" + bytes);
        }
        this.blockSize = bytes;
        return this;
    }

    /**
     * Chronicle's double buffering, on by default: an appender that finds the queue's write lock held writes into a
     * buffer of its own and copies it in when it gets the lock, instead of spinning. A writer appends each record in one
     * copy, which is what makes this pay: two threads on one queue measured 2.0–2.5 M appends/s steady with it, and fell
     * to about 1 M/s without it (docs/BENCHMARKS.md §1). An uncontended append does not use the buffer.
     */
    public RecorderOptions doubleBuffer(boolean on) {
        this.doubleBuffer = on;
        return this;
    }

    /**
     * How far ahead of the writers' furthest record a background thread write-touches the cycle file's pages, so the page
     * faults of a growing, sparse queue file are taken there and not on a producing thread. Without it, on a machine with
     * an 8 MiB read-ahead window, every 8 MiB of queue stopped the appending thread for about 17 ms in one page fault;
     * p99 at 1 M appends/s went from 17 ms to 5-14 µs with it (docs/BENCHMARKS.md §2). It runs on the thread that keeps
     * the file reserved ({@link #reserveAhead}), touches reserved pages only, and must be at most half {@code reserveAhead}
     * (checked when the recorder opens). 0 turns it off; otherwise 1 MiB..1 GiB.
     */
    public RecorderOptions pretouchAhead(long bytes) {
        if (bytes != 0 && (bytes < (1L << 20) || bytes > (1L << 30))) {
            throw new IllegalArgumentException("pretouch distance must be 0 (off) or 1 MiB..1 GiB: pretouchAhead=" + bytes);
        }
        this.pretouchAhead = bytes;
        return this;
    }

    public long pretouchAhead() {
        return pretouchAhead;
    }

    /**
     * How far past the writers' last record the current cycle file is allocated on disk ({@code fallocate}, which never
     * changes a byte), by a background thread that keeps it topped up every 10 ms. Writers append only inside it, and the
     * next cycle's file is allocated before the cycle begins, so no write of the recorder's threads into the mapped queue
     * can meet an unallocated page: on a full disk the reservation fails, and appends are refused
     * ({@link RecordWriter#REFUSED_DISK_GUARD}) instead of the process dying of SIGBUS. It must stay ahead of the writers'
     * fastest pace between two of its passes (a full-speed writer moves about 4.5 MiB in 10 ms); it costs up to this many
     * bytes of allocated zeros at the end of each cycle file, plus one pre-created file for the next cycle. 1 MiB..4 GiB,
     * at least twice {@code pretouchAhead}, and large enough for the queue's index arrays and writers (checked when the
     * recorder opens and when a writer is added).
     */
    public RecorderOptions reserveAhead(long bytes) {
        if (bytes < (1L << 20) || bytes > (4L << 30)) {
            throw new IllegalArgumentException("reservation distance must be 1 MiB..4 GiB: reserveAhead=" + bytes);
        }
        this.reserveAhead = bytes;
        return this;
    }

    public long reserveAhead() {
        return reserveAhead;
    }

    /**
     * Checks the options that depend on each other; {@link Recorder#open} calls it.
     *
     * @throws IllegalArgumentException naming both values when they cannot work together
     */
    public RecorderOptions validate() {
        if (pretouchAhead > reserveAhead / 2) {
            throw new IllegalArgumentException("the pretouch distance must be at most half the reservation distance (the pretouch "
                    + "thread touches reserved pages only, and the reservation may lag by up to half its distance): pretouchAhead="
                    + pretouchAhead + ", reserveAhead=" + reserveAhead);
        }
        return this;
    }

    public boolean doubleBuffer() {
        return doubleBuffer;
    }

    public long blockSize() {
        return blockSize;
    }

    /** Seam for tests and unusual storage: reports the usable bytes the disk guard compares to its threshold. */
    RecorderOptions freeSpaceProbe(LongSupplier probe) {
        this.freeSpaceProbe = probe;
        return this;
    }

    private static Duration positive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration: " + key + "=" + d);
        }
        return d;
    }

    public String rollCycle() {
        return rollCycle;
    }

    public long diskGuardMinFreeBytes() {
        return diskGuardMinFreeBytes;
    }

    public long diskGuardHysteresisBytes() {
        return diskGuardHysteresisBytes;
    }

    public Duration diskCheckInterval() {
        return diskCheckInterval;
    }

    public Duration syncInterval() {
        return syncInterval;
    }

    public Duration statusInterval() {
        return statusInterval;
    }

    public Path statusFile() {
        return statusFile;
    }

    LongSupplier freeSpaceProbe() {
        return freeSpaceProbe;
    }
}
