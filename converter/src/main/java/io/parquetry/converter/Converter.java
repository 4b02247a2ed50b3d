package io.parquetry.converter;

import io.parquetry.converter.output.OutputFailure;
import io.parquetry.platform.duty.BackoffIdle;
import io.parquetry.platform.duty.Clock;
import io.parquetry.platform.duty.IdleStrategy;
import io.parquetry.schema.Schema;
import io.parquetry.status.ConverterState;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The converter service: tails one queue from its checkpoint and writes Parquet files exactly once (docs/ARCHITECTURE.md).
 *
 * <pre>{@code
 * try (Converter c = Converter.open(config)) {   // opens everything, takes the locks, recovers
 *     c.run(false);                              // until requestStop() (a signal), then commits what it holds
 * }
 * }</pre>
 *
 * <p>Threads: {@link #run} drives everything on the calling thread (reading, committing, commands, status); an encoder
 * thread encodes what it hands over, and a heartbeat thread keeps the status file's heartbeat fresh.
 * {@link #requestStop()} may be called from any thread. The parts: {@link ConverterContext} (what is held),
 * {@link ConverterAgent} (the duty cycle), {@link Recovery}, {@link CommitProtocol}, {@link Commands},
 * {@link StatusPublisher} and {@link Retention}; docs/ARCHITECTURE.md draws them.
 */
public final class Converter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Converter.class);

    private final ConverterContext ctx;
    private final ConverterAgent agent;
    private final StopRequest stop;
    private boolean closed;

    private Converter(ConverterContext ctx, ConverterAgent agent, StopRequest stop) {
        this.ctx = ctx;
        this.agent = agent;
        this.stop = stop;
    }

    /**
     * Opens the queue and output, takes the state directory's lock and the output lease, and recovers. When the output
     * cannot be reached (an outage), it opens anyway and {@link #run} retries with back-off.
     *
     * @throws IllegalArgumentException or IllegalStateException naming what is wrong (queue, schema, output, lock, state);
     *     nothing is left held, and the status file (when it was made) says FAILED with the cause
     */
    public static Converter open(ConverterConfig config) {
        return open(config, new StopRequest());
    }

    /** As {@link #open(ConverterConfig)}, stoppable while it opens and recovers: {@code stop} interrupts what blocks. */
    static Converter open(ConverterConfig config, StopRequest stop) {
        return open(config, stop, Clock.SYSTEM);
    }

    /** As {@link #open(ConverterConfig, StopRequest)}, every duty on {@code clock} (tests give a fake one). */
    static Converter open(ConverterConfig config, StopRequest stop, Clock clock) {
        stop.enter("starting (opening the queue, the output and the table, recovering)");
        try {
            ConverterContext ctx = ConverterContext.open(config, stop, clock);
            ConverterAgent agent = null;
            try {
                agent = new ConverterAgent(ctx);
                agent.start(ctx.clock.millis());
                return new Converter(ctx, agent, stop);
            } catch (RuntimeException | Error e) {
                if (agent != null) {
                    // What start met (an unreadable table, a damaged queue) is what `status` and the console show.
                    agent.failAtStart(e, stop.requested());
                }
                ctx.close();
                throw e;
            }
        } finally {
            stop.exit();
        }
    }

    /**
     * Converts until {@link #requestStop()} (then commits what it holds) or, with {@code untilIdle}, until every record
     * of the queue is committed. Output failures are retried with back-off, however long they last.
     *
     * <p>An interrupt of the calling thread is a stop request too. Where it lands matters: the queue's and the state's
     * NIO channels close on an interrupt, so one that lands in the middle of reading or committing fails that step; the
     * converter then gives up the file it holds (the next start converts it again) and stops, rather than report the
     * queue or the output at fault. Its own stop request interrupts only calls marked for it ({@link StopRequest}).
     *
     * @throws RuntimeException after a failure that cannot heal (damaged queue, lost lease, bad state), having aborted
     *     the in-progress file (the next start recovers); the status file says FAILED with the cause
     */
    public void run(boolean untilIdle) {
        ctx.reader.claimForCurrentThread();
        Idle idle = new Idle(ctx.config.pollInterval().toNanos());
        boolean interrupted = false;
        try {
            while (!stop.requested()) {
                if (Thread.interrupted()) {
                    // Cleared here, before the next pass reads: left set, it would close the reader's channels, and the idle
                    // strategy's park would return at once.
                    interrupted = true;
                    stop.request("an interrupt of the converter's thread");
                    break;
                }
                int work = agent.doWork(ctx.clock.millis());
                if (untilIdle && agent.drained()) {
                    break;
                }
                idle.idle(work, agent.retrying());
            }
        } catch (RuntimeException e) {
            if (Thread.interrupted()) {
                stop.request("an interrupt of the converter's thread");
                agent.abandonAtStop(e);
                return;
            }
            agent.fail(e);
            throw e;
        } catch (Error e) {
            agent.fail(e);
            throw e;
        }
        interrupted |= Thread.interrupted();
        try {
            agent.shutdown();
        } catch (OutputFailure e) {
            if (stop.requested()) {
                // Asked to stop (SIGTERM) with an output that does not work now: give up the part, do not wait for the output.
                agent.abandonAtStop(e);
                return;
            }
            agent.fail(e);
            throw new IllegalStateException("could not commit at shutdown (the next start converts these records again): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (interrupted || Thread.interrupted()) {
                agent.abandonAtStop(e);
                return;
            }
            agent.fail(e);
            throw e;
        } catch (Error e) {
            agent.fail(e);
            throw e;
        }
    }

    /** Asks {@link #run} to commit what it holds and return. Safe from any thread (a signal handler). */
    public void requestStop() {
        stop.request("a stop request");
    }

    /** What the converter has done so far (after {@link #run}: the whole run). Call on the thread that runs it, or after. */
    public ConversionResult result() {
        Counters c = agent.counters();
        return new ConversionResult(ctx.schema, ctx.output.datasetDir().toString(), c.recordsRead, c.rowsWritten, c.filesCommitted,
                c.bytesWritten, c.quarantined, c.lastCommitted, c.outputFailures, c.rotations.clone(), c.truncatedTimestamps);
    }

    public ConverterState state() {
        return agent.state();
    }

    public Schema schema() {
        return ctx.schema;
    }

    public Path statusFile() {
        return ctx.config.statusFile();
    }

    public ConverterConfig config() {
        return ctx.config;
    }

    /** Releases everything: aborts an uncommitted file, stops the threads, releases the lease and the lock, closes the queue. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (agent.state() != ConverterState.STOPPED && agent.state() != ConverterState.FAILED) {
                LOG.debug("closing a converter that did not stop: its current file is aborted");
            }
            agent.abandon();
            ctx.close();
            stop.finished();
        }
    }

    /**
     * Waits while there is no work: a back-off from 50 µs, doubling to the poll interval (at most 1 ms: a record
     * appended to an idle queue is seen within it); a fixed 20 ms while retrying after an output failure (the retry's
     * own back-off decides when it runs; this only bounds how late).
     */
    static final class Idle {
        private static final long RETRY_PARK_NANOS = 20_000_000;
        private static final long FIRST_PARK_NANOS = 50_000;
        private static final long MAX_POLL_PARK_NANOS = 1_000_000;
        private final IdleStrategy polling;
        private final IdleStrategy retrying = new BackoffIdle(RETRY_PARK_NANOS, RETRY_PARK_NANOS);

        Idle(long pollIntervalNanos) {
            this.polling = new BackoffIdle(FIRST_PARK_NANOS, Math.max(FIRST_PARK_NANOS, Math.min(pollIntervalNanos, MAX_POLL_PARK_NANOS)));
        }

        void idle(int work, boolean retry) {
            (retry ? retrying : polling).idle(work);
        }
    }
}
