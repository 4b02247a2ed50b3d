package io.parquetry.converter.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory bound in practice: 10 M records through the default options (16 MiB row groups, two encoder threads) in
 * a JVM with a 256 MiB heap. At most (threads + 1) row groups of records are in flight, so the heap never holds more
 * than a few row groups, whatever the file's length.
 */
@Tag("slow")
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ParquetPartFileMemoryTest {

    @TempDir
    Path dir;

    @Test
    void tenMillionRecordsEncodeInA256MiBHeap() throws Exception {
        Path file = dir.resolve("big.parquet");
        Path log = dir.resolve("child.log");
        Process p = ChildJvm.start(log, "-Xmx256m", SmallHeapEncode.class, "10000000", file.toString(), "2");
        assertThat(p.waitFor(540, TimeUnit.SECONDS)).as("child finished").isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as("child exit; log:%n%s", out).isZero();
        assertThat(out).contains("rows=10000000").doesNotContain("OutOfMemoryError");
        try (ParquetFileReader r = ParquetReadBack.open(file)) {
            assertThat(r.getRecordCount()).isEqualTo(10_000_000L);
        }
        System.out.println("small-heap run: " + out.lines().filter(l -> l.startsWith("rows=")).findFirst().orElse(out));
    }

    /**
     * The bound holds by bytes too: 60,000 records with payloads of up to 64 KiB (about 2 GiB of records) through the
     * default 16 MiB row groups and two encoder threads in a 256 MiB heap.
     */
    @Test
    void twoGibibytesOfVariableRecordsEncodeInA256MiBHeap() throws Exception {
        Path file = dir.resolve("payloads.parquet");
        Path log = dir.resolve("child-variable.log");
        Process p = ChildJvm.start(log, "-Xmx256m", SmallHeapEncode.class, "60000", file.toString(), "2", "variable");
        assertThat(p.waitFor(540, TimeUnit.SECONDS)).as("child finished").isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as("child exit; log:%n%s", out).isZero();
        assertThat(out).contains("rows=60000").doesNotContain("OutOfMemoryError");
        try (ParquetFileReader r = ParquetReadBack.open(file)) {
            assertThat(r.getRecordCount()).isEqualTo(60_000L);
            assertThat(r.getFooter().getBlocks()).as("row groups filled by bytes").hasSizeGreaterThan(100);
        }
        System.out.println("small-heap run, variable records: " + out.lines().filter(l -> l.startsWith("rows=")).findFirst().orElse(out));
    }
}
