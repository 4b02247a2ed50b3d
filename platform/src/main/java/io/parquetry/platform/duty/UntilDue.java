package io.parquetry.platform.duty;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Parks until the agent's next duty is due (its schedules say when), at most {@code maxNanos}; a pass with work does
 * not park (a duty that ran may be due again at once, as a fixed-rate one that fell behind).
 */
public final class UntilDue implements IdleStrategy {

    private final Clock clock;
    private final LongSupplier nextDueMs;
    private final long maxNanos;

    /**
     * @param nextDueMs the earliest time one of the agent's duties is due, by {@code clock}
     * @param maxNanos the longest park (so that a stop or a changed schedule is seen)
     */
    public UntilDue(Clock clock, LongSupplier nextDueMs, long maxNanos) {
        this.clock = clock;
        this.nextDueMs = nextDueMs;
        this.maxNanos = maxNanos;
    }

    /** What {@link #idle(int)} parks for after a pass of {@code workCount} at {@code nowMs}. */
    public long parkNanos(int workCount, long nowMs) {
        if (workCount > 0) {
            return 0;
        }
        long waitMs = nextDueMs.getAsLong() - nowMs;
        return waitMs <= 0 ? 0 : Math.min(maxNanos, waitMs * 1_000_000L);
    }

    @Override
    public void idle(int workCount) {
        long park = parkNanos(workCount, clock.millis());
        if (park > 0) {
            LockSupport.parkNanos(park);
        }
    }
}
