package io.parquetry.platform.duty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The duty-cycle parts as functions of the time and work they are given: no test here waits on the wall clock. */
class DutyCycleTest {

    @Test
    void backoffDoublesFromMinToMaxWhileIdleAndResetsOnWork() {
        BackoffIdle idle = new BackoffIdle(1_000, 5_000);
        assertThat(List.of(idle.parkNanos(0), idle.parkNanos(0), idle.parkNanos(0), idle.parkNanos(0), idle.parkNanos(0)))
                .containsExactly(1_000L, 2_000L, 4_000L, 5_000L, 5_000L);
        assertThat(idle.parkNanos(3)).isZero();
        assertThat(idle.parkNanos(0)).isEqualTo(1_000);
    }

    @Test
    void aPacingBackoffParksItsMinimumAfterWorkToo() {
        BackoffIdle idle = BackoffIdle.pacing(10, 50);
        assertThat(List.of(idle.parkNanos(1), idle.parkNanos(0), idle.parkNanos(0), idle.parkNanos(0), idle.parkNanos(2)))
                .containsExactly(10L, 10L, 20L, 40L, 10L);
    }

    @Test
    void aFixedBackoffParksTheSamePeriodEveryTime() {
        BackoffIdle idle = new BackoffIdle(200, 200);
        assertThat(List.of(idle.parkNanos(0), idle.parkNanos(0), idle.parkNanos(0))).containsOnly(200L);
    }

    @Test
    void aBackoffOutOfOrderIsRefusedNamingBoth() {
        assertThatThrownBy(() -> new BackoffIdle(10, 5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("min=10")
                .hasMessageContaining("max=5");
    }

    @Test
    void fixedDelayIsDueAPeriodAfterItLastRan() {
        Every every = Every.fixedDelay(100).startAt(0);
        assertThat(every.due(99)).isFalse();
        assertThat(every.due(100)).isTrue();
        assertThat(every.due(150)).isFalse();
        assertThat(every.due(260)).isTrue(); // ran late: the next is a period after this run
        assertThat(every.nextMs()).isEqualTo(360);
    }

    @Test
    void fixedRateKeepsItsGridAndRunsOnceAtOnceWhenARunOverran() {
        Every every = Every.fixedRate(100).startAt(0);
        assertThat(every.due(100)).isTrue();
        assertThat(every.nextMs()).isEqualTo(200);
        assertThat(every.due(205)).isTrue(); // a little late: still on the grid
        assertThat(every.nextMs()).isEqualTo(300);
        assertThat(every.due(750)).isTrue(); // a run overran several periods
        assertThat(every.due(750)).isTrue(); // due once more at once (back to back) ...
        assertThat(every.due(750)).isFalse(); // ... never a burst of the missed ones
    }

    @Test
    void aScheduleNotStartedIsDueAtItsFirstAsk() {
        Every every = Every.fixedDelay(1_000);
        assertThat(every.due(5)).isTrue();
        assertThat(every.due(6)).isFalse();
    }

    @Test
    void untilDueParksUntilTheNextDutyAtMostTheMaximum() {
        ManualClock clock = new ManualClock(1_000);
        long[] next = {1_030};
        UntilDue idle = new UntilDue(clock, () -> next[0], 20_000_000);
        assertThat(idle.parkNanos(0, 1_000)).isEqualTo(20_000_000); // 30 ms away, capped at 20 ms
        assertThat(idle.parkNanos(0, 1_025)).isEqualTo(5_000_000);
        assertThat(idle.parkNanos(0, 1_030)).isZero();
        assertThat(idle.parkNanos(1, 1_000)).isZero();
    }

    @Test
    void aRunnerPassesTheClocksTimeGoesOnAfterAFailureAndClosesOnItsThread() throws Exception {
        ManualClock clock = new ManualClock(42);
        List<Long> times = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicInteger passes = new AtomicInteger();
        CountDownLatch threePasses = new CountDownLatch(3);
        String[] closedOn = new String[1];
        Agent agent = new Agent() {
            @Override
            public int doWork(long nowMs) {
                times.add(nowMs);
                threePasses.countDown();
                if (passes.incrementAndGet() == 2) {
                    throw new IllegalStateException("second pass fails");
                }
                return 0;
            }

            @Override
            public void onClose() {
                closedOn[0] = Thread.currentThread().getName();
            }
        };
        AgentRunner runner = new AgentRunner("duty-test", agent, new BackoffIdle(100_000, 100_000), clock, errors::add);
        assertThat(passes.get()).as("nothing runs before start").isZero();
        runner.start();
        assertThat(threePasses.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(runner.close(5_000)).isTrue();
        assertThat(times).allMatch(t -> t == 42);
        assertThat(errors).hasSize(1).first().extracting(Throwable::getMessage).isEqualTo("second pass fails");
        assertThat(closedOn[0]).isEqualTo("duty-test");
        assertThat(runner.isAlive()).isFalse();
    }

    @Test
    void aRunnerNeverStartedClosesItsAgentOnTheCaller() {
        boolean[] closed = {false};
        Agent agent = new Agent() {
            @Override
            public int doWork(long nowMs) {
                throw new AssertionError("never runs");
            }

            @Override
            public void onClose() {
                closed[0] = true;
            }
        };
        assertThat(new AgentRunner("never", agent, w -> { }, Clock.SYSTEM, e -> { }).close(1_000)).isTrue();
        assertThat(closed[0]).isTrue();
    }
}
