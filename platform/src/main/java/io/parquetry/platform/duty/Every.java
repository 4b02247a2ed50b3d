package io.parquetry.platform.duty;

/**
 * A periodic duty's schedule, a plain function of the time it is given. {@link #fixedDelay}: due a period after it last
 * ran (a slow run pushes the next one back). {@link #fixedRate}: due on a grid of periods from the first time it is
 * asked, so a duty that waits on it waits at most one period plus one run's duration; a run longer than the period makes
 * the next one due at once (back to back), never two at once.
 */
public final class Every {

    private final long periodMs;
    private final boolean fixedRate;
    private long nextMs = Long.MIN_VALUE;

    private Every(long periodMs, boolean fixedRate) {
        if (periodMs <= 0) {
            throw new IllegalArgumentException("period must be positive: periodMs=" + periodMs);
        }
        this.periodMs = periodMs;
        this.fixedRate = fixedRate;
    }

    public static Every fixedDelay(long periodMs) {
        return new Every(periodMs, false);
    }

    public static Every fixedRate(long periodMs) {
        return new Every(periodMs, true);
    }

    /** Starts the schedule: first due one period after {@code nowMs} (until then, {@link #due} also starts it, due at once). */
    public Every startAt(long nowMs) {
        nextMs = nowMs + periodMs;
        return this;
    }

    /** True when the duty is due at {@code nowMs}; then the schedule moves to the next time. */
    public boolean due(long nowMs) {
        if (nextMs == Long.MIN_VALUE) {
            nextMs = nowMs;
        }
        if (nowMs < nextMs) {
            return false;
        }
        nextMs = fixedRate ? Math.max(nextMs + periodMs, nowMs) : nowMs + periodMs;
        return true;
    }

    /** When the duty is next due, ms (the time of the first ask when it has not started). */
    public long nextMs() {
        return nextMs;
    }
}
