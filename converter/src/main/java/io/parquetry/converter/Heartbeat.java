package io.parquetry.converter;

import io.parquetry.status.StatusFile;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Beats the status file's heartbeat from a thread of its own every {@link #PERIOD_MS}, so a converter busy in a long
 * commit (or waiting out an outage) still reads as alive. Stopping it writes 0: "stopped cleanly".
 */
final class Heartbeat implements AutoCloseable {

    static final long PERIOD_MS = 200;

    private final StatusFile status;
    private final Thread thread;
    private volatile boolean running = true;

    Heartbeat(StatusFile status) {
        this.status = status;
        this.thread = new Thread(this::run, "parquetry-converter-heartbeat");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            status.heartbeat(System.currentTimeMillis());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PERIOD_MS));
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        status.heartbeat(0);
    }
}
