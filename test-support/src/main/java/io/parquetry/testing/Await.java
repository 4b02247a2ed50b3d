package io.parquetry.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;

/**
 * The suite's one deadline wait: polls a condition until it holds, and fails the test (naming what it waited for) when
 * it has not held within the deadline. A deadline, never a wall-clock assertion: on a slow machine a test only takes
 * longer.
 */
public final class Await {

    /** Long enough for a child JVM to start and a converter to commit on a loaded two-core machine. */
    public static final Duration DEADLINE = Duration.ofSeconds(20);

    private Await() {
    }

    /** Waits up to {@link #DEADLINE} for {@code condition}, polling every 2 ms. */
    public static void until(BooleanSupplier condition) {
        until("condition", DEADLINE, condition);
    }

    /** Waits up to {@code atMost} for {@code condition}; the failure names {@code what}. */
    public static void until(String what, Duration atMost, BooleanSupplier condition) {
        Awaitility.await(what).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                .until(condition::getAsBoolean);
    }
}
