package io.parquetry.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CycleFilesTest {

    @Test
    void cycleNumbersComeFromFileNamesForEveryCycleLength() {
        net.openhft.chronicle.queue.RollCycle hourly = net.openhft.chronicle.queue.rollcycles.SparseRollCycles.LARGE_HOURLY_SPARSE;
        long hour = java.time.Instant.parse("2026-11-21T05:00:00Z").toEpochMilli() / 3_600_000L;
        assertThat(new CycleFiles(java.nio.file.Path.of("q"), hourly, 0).cycleOf("20261121-05LS.cq4")).isEqualTo((int) hour);
        net.openhft.chronicle.queue.RollCycle secondly = net.openhft.chronicle.queue.rollcycles.TestRollCycles.TEST_SECONDLY;
        int a = new CycleFiles(java.nio.file.Path.of("q"), secondly, 0).cycleOf("20261121-050007T.cq4");
        int b = new CycleFiles(java.nio.file.Path.of("q"), secondly, 0).cycleOf("20261121-050008T.cq4");
        assertThat(a).isPositive();
        assertThat(b - a).as("consecutive seconds are consecutive cycles (format %s)", secondly.format()).isEqualTo(1);
        assertThat(new CycleFiles(java.nio.file.Path.of("q"), hourly, 0).cycleOf("metadata.cq4t")).isEqualTo(-1);
    }
}
