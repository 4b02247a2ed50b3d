package io.parquetry.recorder;

import io.parquetry.platform.duty.Clock;
import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.QueueIdentity;
import io.parquetry.queue.QueueSchemaStore;
import io.parquetry.queue.RollCycleNames;
import io.parquetry.queue.SchemaHistory;
import io.parquetry.queue.SyncMark;
import io.parquetry.schema.Field;
import io.parquetry.schema.Schema;
import io.parquetry.status.Liveness;
import io.parquetry.status.RecorderStatusDescriptor;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusFileDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongSupplier;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * The in-process side of Parquetry: one per queue per process. It opens (or creates) the Chronicle Queue in a
 * directory, stores or checks the schema there, runs the disk guard's free-space check, the optional periodic msync and
 * the status file on one housekeeping thread, keeps the queue's files allocated on disk ahead of the writers and touches
 * their pages on another ({@link Reserver}, {@link Pretoucher}), and hands out one {@link RecordWriter} per producing
 * thread. No thread of the recorder writes through a mapping into space that is not allocated, so a full disk refuses
 * appends ({@link RecordWriter#REFUSED_DISK_GUARD}) and never kills the process.
 *
 * <pre>{@code
 * try (Recorder recorder = Recorder.open(queueDir, Schema.load(schemaFile))) {
 *     Field price = recorder.schema().field("price");          // resolve handles once
 *     try (RecordWriter w = recorder.newWriter()) {            // one per thread
 *         ... w.begin() / set / commit, see RecordWriter
 *     }
 * }
 * }</pre>
 *
 * Close the writers (on their threads) before the recorder: closing the recorder refuses further appends
 * ({@link RecordWriter#REFUSED_CLOSED}) and then closes the queue.
 */
public final class Recorder implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Recorder.class);
    /** Length Chronicle (2026.4) gives a new queue's metadata file; a longer one is allocated whole too. */
    private static final int METADATA_BYTES = 128 << 10;

    private final Path queueDir;
    private final Schema schema;
    private final RecorderOptions options;
    private final SingleChronicleQueue queue;
    private final Reserver reserver;
    private final String rollCycle;
    private final QueueIdentity identity;
    private final ExcerptFormat format;
    private final QueueLock lock;
    private final Gate gate = new Gate();
    private final Writers writers = new Writers();
    private final StatusFile status;
    private final Housekeeper housekeeper;
    private final Pretoucher pretoucher;

    private Recorder(Path queueDir, Schema schema, RecorderOptions options) {
        this.queueDir = queueDir;
        this.schema = schema;
        this.options = options.validate();
        if (Files.exists(queueDir) && !Files.isDirectory(queueDir)) {
            throw new IllegalArgumentException("queue path is not a directory: queue=" + queueDir);
        }
        Fallocate fallocate = Fallocate.load();
        QueueSchemaStore.Admission admission = QueueSchemaStore.storeOrCheck(queueDir, schema, options.rollCycle(),
                ExcerptFormat.versionFor(schema, options.recordChecksums()));
        this.identity = admission.identity();
        int layout = QueueSchemaStore.layoutVersion(queueDir);
        this.format = ExcerptFormat.of(layout, schema);
        if (options.blockSize() > 0 && format.maxExcerptLength() > options.blockSize() / 4) {
            throw new IllegalArgumentException("blockSize too small for the schema's largest record (Chronicle takes excerpts of up to a "
                    + "quarter of a block): blockSize=" + options.blockSize() + ", largest excerpt=" + format.maxExcerptLength() + ", schema="
                    + schema.identity());
        }
        // An existing queue keeps the roll cycle it was created with (Chronicle would override ours from its metadata).
        String stored = QueueSchemaStore.rollCycle(queueDir);
        this.rollCycle = stored != null ? stored : options.rollCycle();
        this.lock = QueueLock.acquire(queueDir);
        SingleChronicleQueue q = null;
        StatusFile st = null;
        Housekeeper hk = null;
        Reserver rs = null;
        try {
            // The first recorder to open the queue after the last one stopped, however it stopped, makes its files agree on
            // where the queue ends before Chronicle maps them; the others find it done.
            SyncMark.Mark mark = lock.exclusive()
                    ? QueueRepair.run(queueDir, ExcerptFormat.anyOf(layout, admission.history()), RollCycleNames.resolve(rollCycle))
                    : SyncMark.read(queueDir);
            lock.share();
            reserveMetadata(fallocate, queueDir);
            CycleClock clock = new CycleClock();
            SingleChronicleQueueBuilder builder = ChronicleQueue.singleBuilder(queueDir).rollCycle(RollCycleNames.resolve(rollCycle))
                    .timeProvider(clock);
            if (options.blockSize() > 0) {
                builder.blockSize(options.blockSize());
            }
            if (options.doubleBuffer()) {
                builder.doubleBuffer(true);
            }
            q = builder.build();
            reserveMetadata(fallocate, queueDir); // again, should Chronicle have grown it
            forceMetadata(queueDir); // Chronicle writes it through a mapping and never syncs it: a power cut would empty it
            if (admission.newVersion()) {
                // Durable before the first record of the version can be: a reader must always find the version a record says.
                SchemaHistory h = QueueSchemaStore.addVersion(queueDir, schema, q.lastIndex());
                LOG.info("schema version added to the queue: queue={}, schema={}, history={}", queueDir, schema.identity(), h);
            }
            Path statusPath = options.statusFile() != null ? options.statusFile() : defaultStatusFile(queueDir);
            st = StatusFile.create(statusPath, StatusFileDescriptor.KIND_RECORDER, ProcessHandle.current().pid(),
                    System.currentTimeMillis());
            try (StatusFile.Update u = st.update()) {
                u.text(RecorderStatusDescriptor.TEXT_QUEUE, queueDir.toAbsolutePath().toString())
                        .text(RecorderStatusDescriptor.TEXT_SCHEMA, schema.identity())
                        .text(RecorderStatusDescriptor.TEXT_ROLL_CYCLE, rollCycle)
                        .text(RecorderStatusDescriptor.TEXT_QUEUE_ID, identity.id())
                        .value(RecorderStatusDescriptor.SYNCED_INDEX, -1);
            }
            LongSupplier freeSpace = options.freeSpaceProbe() != null ? options.freeSpaceProbe() : usableSpace(queueDir);
            rs = new Reserver(gate, writers, queueDir, q, clock, fallocate, freeSpace, options, format.maxExcerptLength());
            rs.open(System.currentTimeMillis());
            hk = new Housekeeper(queueDir, gate, writers, q, st, options, freeSpace, rs, mark, Clock.SYSTEM);
        } catch (IOException | RuntimeException e) {
            if (st != null) {
                st.close();
            }
            if (q != null) {
                q.close();
            }
            lock.close();
            if (e instanceof IOException) {
                throw new UncheckedIOException("cannot open the recorder: queue=" + queueDir, (IOException) e);
            }
            throw (RuntimeException) e;
        }
        this.queue = q;
        this.status = st;
        this.reserver = rs;
        this.housekeeper = hk;
        this.pretoucher = options.pretouchAhead() > 0 ? new Pretoucher(writers, queue, options.pretouchAhead()) : null;
    }

    /** Starts the recorder's threads, once it is whole: none runs while the constructor does. */
    private void start() {
        housekeeper.start();
        reserver.start(pretoucher);
    }

    /**
     * Free space of the queue's file system, asked often (before each step of a reservation): the file store is looked up
     * once (that reads the mount table), its free space is one {@code statvfs} per call. -1 when unknown.
     */
    private static LongSupplier usableSpace(Path dir) throws IOException {
        FileStore store = Files.getFileStore(dir);
        return () -> {
            try {
                return store.getUsableSpace();
            } catch (IOException e) {
                return -1;
            }
        };
    }

    /**
     * Allocates the queue's metadata file (Chronicle's table store: locks, the cycle listing, end-of-file bookkeeping),
     * which Chronicle maps and writes on any thread. A new one is written with zeros, as Chronicle would find a file it
     * is about to initialise, so a full disk answers with an error here rather than a fault later.
     */
    private static void reserveMetadata(Fallocate fallocate, Path queueDir) {
        Path meta = queueDir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE);
        try {
            if (!Files.exists(meta)) {
                Files.createDirectories(queueDir);
                try (FileChannel ch = FileChannel.open(meta, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer zeros = ByteBuffer.allocate(METADATA_BYTES);
                    while (zeros.hasRemaining()) {
                        ch.write(zeros, zeros.position());
                    }
                }
                return;
            }
            int fd = fallocate.open(meta, false);
            try {
                int rc = fallocate.reserve(fd, 0, Math.max(Files.size(meta), METADATA_BYTES));
                if (rc != 0) {
                    throw new IllegalStateException("cannot allocate the queue's metadata file, the disk may be full: file=" + meta
                            + ", error=" + fallocate.describe(rc));
                }
            } finally {
                fallocate.close(fd);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot allocate the queue's metadata file: file=" + meta, e);
        }
    }

    /** Forces Chronicle's metadata file and the queue directory (a new queue's files must keep their names). */
    private static void forceMetadata(Path queueDir) throws IOException {
        try (FileChannel ch = FileChannel.open(queueDir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE), StandardOpenOption.READ)) {
            ch.force(true);
        }
        io.parquetry.platform.DurableFiles.syncDirectory(queueDir.toAbsolutePath());
    }

    /**
     * {@code <queue>/recorder.status}, unless another live process owns it (several processes may record into one
     * queue): then {@code <queue>/recorder-<pid>.status}, so no process overwrites another's counters.
     */
    static Path defaultStatusFile(Path queueDir) {
        Path shared = queueDir.resolve(RecorderStatusDescriptor.DEFAULT_FILE_NAME);
        long me = ProcessHandle.current().pid();
        if (java.nio.file.Files.exists(shared)) {
            try (StatusFile other = StatusFile.open(shared, false)) {
                long pid = other.pid();
                boolean alive = other.alive(Liveness.DEFAULT_STALE_AFTER);
                if (pid != me && alive) {
                    Path own = queueDir.resolve("recorder-" + me + ".status");
                    LOG.warn("another live recorder publishes {} (pid {}): this one publishes {}", shared, pid, own);
                    return own;
                }
            } catch (RuntimeException unreadable) {
                // a damaged or foreign file: replace it
            }
        }
        return shared;
    }

    /** Opens a recorder with default options. */
    public static Recorder open(Path queueDir, Schema schema) {
        return open(queueDir, schema, RecorderOptions.defaults());
    }

    /**
     * Opens (creating when absent) the queue in {@code queueDir} for records of {@code schema}.
     *
     * @throws IllegalStateException when the queue already holds records of another schema (names both)
     */
    public static Recorder open(Path queueDir, Schema schema, RecorderOptions options) {
        Recorder recorder = new Recorder(queueDir, schema, options);
        try {
            recorder.start();
        } catch (RuntimeException | Error e) {
            recorder.close();
            throw e;
        }
        return recorder;
    }

    /** A writer for the calling thread; close it on the same thread. */
    public RecordWriter newWriter() {
        if (gate.closed()) {
            throw new IllegalStateException("recorder is closed: queue=" + queueDir);
        }
        reserver.writerAdded();
        RecordWriter w = new RecordWriter(schema, format, gate, queue.createAppender(), writers::closed);
        writers.add(w);
        return w;
    }

    /** Resolves a field handle by name (not on the hot path: resolve once, keep the handle). */
    public Field field(String name) {
        return schema.field(name);
    }

    public Schema schema() {
        return schema;
    }

    public Path queueDir() {
        return queueDir;
    }

    public RecorderOptions options() {
        return options;
    }

    /** The queue's identity, given when it was created (see {@link QueueIdentity}). */
    public QueueIdentity identity() {
        return identity;
    }

    /** How records lie in the queue's excerpts: the layout the queue was created with. */
    public ExcerptFormat format() {
        return format;
    }

    /** The queue's roll cycle: the one it was created with. */
    public String rollCycle() {
        return rollCycle;
    }

    public Path statusFile() {
        return status.path();
    }

    /** True while the disk guard refuses appends. */
    public boolean diskGuardTripped() {
        return gate.diskGuardTripped();
    }

    /** Records appended by all writers, open or closed. */
    public long appended() {
        return writers.appended();
    }

    public long refusedDiskGuard() {
        return writers.refusedDiskGuard();
    }

    public long refusedClosed() {
        return writers.refusedClosed();
    }

    /** Records refused at commit because a variable value was too long for its refusing field, by all writers. */
    public long refusedTooLong() {
        return writers.refusedTooLong();
    }

    /** Variable values truncated to their bound in committed records, by all writers. */
    public long truncated() {
        return writers.truncated();
    }

    Reserver reserver() {
        return reserver;
    }

    /** The pretoucher, or null when {@link RecorderOptions#pretouchAhead(long)} is 0. */
    Pretoucher pretoucher() {
        return pretoucher;
    }

    int openWriters() {
        return writers.size();
    }

    /** Index known to be on stable storage (periodic msync mode), or -1. */
    public long syncedIndex() {
        return housekeeper.syncedIndex();
    }

    /** Forces the queue's recent files to disk now (the msync mode does this periodically). */
    public void sync() {
        housekeeper.syncNow();
    }

    /** Refuses further appends, stops housekeeping (publishing a last status), and closes the queue. */
    @Override
    public void close() {
        if (gate.closed()) {
            return;
        }
        gate.close();
        reserver.stop();
        housekeeper.stop();
        queue.close();
        // Chronicle unmaps and closes the queue's files on its background thread: wait for it, so that the files are
        // closed when close returns (a caller may delete them, unmount, or check, at once).
        BackgroundResourceReleaser.releasePendingResources();
        lock.close();
    }
}
