package io.parquetry.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The suite's one deadline wait: polls a condition until it holds, and fails the test (naming what it waited for) when
 * it has not held within the deadline. A deadline, never a wall-clock assertion: on a slow machine a test only takes
 * longer. An exception or a failed assertion inside the condition (a child process found dead, say) ends the wait at
 * once and is rethrown as it is.
 */
public final class Await {

    /** Long enough for a child JVM to start and a converter to commit on a loaded two-core machine. */
    public static final Duration DEADLINE = Duration.ofSeconds(20);

    /** A condition that may do I/O: reading a child's log or a status file. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** What a wait was for, worked out when it fails: so the failure can show the state (a log, a counter) at that time. */
    @FunctionalInterface
    public interface Description {
        String text() throws Exception;
    }

    private Await() {
    }

    /** Waits up to {@link #DEADLINE} for {@code condition}, polling every 2 ms. */
    public static void until(Condition condition) {
        until("condition", DEADLINE, condition);
    }

    /** Waits up to {@code atMost} for {@code condition}; the failure names {@code what}. */
    public static void until(String what, Duration atMost, Condition condition) {
        Awaitility.await(what).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).until(condition::holds);
    }

    /** As {@link #until(String, Duration, Condition)}, the failure saying {@code what} as it reads when the deadline passes. */
    public static void until(Description what, Duration atMost, Condition condition) {
        try {
            until("condition", atMost, condition);
        } catch (ConditionTimeoutException e) {
            String text;
            try {
                text = what.text();
            } catch (Exception describing) {
                text = "(cannot describe the wait: " + describing + ")";
            }
            throw new AssertionError("not within " + atMost + ": " + text, e);
        }
    }
}
