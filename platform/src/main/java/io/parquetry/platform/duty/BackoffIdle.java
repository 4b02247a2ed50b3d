package io.parquetry.platform.duty;

import java.util.concurrent.locks.LockSupport;

/**
 * Parks {@code min} after the first pass without work, twice as long after each further one, never longer than
 * {@code max}; a pass with work resets it and does not park, or, {@link #pacing}, parks {@code min} (a loop that must
 * not spin however much work it finds). {@code min == max} parks a fixed period. Not thread-safe: one per loop.
 */
public final class BackoffIdle implements IdleStrategy {

    private final long minNanos;
    private final long maxNanos;
    private final boolean parkAfterWork;
    private long nextNanos;

    public BackoffIdle(long minNanos, long maxNanos) {
        this(minNanos, maxNanos, false);
    }

    private BackoffIdle(long minNanos, long maxNanos, boolean parkAfterWork) {
        if (minNanos <= 0 || maxNanos < minNanos) {
            throw new IllegalArgumentException("back-off must be positive and min <= max: min=" + minNanos + " ns, max=" + maxNanos + " ns");
        }
        this.minNanos = minNanos;
        this.maxNanos = maxNanos;
        this.parkAfterWork = parkAfterWork;
        this.nextNanos = minNanos;
    }

    /** Parks {@code min} after a pass with work too: a loop that runs at most every {@code min}. */
    public static BackoffIdle pacing(long minNanos, long maxNanos) {
        return new BackoffIdle(minNanos, maxNanos, true);
    }

    /** What {@link #idle(int)} parks for after a pass of {@code workCount} (0: none), advancing the back-off. */
    public long parkNanos(int workCount) {
        if (workCount > 0) {
            nextNanos = minNanos;
            return parkAfterWork ? minNanos : 0;
        }
        long park = nextNanos;
        nextNanos = Math.min(maxNanos, nextNanos * 2);
        return park;
    }

    @Override
    public void idle(int workCount) {
        long park = parkNanos(workCount);
        if (park > 0) {
            LockSupport.parkNanos(park);
        }
    }
}
