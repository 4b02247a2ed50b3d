package io.parquetry.platform.duty;

/** How a duty cycle waits after a pass: told the pass's work count, it returns at once or parks a while. */
public interface IdleStrategy {

    /** Waits (or not) after a pass that did {@code workCount} work. */
    void idle(int workCount);
}
