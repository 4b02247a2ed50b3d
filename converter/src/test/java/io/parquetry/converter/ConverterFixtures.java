package io.parquetry.converter;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.reader.QueueReader;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.status.ConverterState;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusSnapshot;
import io.parquetry.testing.AllTypes;
import io.parquetry.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/** What converter tests share: queues of {@link AllTypes} records, configs, and the exactly-once checks. */
public final class ConverterFixtures {

    /** Recorder options for tests: no disk guard (test machines may have little free space). */
    public static final RecorderOptions REC = RecorderOptions.defaults().diskGuardMinFreeBytes(0);

    private ConverterFixtures() {
    }

    /** Appends AllTypes records {@code from} (inclusive) to {@code to} (exclusive) to the queue. */
    public static void recordAllTypes(Path queue, long from, long to) {
        record(new AllTypes(), queue, from, to);
    }

    /** Records AllTypes with string/binary fields ({@link AllTypes#withVariableFields()}) {@code from .. to-1}. */
    public static void recordVariableTypes(Path queue, long from, long to) {
        record(AllTypes.withVariableFields(), queue, from, to);
    }

    private static void record(AllTypes t, Path queue, long from, long to) {
        try (Recorder r = Recorder.open(queue, t.schema, REC); RecordWriter w = r.newWriter()) {
            for (long s = from; s < to; s++) {
                assertThat(t.write(w, s)).isEqualTo(RecordWriter.OK);
            }
        }
    }

    /** A queue's identity, as a converter sees it. */
    public static io.parquetry.queue.QueueIdentity queueIdentity(Path queue) {
        try (QueueReader r = QueueReader.open(queue)) {
            return r.identity();
        }
    }

    /** A config of {@code <dir>/queue} into {@code <dir>/out}, source {@code test}, plus {@code extraYaml}. */
    public static ConverterConfig config(Path dir, String extraYaml) {
        String yaml = "queue: " + dir.resolve("queue") + "\noutput: " + dir.resolve("out") + "\nsource: test\n" + extraYaml;
        return ConverterConfig.parse(yaml, "test.yaml", ConverterConfig.Overrides.none());
    }

    /** Records with seq 0..n-1, each exactly once, counted by DuckDB. */
    public static void assertExactlyOnce(Path dataset, long n) {
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dataset))).isEqualTo(n);
        assertThat(Datasets.queryLong("SELECT count(DISTINCT seq) FROM " + Datasets.scan(dataset))).isEqualTo(n);
        assertThat(Datasets.queryLong("SELECT sum(seq) FROM " + Datasets.scan(dataset))).isEqualTo(n * (n - 1) / 2);
    }

    /** The footers' index ranges tile the queue: each file starts at the record right after the previous file's last. */
    public static void assertFootersTileTheQueue(Path queue, Path dataset) {
        List<Long> all = new ArrayList<>();
        try (QueueReader r = QueueReader.open(queue)) {
            r.toStart();
            while (r.read((index, rec) -> all.add(index), 65536) > 0) {
                // read all
            }
        }
        long[] indexes = all.stream().mapToLong(Long::longValue).toArray();
        long expectedPos = 0;
        for (long[] range : Datasets.ranges(dataset)) {
            int first = Arrays.binarySearch(indexes, range[0]);
            int last = Arrays.binarySearch(indexes, range[1]);
            assertThat(first).as("file starting at index %d", range[0]).isEqualTo(expectedPos);
            assertThat(last - first + 1).as("rows of file starting at index %d", range[0]).isEqualTo(range[2]);
            expectedPos = last + 1;
        }
        assertThat(expectedPos).as("records covered by committed files").isEqualTo(indexes.length);
    }

    /** Waits (at most 60 s) until a converter's status file satisfies {@code condition}; returns that snapshot. */
    public static StatusSnapshot awaitStatus(Path statusFile, String what, Predicate<StatusSnapshot> condition) {
        try (StatusFile f = StatusFile.open(statusFile, false)) {
            StatusSnapshot[] last = {f.snapshot()};
            Await.until(() -> String.format("timed out waiting for: %s (state %s)", what,
                    ConverterState.decode(last[0].value(io.parquetry.status.ConverterStatusDescriptor.STATE))), Duration.ofSeconds(60), () -> {
                        last[0] = f.snapshot();
                        return condition.test(last[0]);
                    });
            return last[0];
        }
    }
}
