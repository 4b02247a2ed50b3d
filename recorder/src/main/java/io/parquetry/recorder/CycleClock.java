package io.parquetry.recorder;

import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;

/**
 * The recorder's queue clock: the system clock, held inside the cycles whose files are reserved. Chronicle picks the
 * cycle of an append from this clock, so a writer never rolls into a cycle whose file is not reserved (a new cycle file's
 * header and indexes are written by the writer that creates it). While the next cycle cannot be reserved (a full disk,
 * or the reserving thread is late), appends stay in the last reserved cycle, past its end; the clock runs free again once
 * the reserving thread has caught up. Only the recorder's own queue instance uses it: readers and converters see files.
 */
final class CycleClock implements TimeProvider {

    /** The reserved cycles' span of time: {@code [fromMillis, untilMillis)}. */
    private static final class Span {
        final long fromMillis;
        final long untilMillis;

        Span(long fromMillis, long untilMillis) {
            this.fromMillis = fromMillis;
            this.untilMillis = untilMillis;
        }
    }

    private final TimeProvider system = SystemTimeProvider.INSTANCE;
    /** Unbounded until the reserver has reserved the first cycle (before any writer exists). */
    private volatile Span span = new Span(Long.MIN_VALUE, Long.MAX_VALUE);

    /** Holds the clock in {@code [fromMillis, untilMillis)}; one volatile store, so a reader never sees half of it. */
    void hold(long fromMillis, long untilMillis) {
        span = new Span(fromMillis, untilMillis);
    }

    @Override
    public long currentTimeMillis() {
        long now = system.currentTimeMillis();
        Span s = span;
        if (now < s.fromMillis) {
            return s.fromMillis;
        }
        return now < s.untilMillis ? now : s.untilMillis - 1;
    }

    @Override
    public long currentTimeMicros() {
        return system.currentTimeMicros();
    }

    @Override
    public long currentTimeNanos() {
        return system.currentTimeNanos();
    }
}
