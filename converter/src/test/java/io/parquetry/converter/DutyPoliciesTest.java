package io.parquetry.converter;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.platform.duty.BackoffIdle;
import io.parquetry.platform.duty.ManualClock;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusFileDescriptor;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The converter's time policies as plain functions of the time they are given: nothing here waits. */
class DutyPoliciesTest {

    @TempDir
    Path dir;

    @Test
    void outputRetriesBackOffFromATenthOfASecondDoublingToHalfAMinute() {
        assertThat(List.of(ConverterAgent.retryDelayMs(1), ConverterAgent.retryDelayMs(2), ConverterAgent.retryDelayMs(3),
                ConverterAgent.retryDelayMs(9), ConverterAgent.retryDelayMs(10), ConverterAgent.retryDelayMs(1_000_000)))
                .containsExactly(100L, 200L, 400L, 25_600L, 30_000L, 30_000L);
    }

    @Test
    void theHeartbeatBeatsTheTimeItIsGivenEveryPeriodAndZeroWhenStopped() {
        try (StatusFile status = StatusFile.create(dir.resolve("c.status"), StatusFileDescriptor.KIND_CONVERTER, 1, 1)) {
            Heartbeat beat = new Heartbeat(status, new ManualClock(5));
            beat.doWork(1_234);
            assertThat(status.heartbeatMillis()).isEqualTo(1_234);
            BackoffIdle idle = Heartbeat.idle();
            long period = TimeUnit.MILLISECONDS.toNanos(Heartbeat.PERIOD_MS);
            assertThat(List.of(idle.parkNanos(0), idle.parkNanos(0), idle.parkNanos(0))).containsOnly(period);
            beat.close(); // never started: nothing to join
            assertThat(status.heartbeatMillis()).isZero();
        }
    }
}
