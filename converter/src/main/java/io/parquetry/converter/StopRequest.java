package io.parquetry.converter;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request to stop the converter, made from another thread (a signal handler), that also reaches the converter's
 * thread where it may block for long: opening, recovery, every call into the table.
 *
 * <p>The converter's loop sees {@link #requested()} on its next pass and commits what it holds. But a thread blocked in
 * a call that retries for minutes (Iceberg re-reads unreadable table metadata for ~90 s, then the sink and the converter
 * retried that) never gets back to its loop. So the converter marks such calls with {@link #enter}/{@link #exit}, and
 * once a stop is requested a watchdog thread interrupts a call that has not returned within {@link #GRACE_MS}: a healthy
 * call (a table commit takes milliseconds) finishes undisturbed, a blocked one gives up (measured from the outermost
 * marked call: recovery appending file after file stops within the grace too), the converter treats the
 * failure as an output failure (the part is aborted, recovery redoes it at the next start) and stops. The interrupt is
 * delivered only inside a marked call, and the flag is cleared when the outermost one returns, so the rest of the
 * converter (its queue reader, its checkpoint and status files, whose NIO channels an interrupt would close) never sees
 * it.
 */
final class StopRequest {

    private static final Logger LOG = LoggerFactory.getLogger(StopRequest.class);
    /** How long a marked call may go on after a stop request before it is interrupted. */
    static final long GRACE_MS = 2_000;
    private static final long WATCH_MS = 50;

    private final Object lock = new Object();
    private volatile boolean requested;
    private String cause = "";
    // Guarded by lock: the marked calls now running on the converter's thread, outermost first.
    private final Deque<String> calls = new ArrayDeque<>();
    private Thread caller;
    private long enteredNanos;
    private long requestedNanos;
    private long lastInterruptNanos;
    private boolean finished;
    private Thread watchdog;

    /** Asks the converter to stop; {@code cause} is what the log says asked (SIGTERM). Safe from any thread, more than once. */
    void request(String cause) {
        synchronized (lock) {
            if (requested) {
                return;
            }
            this.cause = cause;
            requestedNanos = System.nanoTime();
            requested = true;
            if (!finished) {
                watchdog = new Thread(this::watch, "parquetry-converter-stop");
                watchdog.setDaemon(true);
                watchdog.start();
            }
        }
    }

    boolean requested() {
        return requested;
    }

    /** Marks the start of a call that may block for long, named for the log ("appending to the table ..."). */
    void enter(String what) {
        synchronized (lock) {
            if (calls.isEmpty()) {
                // The grace runs from the outermost call: recovery making progress file by file still stops within it.
                caller = Thread.currentThread();
                enteredNanos = System.nanoTime();
                lastInterruptNanos = 0;
            }
            calls.push(what);
        }
    }

    /** Marks the end of the call {@link #enter} started; the outermost one clears an interrupt meant for it. */
    void exit() {
        boolean outermost;
        synchronized (lock) {
            calls.pop();
            outermost = calls.isEmpty();
            if (outermost) {
                caller = null;
            }
        }
        if (outermost) {
            Thread.interrupted(); // delivered while marked (under the lock), so cleared here: nothing after the call sees it
        }
    }

    /** The converter has stopped: the watchdog ends. */
    void finished() {
        synchronized (lock) {
            finished = true;
            lock.notifyAll();
        }
    }

    private void watch() {
        synchronized (lock) {
            while (!finished) {
                long now = System.nanoTime();
                if (caller != null) {
                    long since = Math.max(requestedNanos, Math.max(enteredNanos, lastInterruptNanos));
                    if (now - since >= TimeUnit.MILLISECONDS.toNanos(GRACE_MS)) {
                        // Once per grace period: code that swallows an interrupt and carries on gets another.
                        LOG.warn("{}: the converter is still {} {} ms after it was asked to stop: interrupting it (what it held is converted"
                                + " again at the next start)", cause, calls.peek(), TimeUnit.NANOSECONDS.toMillis(now - Math.max(requestedNanos,
                                enteredNanos)));
                        caller.interrupt();
                        lastInterruptNanos = now;
                    }
                }
                try {
                    lock.wait(WATCH_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
