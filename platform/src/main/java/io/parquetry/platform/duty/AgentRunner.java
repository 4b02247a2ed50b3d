package io.parquetry.platform.duty;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Runs an {@link Agent} on a daemon thread of its own: pass after pass ({@code doWork} with the clock's time, then the
 * idle strategy) until {@link #close()}. A pass that throws is handed to the error handler and the loop goes on (the
 * agent decides what a failure means; a duty that must stop the process says so through what it owns). Built, then
 * {@link #start()}ed: nothing runs while the owner is constructing itself.
 */
public final class AgentRunner implements AutoCloseable {

    private final Agent agent;
    private final IdleStrategy idle;
    private final Clock clock;
    private final Consumer<Throwable> errors;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean started;

    /**
     * @param threadName the thread's name (as thread dumps and logs show it)
     * @param errors told of each pass that throws, on the agent's thread
     */
    public AgentRunner(String threadName, Agent agent, IdleStrategy idle, Clock clock, Consumer<Throwable> errors) {
        this.agent = agent;
        this.idle = idle;
        this.clock = clock;
        this.errors = errors;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
    }

    /** Starts the thread (once). */
    public synchronized AgentRunner start() {
        if (!started && running) {
            started = true;
            thread.start();
        }
        return this;
    }

    private void run() {
        try {
            while (running) {
                int work;
                try {
                    work = agent.doWork(clock.millis());
                } catch (Exception | Error e) {
                    errors.accept(e);
                    work = 0;
                }
                if (running) {
                    idle.idle(work);
                }
            }
        } finally {
            agent.onClose();
        }
    }

    /** True between {@link #start()} and the end of the last pass. */
    public boolean isAlive() {
        return thread.isAlive();
    }

    /**
     * Stops the loop after the pass it is in and waits for it (and the agent's {@code onClose}) up to
     * {@code timeoutMs}; without a start, calls {@code onClose} here.
     *
     * @return true when the thread ended within the time
     */
    public boolean close(long timeoutMs) {
        boolean wasStarted;
        synchronized (this) {
            running = false;
            wasStarted = started;
        }
        if (!wasStarted) {
            agent.onClose();
            return true;
        }
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread) {
            return false; // closed from inside a pass: the loop ends after it
        }
        try {
            thread.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /** As {@link #close(long)} with 5 s. */
    @Override
    public void close() {
        close(5_000);
    }
}
