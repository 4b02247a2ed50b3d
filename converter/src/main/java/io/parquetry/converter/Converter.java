package io.parquetry.converter;

import static io.parquetry.converter.ConverterStatusDescriptor.*;

import io.parquetry.converter.ConverterStatusDescriptor.Cause;
import io.parquetry.converter.ConverterStatusDescriptor.State;
import io.parquetry.converter.parquet.ParquetSchemas;
import io.parquetry.converter.parquet.PartWriter;
import io.parquetry.converter.parquet.SyncedOutputFile;
import io.parquetry.recorder.QueueIdentity;
import io.parquetry.recorder.QueueReader;
import io.parquetry.recorder.RecordReader;
import io.parquetry.schema.Schema;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusFileDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.RollCycle;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The converter service: tails one queue from its checkpoint and writes Parquet parts exactly once.
 *
 * <p>Commit protocol (DESIGN §4): close the part (footer with queue, index range, count, schema, version) → hsync →
 * rename the hidden in-progress name to the final name → sync the directory → write the checkpoint (temp, sync, rename).
 * Recovery: delete this source's in-progress files, read the checkpoint, and while a committed file exists for the next
 * record's index, take its footer's last index as the checkpoint. A crash between any two steps neither loses nor
 * duplicates a record, because file names are a function of the first index.
 *
 * <p>Single-threaded: {@link #run} owns everything; {@link #requestStop()} may be called from any thread (a signal).
 */
public final class Converter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Converter.class);
    public static final String VERSION = versionString();
    private static final long STATUS_INTERVAL_MS = 100;
    private static final int BATCH = 4096;

    private final ConverterConfig config;
    private final QueueReader reader;
    private final Schema schema;
    private final QueueIdentity queueId;
    private final int recordLength;
    private final DatasetLayout layout;
    private final Configuration hadoopConf;
    private final FileSystem fs;
    private final boolean localOutput;
    private final boolean direct;
    private final CodecFactory codecs;
    private final CompressionCodecFactory.BytesInputCompressor compressor;
    private final ParquetProperties props;
    private final MessageType messageType;
    private final Checkpoint checkpoint;
    private final CommitLog commitLog;
    private final Quarantine quarantine;
    private final StatusFile status;
    private final OutputLease lease;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final QueueReader.Consumer consumer = this::onRecord;
    private final Thread heartbeat;
    private final long cycleMillis;
    private final EncodeStage encoder;

    private volatile boolean stopRequested;
    private volatile boolean heartbeatRunning = true;
    private State state = State.STARTING;

    // The part being written.
    private PartWriter part;
    private Path partTmp;
    private Path partFinal;
    private long partFirst;
    private long partLast;
    private int partCycle;
    private long partOpenedMs;
    private long partRows;

    private long lastCommitted;
    private long lastReadIndex = -1;
    private long recordsRead;
    private long rowsWritten;
    private long filesCommitted;
    private long bytesWritten;
    private final long[] rotations = new long[Cause.values().length];
    private long errors;
    private long quarantined;
    private long caughtUpMs;
    private long retentionDeleted;
    private long lastRetentionCheckMs;
    private String lastCommitFile = "";
    private long flushTarget = Long.MIN_VALUE;
    private long flushSeq;
    private long rotateHandled;
    private boolean paused;

    private Converter(ConverterConfig config) throws IOException {
        this.config = config;
        // Validate the queue before creating anything (the state directory may live inside it).
        this.reader = QueueReader.open(config.queue());
        Files.createDirectories(config.stateDir());
        this.lockChannel = FileChannel.open(config.stateDir().resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException sameJvm) {
            l = null;
        }
        if (l == null) {
            String holder = Files.readString(config.stateDir().resolve("lock"), StandardCharsets.UTF_8).trim();
            lockChannel.close();
            reader.close();
            throw new IllegalStateException("another converter is running on this state directory: stateDir=" + config.stateDir()
                    + ", holder pid=" + (holder.isEmpty() ? "unknown" : holder));
        }
        this.lock = l;
        lockChannel.truncate(0);
        lockChannel.write(java.nio.ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);

        this.schema = reader.schema();
        this.recordLength = schema.recordLength();
        this.encoder = new EncodeStage(recordLength, "parquetry-converter-encoder");
        this.cycleMillis = reader.rollCycle().lengthInMillis();

        this.hadoopConf = hadoopConfiguration(config);
        Path outputRoot = new Path(config.output());
        this.fs = outputRoot.getFileSystem(hadoopConf);
        this.localOutput = "file".equals(fs.getUri().getScheme());
        this.direct = config.commitMode() == ConverterConfig.CommitMode.DIRECT;
        Path datasetDir = fs.makeQualified(new Path(outputRoot, config.datasetOr(schema.name())));
        this.queueId = reader.identity();
        this.layout = new DatasetLayout(datasetDir, config.source(), queueId.id(), cycleMillis);
        checkWritable(datasetDir);
        try {
            this.lease = OutputLease.acquire(fs, datasetDir, config.source(), config.stateDir().toAbsolutePath().toString());
        } catch (RuntimeException | IOException e) {
            lock.release();
            lockChannel.close();
            reader.close();
            throw e;
        }

        try {
            this.messageType = ParquetSchemas.toParquet(schema);
            this.props = ParquetProperties.builder()
                    .withWriterVersion(config.parquet().pageV2() ? ParquetProperties.WriterVersion.PARQUET_2_0
                            : ParquetProperties.WriterVersion.PARQUET_1_0)
                    .withPageSize(config.parquet().pageBytes()).withDictionaryPageSize(config.parquet().pageBytes())
                    .withDictionaryEncoding(config.parquet().dictionary()).build();
            this.codecs = new CodecFactory(hadoopConf, config.parquet().pageBytes());
            this.compressor = codecs.getCompressor(config.parquet().compression());

            this.checkpoint = new Checkpoint(config.stateDir());
            this.commitLog = new CommitLog(config.stateDir().resolve("commits.log"), config.commitLogEntries());
            this.quarantine = new Quarantine(config.stateDir(), recordLength);
            this.status = StatusFile.create(config.statusFile(), StatusFileDescriptor.KIND_CONVERTER, ProcessHandle.current().pid(),
                    System.currentTimeMillis());
            status.beginUpdate();
            status.text(TEXT_QUEUE, config.queue().toAbsolutePath().toString());
            status.text(TEXT_DATASET, datasetDir.toString());
            status.text(TEXT_SCHEMA, schema.identity());
            status.text(TEXT_QUEUE_ID, queueId.id());
            status.text(TEXT_SOURCE, config.source());
            status.text(TEXT_SETTINGS, settings());
            status.text(TEXT_COMMIT_LOG, commitLog.file().toAbsolutePath().toString());
            status.text(TEXT_CONFIG, config.origin());
            status.value(RECORD_LENGTH, recordLength);
            status.value(CHECKPOINT, -1);
            status.value(STATE, State.STARTING.ordinal());
            status.endUpdate();
            this.heartbeat = new Thread(() -> {
                while (heartbeatRunning) {
                    status.heartbeat(System.currentTimeMillis());
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                }
            }, "parquetry-converter-heartbeat");
            heartbeat.setDaemon(true);
            heartbeat.start();

            recover();
        } catch (RuntimeException | IOException | Error e) {
            // A failed start leaves nothing held: not the output lease, not the state lock, not the queue.
            heartbeatRunning = false;
            lease.close();
            lock.release();
            lockChannel.close();
            reader.close();
            throw e;
        }
    }

    /**
     * Opens the queue and output, takes the state directory's lock, and recovers.
     *
     * @throws IllegalArgumentException or IllegalStateException naming what is wrong (queue, schema, output, lock)
     */
    public static Converter open(ConverterConfig config) {
        try {
            return new Converter(config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start converter: queue=" + config.queue() + ", output=" + config.output() + ": " + e, e);
        }
    }

    static Configuration hadoopConfiguration(ConverterConfig config) {
        Configuration conf = new Configuration();
        // Local output through the raw file system: no .crc side files, and hsync reaches the disk.
        conf.set("fs.file.impl", org.apache.hadoop.fs.RawLocalFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        conf.setInt("io.file.buffer.size", 1 << 20);
        config.hadoop().forEach(conf::set);
        return conf;
    }

    private void checkWritable(Path datasetDir) throws IOException {
        Path probe = new Path(datasetDir, ".probe-" + config.source() + "-" + ProcessHandle.current().pid());
        try {
            fs.mkdirs(datasetDir);
            fs.create(probe, true).close();
            fs.delete(probe, false);
        } catch (IOException e) {
            throw new IllegalArgumentException("output location is not writable: dataset=" + datasetDir + ": " + e.getMessage(), e);
        }
    }

    private String settings() {
        return String.format(Locale.ROOT, "compression=%s pages=%s rowGroup=%d page=%d dictionary=%s maxRows=%d maxBytes=%d maxAge=%ds commit=%s",
                config.parquet().compression().name().toLowerCase(Locale.ROOT), config.parquet().pageV2() ? "v2" : "v1",
                config.parquet().rowGroupBytes(), config.parquet().pageBytes(), config.parquet().dictionary(), config.maxRows(),
                config.maxBytes(), config.maxAge().toSeconds(), config.commitMode().name().toLowerCase(Locale.ROOT));
    }

    // ---------------------------------------------------------------------------------------------------------- recovery

    private void recover() throws IOException {
        int deleted = 0;
        FileStatus[] leftovers = fs.globStatus(new Path(layout.datasetDir(), "dt=*/hour=*/.part-" + config.source() + "-*"));
        if (leftovers != null) {
            for (FileStatus f : leftovers) {
                if (layout.isOwnInProgress(f.getPath().getName())) {
                    fs.delete(f.getPath(), false);
                    deleted++;
                }
            }
        }
        Checkpoint.Saved saved = checkpoint.read();
        long cp = checkpointOfThisQueue(saved);
        int adopted = 0;
        while (true) {
            positionAfter(cp);
            long next = peekIndex();
            if (next < 0) {
                break;
            }
            long last = committedAfterCheckpoint(next, saved);
            if (last < 0) {
                positionAfter(cp);
                break;
            }
            cp = last;
            checkpoint.write(cp, queueId.id());
            adopted++;
        }
        lastCommitted = cp;
        LOG.info("converter ready: queue={}, dataset={}, source={}, schema={}, checkpoint={}, inProgressDeleted={}, adopted={}",
                config.queue(), layout.datasetDir(), config.source(), schema.identity(), cp, deleted, adopted);
    }

    /**
     * The checkpoint's index if it belongs to this queue, else {@link Checkpoint#NONE} when there is none.
     *
     * @throws IllegalStateException when the state directory holds the checkpoint of another queue (naming both)
     */
    private long checkpointOfThisQueue(Checkpoint.Saved saved) {
        if (saved == null) {
            return Checkpoint.NONE;
        }
        if (saved.queueId() == null && !queueId.assignedLater()) {
            throw new IllegalStateException("the state directory's checkpoint predates queue identities, but this queue has had its identity"
                    + " since it was created, so the checkpoint belongs to another queue: checkpoint=" + checkpoint.file() + ", queue="
                    + config.queue() + ", queue id=" + queueId.id() + " (move the state directory aside to convert this queue from its start)");
        }
        if (saved.queueId() != null && !saved.queueId().equals(queueId.id())) {
            throw new IllegalStateException("the state directory belongs to another queue: checkpoint=" + checkpoint.file() + " records queue id="
                    + saved.queueId() + ", but queue=" + config.queue() + " has queue id=" + queueId.id()
                    + " (was the queue deleted and re-created? move the state directory aside to convert this queue from its start)");
        }
        return saved.lastCommitted();
    }

    /**
     * The last index of this queue's file committed for {@code next} (a crash between rename and checkpoint), or -1 when
     * there is none. Only files of this queue are adopted: the name carries the queue id and the footer must agree. For a
     * queue that predates identities, a file named the old way is adopted only when a checkpoint of this state directory
     * leads to it, its footer names this queue directory and its record count matches the queue's; with no checkpoint
     * such a file might be another (deleted) queue's, so recovery refuses rather than guess.
     */
    private long committedAfterCheckpoint(long next, Checkpoint.Saved saved) throws IOException {
        int cycle = reader.cycleOf(next);
        Path own = layout.finalPath(cycle, next);
        if (fs.exists(own)) {
            Map<String, String> kv = footer(own);
            if (!queueId.id().equals(kv.get(FooterKeys.QUEUE_ID)) || !Long.toString(next).equals(kv.get(FooterKeys.FIRST_INDEX))) {
                throw new IllegalStateException("a committed file has this queue's name but its footer disagrees: file=" + own + ", footer queue id="
                        + kv.get(FooterKeys.QUEUE_ID) + ", first_index=" + kv.get(FooterKeys.FIRST_INDEX) + "; expected queue id=" + queueId.id()
                        + ", first_index=" + next);
            }
            long last = Long.parseLong(kv.get(FooterKeys.LAST_INDEX));
            LOG.info("recovery: adopting a file of this queue committed after the last checkpoint: file={}, lastIndex={}", own, last);
            return last;
        }
        if (!queueId.assignedLater()) {
            return -1;
        }
        Path legacy = layout.legacyFinalPath(cycle, next);
        if (!fs.exists(legacy)) {
            return -1;
        }
        Map<String, String> kv = footer(legacy);
        String ourPath = config.queue().toAbsolutePath().toString();
        if (!ourPath.equals(kv.get(FooterKeys.QUEUE)) || kv.containsKey(FooterKeys.QUEUE_ID)) {
            return -1; // another queue's file: it keeps its name, ours will carry our id
        }
        long first = Long.parseLong(kv.getOrDefault(FooterKeys.FIRST_INDEX, "-1"));
        long last = Long.parseLong(kv.getOrDefault(FooterKeys.LAST_INDEX, "-1"));
        long count = Long.parseLong(kv.getOrDefault(FooterKeys.RECORD_COUNT, "-1"));
        boolean countMatches = first == next && last >= first && reader.lastIndex() >= last && recordsBetween(first, last) + 1 == count;
        if (saved == null || !countMatches) {
            throw new IllegalStateException("cannot tell whether a file written before queue identities holds this queue's records: file="
                    + legacy + ", footer queue=" + kv.get(FooterKeys.QUEUE) + ", first_index=" + first + ", last_index=" + last + ", records="
                    + count + "; queue=" + config.queue() + " (queue id " + queueId.id() + ", assigned on first open), checkpoint="
                    + (saved == null ? "none in " + config.stateDir() : Long.toString(saved.lastCommitted()))
                    + (countMatches ? "" : ", the queue's record count for that range differs")
                    + ". If the file belongs to a deleted queue, move it out of the dataset; if it is this queue's, restore the checkpoint");
        }
        LOG.info("recovery: adopting a file written before queue identities, committed after the last checkpoint: file={}, lastIndex={}",
                legacy, last);
        return last;
    }

    private Map<String, String> footer(Path file) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, hadoopConf), ParquetReadOptions.builder().build())) {
            return r.getFooter().getFileMetaData().getKeyValueMetaData();
        }
    }

    /** Positions the reader so the next record read is the first after {@code last} ({@link Checkpoint#NONE}: the start). */
    private void positionAfter(long last) {
        if (last == Checkpoint.NONE) {
            reader.toStart();
            return;
        }
        if (reader.moveTo(last)) {
            long[] seen = {-1};
            reader.read((index, length, rec, raw) -> seen[0] = index, 1);
            if (seen[0] != last) {
                throw new IllegalStateException("checkpoint does not match the queue: checkpoint=" + last + ", record there=" + seen[0]
                        + ", queue=" + config.queue());
            }
            return;
        }
        long first = reader.firstIndex();
        if (first != Long.MAX_VALUE && first > last) {
            reader.toStart(); // everything up to the checkpoint was removed by retention
            return;
        }
        throw new IllegalStateException("checkpoint index is not in the queue: checkpoint=" + last + ", queue first=" + first
                + ", queue last=" + reader.lastIndex() + ", queue=" + config.queue() + " (was the queue replaced?)");
    }

    /** The index of the next record, leaving the position unchanged; -1 when there is none. */
    private long peekIndex() {
        long[] seen = {-1};
        if (reader.read((index, length, rec, raw) -> seen[0] = index, 1) == 0) {
            return -1;
        }
        reader.moveTo(seen[0]);
        return seen[0];
    }

    // -------------------------------------------------------------------------------------------------------------- run

    /**
     * Converts until {@link #requestStop()} (then commits what it holds) or, with {@code untilIdle}, until the queue has
     * no more records (then commits). Returns normally after a clean stop; throws after a failure, having abandoned the
     * in-progress file (the next start recovers).
     */
    public void run(boolean untilIdle) {
        long nextStatus = 0;
        int idleSpins = 0;
        reader.claimForCurrentThread();
        setState(State.RUNNING);
        try {
            while (true) {
                long now = System.currentTimeMillis();
                if (now >= nextStatus) {
                    publish(now, true);
                    lease.renewIfDue(now);
                    nextStatus = now + STATUS_INTERVAL_MS;
                }
                handleCommands();
                if (stopRequested) {
                    break;
                }
                if (paused) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                    continue;
                }
                int n = read();
                now = System.currentTimeMillis();
                if (n == 0) {
                    caughtUpMs = now;
                    if (flushTarget != Long.MIN_VALUE) {
                        completeFlush();
                    }
                    if (part != null && now - partOpenedMs >= config.maxAge().toMillis()) {
                        commit(Cause.AGE);
                    }
                    maybeRetain(now);
                    if (untilIdle) {
                        break;
                    }
                    idleSpins = Math.min(idleSpins + 1, 20);
                    LockSupport.parkNanos(Math.min(config.pollInterval().toNanos(), 50_000L * idleSpins));
                } else {
                    idleSpins = 0;
                    if (part != null && now - partOpenedMs >= config.maxAge().toMillis()) {
                        commit(Cause.AGE);
                    }
                    if (flushTarget != Long.MIN_VALUE && lastReadIndex >= flushTarget) {
                        completeFlush();
                    }
                }
            }
            setState(State.STOPPING);
            if (part != null) {
                commit(Cause.SHUTDOWN);
            }
            setState(State.STOPPED);
        } catch (RuntimeException | IOException | Error e) {
            errors++;
            abandonPart();
            setState(State.FAILED);
            status.beginUpdate();
            status.text(TEXT_LAST_ERROR, describe(e));
            status.endUpdate();
            publish(System.currentTimeMillis(), false);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("converter failed: queue=" + config.queue() + ", dataset=" + layout.datasetDir(), io);
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw (Error) e;
        } finally {
            publish(System.currentTimeMillis(), false);
        }
    }

    /** Reads a batch; a fault inside Chronicle (a truncated or damaged cycle file) becomes an error naming the queue. */
    private int read() {
        try {
            return reader.read(consumer, BATCH);
        } catch (InternalError | AssertionError e) {
            throw new IllegalStateException("queue is damaged or truncated after index " + lastReadIndex + ": queue=" + config.queue()
                    + " (" + e + "); records up to the checkpoint " + lastCommitted + " are committed", e);
        }
    }

    private long head() {
        try {
            return reader.lastIndex();
        } catch (RuntimeException | InternalError | AssertionError e) {
            LOG.warn("cannot read the queue head (lag is stale): queue={}: {}", config.queue(), e.toString());
            return status.value(HEAD_INDEX);
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** Asks {@link #run} to commit what it holds and return. Safe from any thread. */
    public void requestStop() {
        stopRequested = true;
    }

    private void onRecord(long index, long length, RecordReader rec, Bytes<?> raw) {
        try {
            recordsRead++;
            lastReadIndex = index;
            int cycle = reader.cycleOf(index);
            if (part != null && cycle != partCycle) {
                commit(Cause.CYCLE);
            }
            if (part == null) {
                openPart(index, cycle);
            }
            long pos = raw.readPosition();
            if (length == recordLength) {
                encoder.add(part, raw, pos);
                partRows++;
            } else {
                byte[] bad = new byte[(int) Math.min(length, Integer.MAX_VALUE - 8)];
                raw.read(pos, bad, 0, bad.length);
                quarantine.add(index, bad, bad.length);
                quarantined++;
                LOG.warn("record quarantined, its length does not match the schema: index={}, length={}, expected={}, log={}", index, length,
                        recordLength, quarantine.log());
            }
            partLast = index;
            if (partRows >= config.maxRows()) {
                commit(Cause.ROWS);
            } else if (encoder.projectedBytes(partRows, recordLength) >= config.maxBytes()) {
                commit(Cause.BYTES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Parquet: file=" + partTmp + ", index=" + index, e);
        }
    }

    private void openPart(long firstIndex, int cycle) throws IOException {
        partCycle = cycle;
        partFirst = firstIndex;
        partLast = firstIndex;
        partFinal = layout.finalPath(cycle, firstIndex);
        // Object stores publish at close: write the final name directly (a rename there is a non-atomic copy).
        partTmp = direct ? partFinal : layout.inProgressPath(cycle, firstIndex);
        fs.mkdirs(partTmp.getParent());
        part = new PartWriter(schema, messageType, props, compressor, new SyncedOutputFile(fs, partTmp), config.parquet().rowGroupBytes());
        partOpenedMs = System.currentTimeMillis();
        partRows = 0;
        encoder.resetEstimate();
        status.beginUpdate();
        status.text(TEXT_CURRENT_FILE, partTmp.toString());
        status.endUpdate();
    }

    private void commit(Cause cause) throws IOException {
        encoder.drain(); // every record handed to the encoder is in the part
        PartWriter p = part;
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(FooterKeys.QUEUE, config.queue().toAbsolutePath().toString());
        meta.put(FooterKeys.QUEUE_ID, queueId.id());
        meta.put(FooterKeys.SOURCE, config.source());
        meta.put(FooterKeys.FIRST_INDEX, Long.toString(partFirst));
        meta.put(FooterKeys.LAST_INDEX, Long.toString(partLast));
        meta.put(FooterKeys.RECORD_COUNT, Long.toString(p.rows()));
        meta.put(FooterKeys.SCHEMA_NAME, schema.name());
        meta.put(FooterKeys.SCHEMA_VERSION, Integer.toString(schema.version()));
        meta.put(FooterKeys.SCHEMA_FINGERPRINT, schema.fingerprintHex());
        meta.put(FooterKeys.CONVERTER_VERSION, VERSION);
        p.close(meta); // footer, hsync, close
        long bytes = p.fileBytes();
        if (!direct) {
            if (fs.exists(partFinal)) {
                // Names are a function of the first index: an existing final name means these records were committed already.
                // Never overwrite (a local rename would, silently): stop and let an operator look.
                throw new IllegalStateException("refusing to overwrite a committed file: file=" + partFinal + ", firstIndex=" + partFirst
                        + " (records converted twice? check the checkpoint in " + config.stateDir() + ")");
            }
            if (!fs.rename(partTmp, partFinal)) {
                throw new IOException("rename to the final name failed: from=" + partTmp + ", to=" + partFinal
                        + (fs.exists(partFinal) ? " (the final name exists already)" : ""));
            }
        }
        if (localOutput) {
            java.nio.file.Path dir = java.nio.file.Path.of(partFinal.getParent().toUri());
            LocalSync.directory(dir); // hour=HH
            LocalSync.directory(dir.getParent()); // dt=..., in case hour=HH is new
            LocalSync.directory(dir.getParent().getParent()); // the dataset, in case dt=... is new
        }
        checkpoint.write(partLast, queueId.id());
        lastCommitted = partLast;
        long now = System.currentTimeMillis();
        filesCommitted++;
        rowsWritten += p.rows();
        bytesWritten += bytes;
        rotations[cause.ordinal()]++;
        lastCommitFile = partFinal.toString();
        commitLog.append(new CommitLog.Entry(lastCommitFile, p.rows(), bytes, partFirst, partLast, now, cause.name().toLowerCase(Locale.ROOT),
                p.rows() * recordLength));
        part = null;
        status.beginUpdate();
        status.text(TEXT_CURRENT_FILE, "");
        status.text(TEXT_LAST_COMMIT_FILE, lastCommitFile);
        status.value(LAST_COMMIT_FIRST_INDEX, partFirst);
        status.value(LAST_COMMIT_LAST_INDEX, partLast);
        status.value(LAST_COMMIT_ROWS, p.rows());
        status.value(LAST_COMMIT_BYTES, bytes);
        status.value(LAST_COMMIT_MS, now);
        status.value(CHECKPOINT, lastCommitted);
        status.endUpdate();
        LOG.debug("committed file={}, rows={}, bytes={}, cause={}", partFinal, p.rows(), bytes, cause);
    }

    private void abandonPart() {
        if (part != null) {
            try {
                encoder.drain();
            } catch (IOException | RuntimeException e) {
                LOG.debug("encoder failed while abandoning a part", e);
            }
            part.close(); // aborts: nothing published
            part = null;
            if (!direct) {
                try {
                    fs.delete(partTmp, false);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("cannot delete abandoned in-progress file (the next start deletes it): file={}", partTmp, e);
                }
            }
        }
    }

    // --------------------------------------------------------------------------------------------------------- commands

    private void handleCommands() throws IOException {
        long flushReq = status.command(CMD_FLUSH_REQUESTED);
        if (flushReq > status.command(CMD_FLUSH_COMPLETED) && flushReq != flushSeq) {
            flushSeq = flushReq;
            flushTarget = head(); // everything appended before the request
            if (flushTarget < 0 || flushTarget <= lastReadIndex || paused) {
                completeFlush();
            }
        }
        long rotateReq = status.command(CMD_ROTATE_REQUESTED);
        if (rotateReq > rotateHandled) {
            rotateHandled = rotateReq;
            if (part != null) {
                commit(Cause.COMMAND);
            }
            status.command(CMD_ROTATE_COMPLETED, rotateReq);
        }
        boolean wantPause = status.command(CMD_PAUSE_REQUESTED) == 1;
        if (wantPause != paused) {
            if (wantPause && part != null) {
                commit(Cause.COMMAND); // paused data is visible data
            }
            paused = wantPause;
            setState(paused ? State.PAUSED : State.RUNNING);
            status.command(CMD_PAUSE_APPLIED, paused ? 1 : 0);
            LOG.info(paused ? "paused" : "resumed");
        }
    }

    private void completeFlush() throws IOException {
        if (part != null) {
            commit(Cause.COMMAND);
        }
        publish(System.currentTimeMillis(), true); // the acknowledgement comes with fresh numbers
        status.beginUpdate();
        status.text(TEXT_LAST_FLUSH_FILE, lastCommitFile);
        status.endUpdate();
        status.command(CMD_FLUSH_COMPLETED, flushSeq);
        flushTarget = Long.MIN_VALUE;
    }

    // ----------------------------------------------------------------------------------------------------------- status

    private void setState(State s) {
        state = s;
        status.value(STATE, s.ordinal());
    }

    public State state() {
        return state;
    }

    private void publish(long now, boolean computeHead) {
        long head = computeHead ? head() : status.value(HEAD_INDEX);
        long lag = head < 0 ? 0 : recordsBetween(lastCommitted, head);
        status.beginUpdate();
        status.value(RECORDS_READ, recordsRead);
        status.value(ROWS_WRITTEN, rowsWritten);
        status.value(FILES_COMMITTED, filesCommitted);
        status.value(BYTES_WRITTEN, bytesWritten);
        for (Cause c : Cause.values()) {
            status.value(c.slot(), rotations[c.ordinal()]);
        }
        status.value(ERRORS, errors);
        status.value(QUARANTINED, quarantined);
        long rows = part == null ? 0 : partRows;
        status.value(CURRENT_ROWS, rows);
        status.value(CURRENT_BYTES, part == null ? 0 : encoder.estimatedBytes());
        status.value(CURRENT_OPENED_MS, part == null ? 0 : partOpenedMs);
        status.value(CURRENT_FIRST_INDEX, part == null ? -1 : partFirst);
        status.value(CHECKPOINT, lastCommitted);
        status.value(HEAD_INDEX, head);
        status.value(LAG_RECORDS, lag);
        status.value(CAUGHT_UP_MS, lag == 0 ? now : caughtUpMs);
        status.value(RETENTION_DELETED, retentionDeleted);
        status.endUpdate();
    }

    /** Records after {@code from} up to and including {@code to} (indexes of one queue; cycles may differ). */
    private long recordsBetween(long from, long to) {
        if (to <= from) {
            return 0;
        }
        if (from < 0) {
            long first = reader.firstIndex();
            if (first == Long.MAX_VALUE) {
                return 0;
            }
            return 1 + recordsBetween(first, to);
        }
        int c1 = reader.cycleOf(from);
        int c2 = reader.cycleOf(to);
        if (c1 == c2) {
            return to - from;
        }
        RollCycle rc = reader.rollCycle();
        long n = reader.recordsInCycle(c1) - 1 - rc.toSequenceNumber(from);
        for (int c = c1 + 1; c < c2; c++) {
            n += reader.recordsInCycle(c);
        }
        return n + rc.toSequenceNumber(to) + 1;
    }

    // -------------------------------------------------------------------------------------------------------- retention

    private void maybeRetain(long now) {
        long interval = Math.min(60_000, config.retentionKeep().toMillis());
        if (!config.retention() || now - lastRetentionCheckMs < interval || lastCommitted < 0) {
            return;
        }
        lastRetentionCheckMs = now;
        int committedCycle = reader.cycleOf(lastCommitted);
        long keepMs = config.retentionKeep().toMillis();
        try (var files = Files.list(config.queue())) {
            java.util.List<java.nio.file.Path> cycles = files.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().toList();
            // Never the newest cycle file, whatever the arithmetic says: it is where the recorder appends.
            for (java.nio.file.Path f : cycles.subList(0, Math.max(0, cycles.size() - 1))) {
                String name = f.getFileName().toString();
                int cycle = QueueCycles.cycleOf(name, reader.rollCycle());
                long cycleEndMs = (cycle + 1L) * cycleMillis;
                if (cycle >= 0 && cycle < committedCycle && cycleEndMs < now - keepMs) {
                    Files.delete(f);
                    retentionDeleted++;
                    LOG.info("retention: deleted converted queue cycle file={}", f);
                }
            }
        } catch (IOException e) {
            LOG.warn("retention failed: queue={}", config.queue(), e);
        }
    }

    // ----------------------------------------------------------------------------------------------------------- access

    public Schema schema() {
        return schema;
    }

    public DatasetLayout layout() {
        return layout;
    }

    public long lastCommitted() {
        return lastCommitted;
    }

    public long filesCommitted() {
        return filesCommitted;
    }

    public long rowsWritten() {
        return rowsWritten;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    public long recordsRead() {
        return recordsRead;
    }

    public long quarantined() {
        return quarantined;
    }

    public long rotations(Cause c) {
        return rotations[c.ordinal()];
    }

    public java.nio.file.Path statusFile() {
        return config.statusFile();
    }

    public ConverterConfig config() {
        return config;
    }

    /** Stops the heartbeat (a stopped converter's heartbeat goes to 0), releases the lock and closes the queue. */
    @Override
    public void close() {
        abandonPart();
        encoder.close();
        heartbeatRunning = false;
        try {
            heartbeat.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        status.heartbeat(0);
        lease.close();
        reader.claimForCurrentThread();
        reader.close();
        codecs.release();
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("cannot release state lock: stateDir={}", config.stateDir(), e);
        }
    }

    private static String versionString() {
        String v = Converter.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
    }
}
