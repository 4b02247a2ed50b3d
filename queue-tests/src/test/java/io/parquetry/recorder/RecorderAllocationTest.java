package io.parquetry.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.testing.MarketData;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Counts the bytes the appending thread allocates across warmed-up appends (the JMH -prof gc figures are in BENCHMARKS.md). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RecorderAllocationTest {

    @TempDir
    Path dir;

    @Test
    void appendAllocatesNothingAfterWarmUp() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(mx.isThreadAllocatedMemorySupported()).isTrue();
        mx.setThreadAllocatedMemoryEnabled(true);
        MarketData md = new MarketData();
        try (Recorder rec = Recorder.open(dir, md.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0));
             RecordWriter w = rec.newWriter()) {
            long i = 0;
            for (; i < 1_000_000; i++) { // warm-up: let C2 compile the append path
                md.write(w, i);
            }
            long tid = Thread.currentThread().getId();
            int appends = 2_000_000;
            long before = mx.getThreadAllocatedBytes(tid);
            for (long end = i + appends; i < end; i++) {
                md.write(w, i);
            }
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            double perAppend = (double) allocated / appends;
            System.out.printf("allocated %d bytes over %d appends: %.4f B/append%n", allocated, appends, perAppend);
            assertThat(perAppend).as("bytes allocated per append").isLessThan(0.1);
            assertThat(rec.appended()).isEqualTo(i);
        }
    }
}
