package io.parquetry.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueueFilesTest {

    @Test
    void cycleNumbersComeFromFileNamesForEveryCycleLength() {
        net.openhft.chronicle.queue.RollCycle hourly = net.openhft.chronicle.queue.rollcycles.SparseRollCycles.LARGE_HOURLY_SPARSE;
        long hour = java.time.Instant.parse("2026-11-21T05:00:00Z").toEpochMilli() / 3_600_000L;
        assertThat(QueueFiles.cycleOf("20261121-05LS.cq4", hourly)).isEqualTo((int) hour);
        net.openhft.chronicle.queue.RollCycle secondly = net.openhft.chronicle.queue.rollcycles.TestRollCycles.TEST_SECONDLY;
        int a = QueueFiles.cycleOf("20261121-050007T.cq4", secondly);
        int b = QueueFiles.cycleOf("20261121-050008T.cq4", secondly);
        assertThat(a).isPositive();
        assertThat(b - a).as("consecutive seconds are consecutive cycles (format %s)", secondly.format()).isEqualTo(1);
        assertThat(QueueFiles.cycleOf("metadata.cq4t", hourly)).isEqualTo(-1);
    }
}
