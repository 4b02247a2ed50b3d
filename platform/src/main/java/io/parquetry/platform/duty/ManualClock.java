package io.parquetry.platform.duty;

/** A clock moved by hand: what a test gives a duty cycle to check a policy at the times it chooses. */
public final class ManualClock implements Clock {

    private volatile long millis;

    public ManualClock(long millis) {
        this.millis = millis;
    }

    /** Moves the clock {@code ms} on. */
    public void advance(long ms) {
        millis += ms;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public long nanos() {
        return millis * 1_000_000L;
    }
}
