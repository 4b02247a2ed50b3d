package io.parquetry.console.processes;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-second rates of a process's counters over a window of the console's samples (say 10 s): a one-sample delta of a
 * counter that moves in steps (rows committed at each rotation) reads 0 most of the time and a spike now and then.
 * A counter that goes down (the process restarted, or an aborted file dropped its estimate) starts its window anew.
 * Thread-safe.
 */
final class Rates {

    private final long windowMs;
    private final Map<String, Deque<long[]>> series = new HashMap<>();
    private long owner = Long.MIN_VALUE;

    Rates(Duration window) {
        this.windowMs = window.toMillis();
    }

    /**
     * Adds a sample of counter {@code name}.
     *
     * @param ownerKey identifies the process that published the counters (its start time): a new one starts every
     *     window anew
     */
    synchronized void add(long ownerKey, long nowMs, String name, long value) {
        if (ownerKey != owner) {
            series.clear();
            owner = ownerKey;
        }
        Deque<long[]> d = series.computeIfAbsent(name, n -> new ArrayDeque<>());
        if (!d.isEmpty() && (value < d.peekLast()[1] || nowMs <= d.peekLast()[0])) {
            if (value < d.peekLast()[1]) {
                d.clear();
            } else {
                return;
            }
        }
        d.addLast(new long[] {nowMs, value});
        // Keep one sample at or before the window's start, so that the rate spans the whole window.
        while (d.size() > 2 && secondOldest(d)[0] <= nowMs - windowMs) {
            d.removeFirst();
        }
    }

    private static long[] secondOldest(Deque<long[]> d) {
        var it = d.iterator();
        it.next();
        return it.next();
    }

    /** The counter's rate per second over the window, 0 before there are two samples. */
    synchronized double perSecond(String name) {
        Deque<long[]> d = series.get(name);
        if (d == null || d.size() < 2) {
            return 0;
        }
        long[] first = d.peekFirst();
        long[] last = d.peekLast();
        return (last[1] - first[1]) * 1000.0 / (last[0] - first[0]);
    }

    /** True once {@code name} has two samples: before that its rate is not known (and 0 would be a made-up number). */
    synchronized boolean known(String name) {
        Deque<long[]> d = series.get(name);
        return d != null && d.size() >= 2;
    }

    /** The span the rate of {@code name} is taken over, in ms (0 before two samples). */
    synchronized long spanMs(String name) {
        Deque<long[]> d = series.get(name);
        return d == null || d.size() < 2 ? 0 : d.peekLast()[0] - d.peekFirst()[0];
    }
}
