package io.parquetry.converter;

import io.parquetry.converter.output.OutputFailure;
import io.parquetry.platform.Version;
import io.parquetry.reader.DamagedRange;
import io.parquetry.reader.QueueDamagedException;
import io.parquetry.reader.QueueReader;
import io.parquetry.reader.RecordReader;
import io.parquetry.reader.RecordRun;
import io.parquetry.status.ConverterState;
import io.parquetry.status.RotationCause;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The converter's duty cycle, in the manner of Agrona's {@code Agent}: {@link #doWork} runs each duty once (publish
 * status, renew the lease, take commands, read a batch, rotate by age, complete a flush, retention) and returns how much
 * work it did; the caller's idle strategy decides how long to wait when it did none. Everything here runs on the
 * converter's one thread.
 *
 * <p>Failures of the output or the state directory ({@link OutputFailure}) do not end the converter: the current part is
 * aborted (nothing half-published), the state becomes {@link ConverterState#RETRYING} with the cause in the status file,
 * and after a bounded exponential back-off the agent recovers from its checkpoint and carries on, exactly once. Any
 * other exception is a failure that cannot heal and leaves {@link #doWork} for the caller to stop on.
 */
final class ConverterAgent implements Commands.Target {

    private static final Logger LOG = LoggerFactory.getLogger(ConverterAgent.class);
    static final long FIRST_RETRY_MS = 100;
    static final long MAX_RETRY_MS = TimeUnit.SECONDS.toMillis(30);

    private final ConverterContext ctx;
    private final ConverterConfig config;
    private final QueueReader reader;
    private final Recovery recovery;
    private final Retention retention;
    private final Commands commands;
    private final StatusPublisher publisher;
    private final Counters counters = new Counters();
    private final PartFiller filler;
    private final QueueReader.Consumer consumer = new QueueReader.Consumer() {
        @Override
        public void accept(long index, RecordReader record) {
            onRecord(index, record);
        }

        @Override
        public void acceptRun(long firstIndex, RecordRun run) {
            onRun(firstIndex, run);
        }
    };
    private ConverterState state = ConverterState.STARTING;
    private boolean caughtUp;
    private long caughtUpMs;
    private long head = -1;
    private long outputFailures;
    /**
     * Output failures since the last file committed: the back-off grows with it. An output that can be prepared again
     * but not written (a full disk) is not healthy; counting from the last retry instead kept the back-off at its first
     * 100 ms, re-reading and aborting a file ten times a second for as long as the disk stayed full.
     */
    private long failuresSinceCommit;
    private long nextRetryMs;
    private String lastError = "";
    private String lastFlushFile = "";

    ConverterAgent(ConverterContext ctx) {
        this.ctx = ctx;
        this.config = ctx.config;
        this.reader = ctx.reader;
        this.recovery = new Recovery(ctx);
        this.retention = new Retention(config, reader);
        this.commands = new Commands(ctx.status, config.stateDir());
        this.publisher = new StatusPublisher(ctx.status, reader::recordsBetween, reader::cycleOf, Version.current());
        this.filler = new PartFiller(ctx, new CommitProtocol(ctx), counters, (file, cause) -> {
            failuresSinceCommit = 0;
            publish(ctx.clock.millis());
        });
    }

    /**
     * Takes the output lease and recovers; when the output cannot be reached, starts in {@link ConverterState#RETRYING}.
     *
     * @throws IllegalArgumentException or IllegalStateException when the output or the state cannot be used at all
     */
    void start(long nowMs) {
        try {
            prepare();
            state = commands.paused() ? ConverterState.PAUSED : ConverterState.RUNNING;
        } catch (OutputFailure f) {
            retryLater(f, nowMs);
        }
        if (commands.paused()) {
            LOG.warn("converter is paused, as it was when it stopped (since {}): it converts nothing until resumed (bin/parquetry resume,"
                    + " or the console); kept in {}", java.time.Instant.ofEpochMilli(commands.pausedSinceMs()), commands.pauseFile());
        }
        publish(nowMs);
    }

    /** Lease, then recovery: the reader is positioned after the checkpoint. */
    private void prepare() throws OutputFailure {
        ctx.acquireLease();
        ctx.openTable();
        Recovery.Result r = recovery.run();
        counters.lastCommitted = r.lastCommitted();
        counters.lastRead = r.lastCommitted();
        LOG.info("converter ready: queue={}, queue id={}, dataset={}, source={}, schema={}, checkpoint={}, inProgressDeleted={}, adopted={}",
                config.queue(), ctx.queueId.id(), ctx.output.datasetDir(), config.source(), ctx.schema.identity(), r.lastCommitted(),
                r.inProgressDeleted(), r.adopted());
    }

    /**
     * One pass over every duty.
     *
     * @return the work done (0 when there was nothing to do)
     * @throws RuntimeException (or Error) on a failure that cannot heal; the caller stops with {@link #fail}
     */
    int doWork(long nowMs) {
        int work = 0;
        try {
            if (publisher.due(nowMs)) {
                head = headNow();
                publish(nowMs);
                renewLease(nowMs);
            }
            work += commands.poll(this);
            if (state == ConverterState.RETRYING) {
                return work + retryIfDue(nowMs);
            }
            if (commands.paused()) {
                return work;
            }
            int n;
            try {
                n = read();
            } catch (QueueDamagedException damage) {
                return work + damaged(damage);
            }
            long now = ctx.clock.millis();
            caughtUp = n == 0;
            if (caughtUp) {
                caughtUpMs = now;
            }
            if (filler.commitIfOlderThanMaxAge(now)) {
                work++;
            }
            work += commands.progress(this, caughtUp);
            if (caughtUp) {
                counters.retentionDeleted += retention.run(now, counters.lastCommitted);
            }
            return work + n;
        } catch (OutputFailure f) {
            retryLater(f, ctx.clock.millis());
            return work + 1;
        }
    }

    /**
     * True when everything in the queue is committed or in the current part, and the output is healthy; or when the
     * converter started paused and still is (a run until idle then ends instead of waiting for a resume).
     */
    boolean drained() {
        return caughtUp && state == ConverterState.RUNNING || state == ConverterState.PAUSED && commands.pausedSinceStart();
    }

    boolean retrying() {
        return state == ConverterState.RETRYING;
    }

    private void renewLease(long nowMs) throws OutputFailure {
        if (ctx.lease == null) {
            return;
        }
        try {
            ctx.lease.renewIfDue(nowMs);
        } catch (IOException e) {
            throw new OutputFailure("cannot renew the output lease", ctx.lease, e);
        }
    }

    // ------------------------------------------------------------------------------------------------------- reading

    /** Reads a batch; a failure of the output met while handing records over comes out as itself. */
    private int read() throws OutputFailure {
        try {
            int n = reader.read(consumer, PartFiller.BATCH_RECORDS);
            if (n > 0) {
                filler.endOfBatch(); // what was read is in the part: its row count and size are current
            }
            return n;
        } catch (OutputFailureInRead e) {
            throw e.failure;
        } catch (InternalError | AssertionError e) {
            throw new IllegalStateException("queue is damaged or truncated after index " + counters.lastRead + ": queue=" + config.queue()
                    + " (" + e + "); records up to the checkpoint " + counters.lastCommitted + " are committed", e);
        }
    }

    private void onRecord(long index, RecordReader rec) {
        counters.recordsRead++;
        counters.lastRead = index;
        try {
            filler.accept(index, rec);
        } catch (OutputFailure f) {
            throw new OutputFailureInRead(f);
        }
    }

    private void onRun(long firstIndex, RecordRun run) {
        counters.recordsRead += run.count();
        counters.lastRead = firstIndex + run.count() - 1;
        try {
            filler.acceptRun(firstIndex, run);
        } catch (OutputFailure f) {
            throw new OutputFailureInRead(f);
        }
    }

    /**
     * The queue is damaged after the records read so far: commit them (they were read whole), then skip the damaged
     * range if an operator accepted it ({@link AcceptedDamage}). Otherwise, damage after the last record a recorder
     * synced, with no recorder running, may be the torn end a power cut left, which the next recorder to open the queue
     * repairs: wait for it, retrying like an output failure (state RETRYING, the cause in the status file). Anything else
     * stops the converter with the damage's one line.
     */
    private int damaged(QueueDamagedException damage) throws OutputFailure {
        filler.commitIfAny(RotationCause.DAMAGE);
        if (!AcceptedDamage.accepted(config.stateDir(), damage.damagedFromIndex()) && !reader.beforeSyncMark(damage)
                && !RecorderPresence.anyLive(config.queue())) {
            throw new OutputFailure("the queue is damaged after its last synced record, where a power cut leaves it torn, and no recorder has"
                    + " it open to repair it: waiting for one (start the application that records into it)", damage.file(), damage);
        }
        if (!AcceptedDamage.accepted(config.stateDir(), damage.damagedFromIndex())) {
            throw new IllegalStateException(damage.getMessage() + "; records up to index " + counters.lastCommitted + " are committed."
                    + " After a power cut, start the recorder first: it repairs the queue's torn end when it opens the queue, and the"
                    + " converter then goes on by itself (docs/OPERATIONS.md, \"After a power cut\")."
                    + " To give up the damaged range, with the converter stopped: bin/parquetry skip-damaged --queue " + config.queue()
                    + " --output " + config.output() + " --source " + config.source() + " --state-dir " + config.stateDir() + " --from "
                    + damage.damagedFromIndex(), damage);
        }
        DamagedRange range = reader.skipDamagedRange(damage.damagedFromIndex());
        ctx.quarantine.skipped(range);
        counters.skippedRecords += Math.max(0, range.skippedRecords());
        LOG.warn("{} (accepted by an operator; recorded in {})", range, ctx.quarantine.log());
        return 1;
    }

    /** Carries an output failure out of the queue reader's callback. */
    private static final class OutputFailureInRead extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient OutputFailure failure;

        OutputFailureInRead(OutputFailure failure) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
        }
    }

    // ------------------------------------------------------------------------------------------------------ committing

    @Override
    public void commitForCommand() throws OutputFailure {
        filler.commitIfAny(RotationCause.COMMAND);
    }

    @Override
    public long head() {
        return headNow();
    }

    @Override
    public long lastRead() {
        return counters.lastRead;
    }

    @Override
    public void publishForFlush() {
        lastFlushFile = counters.lastCommit == null ? "" : counters.lastCommit.path().toString();
        head = headNow();
        publish(ctx.clock.millis());
    }

    @Override
    public void paused(boolean paused) {
        if (state == ConverterState.RUNNING || state == ConverterState.PAUSED) {
            state = paused ? ConverterState.PAUSED : ConverterState.RUNNING;
        }
        LOG.info(paused ? "paused" : "resumed");
        publish(ctx.clock.millis()); // before the acknowledgement: a controller then reads the new state
    }

    // ------------------------------------------------------------------------------------------------------- failures

    private void retryLater(OutputFailure f, long nowMs) {
        abortPart();
        counters.errors++;
        counters.outputFailures++;
        outputFailures++;
        failuresSinceCommit++;
        long backoff = retryDelayMs(failuresSinceCommit);
        nextRetryMs = nowMs + backoff;
        lastError = f.getMessage();
        state = ConverterState.RETRYING;
        LOG.warn("output failed, the current file is aborted; retrying from the checkpoint in {} ms (failure {} since the last commit): {}",
                backoff, failuresSinceCommit, f.getMessage());
        LOG.debug("output failure", f);
        publish(nowMs);
    }

    /** Back-off before the retry after the {@code failuresInARow}-th failure since a file last committed: 100 ms, doubling, at most 30 s. */
    static long retryDelayMs(long failuresInARow) {
        return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(20, Math.max(0, failuresInARow - 1)));
    }

    private int retryIfDue(long nowMs) {
        if (nowMs < nextRetryMs) {
            return 0;
        }
        ctx.stop.enter("recovering after an output failure");
        try {
            prepare();
        } catch (OutputFailure f) {
            retryLater(f, nowMs);
            return 1;
        } finally {
            ctx.stop.exit();
        }
        LOG.info("output healthy again after {} failure(s): resuming from checkpoint {}", outputFailures, counters.lastCommitted);
        outputFailures = 0;
        nextRetryMs = 0;
        state = commands.paused() ? ConverterState.PAUSED : ConverterState.RUNNING;
        publish(nowMs);
        return 1;
    }

    /** Records a failure that cannot heal: the part is aborted, the state is FAILED with the cause, published. */
    void fail(Throwable e) {
        abortPart();
        counters.errors++;
        state = ConverterState.FAILED;
        lastError = oneLine(e);
        publish(ctx.clock.millis());
    }

    /**
     * Records what ended {@link #start}: a failure (FAILED, with its one line as the last error, as {@link #fail}), or,
     * when a stop was requested meanwhile, the stop that most likely caused it (STOPPED).
     */
    void failAtStart(Throwable e, boolean stopRequested) {
        if (!stopRequested) {
            fail(e);
            return;
        }
        abortPart();
        state = ConverterState.STOPPED;
        lastError = oneLine(e);
        LOG.info("stopped while starting: {}", lastError);
        publish(ctx.clock.millis());
    }

    /**
     * Asked to stop while the output fails, or interrupted in the middle of a step: the current part is aborted, not
     * committed (its records are converted again at the next start), and the converter stops.
     */
    void abandonAtStop(Exception e) {
        abortPart();
        counters.errors++;
        state = ConverterState.STOPPED;
        lastError = oneLine(e);
        LOG.warn("stopping without committing the current file (its records are converted again at the next start): {}", lastError);
        LOG.debug("failure at stop", e);
        head = headNow();
        publish(ctx.clock.millis());
    }

    /** Gives up the current part, if any, without committing it (the next start converts its records again). */
    void abandon() {
        abortPart();
    }

    private void abortPart() {
        filler.abort();
        counters.lastRead = counters.lastCommitted; // what the part held is read again after recovery
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage();
        return (m == null ? e.getClass().getSimpleName() : m).replace('\n', ' ');
    }

    // ------------------------------------------------------------------------------------------------- stop and status

    /** Commits what the current part holds and stops. */
    void shutdown() throws OutputFailure {
        state = ConverterState.STOPPING;
        publish(ctx.clock.millis());
        filler.commitIfAny(RotationCause.SHUTDOWN);
        state = ConverterState.STOPPED;
        head = headNow();
        publish(ctx.clock.millis());
    }

    private long headNow() {
        try {
            return reader.lastIndex();
        } catch (RuntimeException | InternalError | AssertionError e) {
            LOG.warn("cannot read the queue head (lag is stale): queue={}: {}", config.queue(), e.toString());
            return head;
        }
    }

    private void publish(long nowMs) {
        publisher.publish(nowMs, counters, new StatusPublisher.Moment(state, filler.part(), head, caughtUpMs, outputFailures, nextRetryMs, lastError,
                lastFlushFile, commands.pausedSinceMs(), filler.current(), reader.history()));
    }

    Counters counters() {
        return counters;
    }

    ConverterState state() {
        return state;
    }
}
