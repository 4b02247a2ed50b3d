package io.parquetry.converter;

import io.parquetry.platform.duty.Agent;
import io.parquetry.platform.duty.AgentRunner;
import io.parquetry.platform.duty.BackoffIdle;
import io.parquetry.platform.duty.Clock;
import io.parquetry.status.StatusFile;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Beats the status file's heartbeat from a thread of its own every {@link #PERIOD_MS}, so a converter busy in a long
 * commit (or waiting out an outage) still reads as alive. Stopping it writes 0: "stopped cleanly".
 */
final class Heartbeat implements Agent, AutoCloseable {

    static final long PERIOD_MS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final StatusFile status;
    private final AgentRunner runner;

    Heartbeat(StatusFile status, Clock clock) {
        this.status = status;
        this.runner = new AgentRunner("parquetry-converter-heartbeat", this, idle(), clock,
                e -> LOG.warn("heartbeat failed: status={}", status.path(), e));
    }

    /** A beat, then a park of the period: the heartbeat's whole policy. */
    static BackoffIdle idle() {
        long period = TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
        return new BackoffIdle(period, period);
    }

    Heartbeat start() {
        runner.start();
        return this;
    }

    /** Beats at {@code nowMs}; no work, so the runner parks the period. */
    @Override
    public int doWork(long nowMs) {
        status.heartbeat(nowMs);
        return 0;
    }

    @Override
    public void close() {
        runner.close(1000);
        status.heartbeat(0);
    }
}
