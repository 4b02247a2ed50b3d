package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.config;
import static io.parquetry.converter.ConverterFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.queue.QueueDirectory;
import java.io.DataInputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.rollcycles.SparseRollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets a clear error and nothing written or deleted by mistake. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConverterBadInputTest {

    @TempDir
    Path dir;

    @Test
    void missingQueueDirectoryIsNamed() {
        assertThatThrownBy(() -> Converter.open(config(dir, ""))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queue=" + dir.resolve("queue"));
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void queueWithoutSchemaIsRefused() throws Exception {
        Files.createDirectories(dir.resolve("queue"));
        assertThatThrownBy(() -> Converter.open(config(dir, ""))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no schema").hasMessageContaining(QueueDirectory.SCHEMA_FILE);
    }

    @Test
    void queueOfAnUnknownLayoutVersionIsRefused() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 10);
        Path f = dir.resolve("queue").resolve(QueueDirectory.SCHEMA_FILE);
        Files.writeString(f, Files.readString(f).replaceFirst("# layout-version: \\d+", "# layout-version: 7"));
        assertThatThrownBy(() -> Converter.open(config(dir, ""))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("layoutVersion=7").hasMessageContaining("supported=1");
    }

    @Test
    void unwritableOutputIsRefusedAtStart() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 10);
        Files.writeString(dir.resolve("out"), "a file where the output directory should be");
        assertThatThrownBy(() -> Converter.open(config(dir, ""))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("output location is not writable").hasMessageContaining("all_types");
        assertThat(Files.readString(dir.resolve("out"))).startsWith("a file");
    }

    @Test
    void recordOfTheWrongLengthIsQuarantinedNotDropped() throws Exception {
        Path queue = dir.resolve("queue");
        recordAllTypes(queue, 0, 10);
        long badIndex;
        try (ChronicleQueue q = ChronicleQueue.singleBuilder(queue).rollCycle(SparseRollCycles.LARGE_HOURLY_SPARSE).build();
             ExcerptAppender a = q.createAppender()) {
            try (DocumentContext dc = a.writingDocument()) {
                dc.wire().bytes().write(new byte[] {1, 2, 3, 4, 5, 6, 7});
            }
            badIndex = a.lastIndexAppended();
        }
        recordAllTypes(queue, 10, 20);
        ConversionResult c = ConverterService.run(config(dir, ""), true);
        assertThat(c.quarantined()).isEqualTo(1);
        assertThat(c.rowsWritten()).isEqualTo(20);
        ConverterFixtures.assertExactlyOnce(dir.resolve("out/all_types"), 20);
        Path state = dir.resolve("queue/converter-test");
        assertThat(Files.readString(state.resolve("quarantine.log"))).contains("index=" + badIndex).contains("length=7");
        try (DataInputStream in = new DataInputStream(Files.newInputStream(state.resolve("quarantine.bin")))) {
            assertThat(in.readLong()).isEqualTo(badIndex);
            assertThat(in.readInt()).isEqualTo(7);
            byte[] b = new byte[7];
            in.readFully(b);
            assertThat(b).containsExactly(1, 2, 3, 4, 5, 6, 7);
        }
        // The footer's index range covers the quarantined record, so a restart does not convert anything twice.
        ConversionResult again = ConverterService.run(config(dir, ""), true);
        assertThat(again.rowsWritten()).isZero();
        assertThat(again.quarantined()).isZero();
    }

    /**
     * A cycle file cut in the middle of its records: the converter commits the intact records before the cut, then stops
     * with an error naming the queue (never exit 0 with the rest silently missing), and leaves nothing partial behind.
     */
    @Test
    void truncatedQueueFileCommitsWhatIsIntactThenFailsNamingTheQueue() throws Exception {
        Path queue = dir.resolve("queue");
        recordAllTypes(queue, 0, 50_000);
        Path cycle;
        try (Stream<Path> s = Files.list(queue)) {
            cycle = s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        // Cut the cycle file in the middle of its records, as a crash of the file system might.
        long keep = 200_000 + 64 * 1024;
        try (RandomAccessFile f = new RandomAccessFile(cycle.toFile(), "rw")) {
            f.setLength(keep);
        }
        assertThatThrownBy(() -> ConverterService.run(config(dir, ""), true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("queue=" + queue).hasMessageContaining("truncated");
        assertThat(Datasets.files(dir.resolve("out"), ".inprogress")).isEmpty();
        String scan = Datasets.scan(dir.resolve("out/all_types"));
        long rows = Datasets.queryLong("SELECT count(*) FROM " + scan);
        assertThat(rows).as("records before the cut, committed").isBetween(1L, 49_999L);
        assertThat(Datasets.queryLong("SELECT count(DISTINCT seq) FROM " + scan)).isEqualTo(rows);
        assertThat(Datasets.queryLong("SELECT max(seq) FROM " + scan)).isEqualTo(rows - 1);
        List<long[]> ranges = Datasets.ranges(dir.resolve("out/all_types"));
        assertThat(ranges.stream().mapToLong(r -> r[2]).sum()).isEqualTo(rows);
    }
}
