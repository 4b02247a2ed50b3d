package io.parquetry.platform.duty;

/**
 * A service loop's body: {@link #doWork} runs each of its duties once and returns how much work they did (0 when there
 * was nothing to do, so the idle strategy may wait). It never waits itself.
 */
public interface Agent {

    /**
     * One pass over every duty.
     *
     * @param nowMs the clock's time for this pass: every duty decides with it, so a test can give any
     * @return the work done, 0 for none
     * @throws Exception a failure of this pass; the runner hands it to its error handler and goes on
     */
    int doWork(long nowMs) throws Exception;

    /** Called once on the agent's thread after its last pass: release what the passes held. */
    default void onClose() {
    }
}
