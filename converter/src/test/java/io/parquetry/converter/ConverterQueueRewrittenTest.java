package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.converter.output.Output;
import io.parquetry.converter.verify.DatasetVerifier;
import io.parquetry.converter.verify.Problem;
import io.parquetry.converter.verify.VerifyReport;
import io.parquetry.reader.QueueReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A queue that no longer holds what was committed from it, and holds other records at the same indexes: what a power cut
 * left when a converter had committed records the recorder had not synced (the queue lost them, and the restarted
 * recorder appended new records at those indexes). Counts alone cannot tell: the converter must stop, and verify fail.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConverterQueueRewrittenTest {

    @TempDir
    Path dir;

    private Path queue() {
        return dir.resolve("queue");
    }

    /** The state directory outside the queue's, so that it outlives the queue's loss. */
    private ConverterConfig config(Path dir, String extraYaml) {
        return ConverterFixtures.config(dir, "stateDir: " + dir.resolve("state") + "\n" + extraYaml);
    }

    /** Records 0..999 stay; records 1000..1499 are converted, then lost and replaced by others (seq 5000..5499). */
    private void convertThenLoseTheTailAndAppendOthers(String extraYaml) throws IOException {
        recordAllTypes(queue(), 0, 1000);
        Path before = dir.resolve("queue-as-synced");
        copyTree(queue(), before);
        recordAllTypes(queue(), 1000, 1500);
        ConversionResult first = ConverterService.run(config(dir, extraYaml), true);
        assertThat(first.rowsWritten()).isEqualTo(1500);
        deleteTree(queue());
        copyTree(before, queue());
        recordAllTypes(queue(), 5000, 5500);
    }

    @Test
    void aCheckpointWhoseRecordTheQueueNoLongerHoldsStopsTheConverterNamingTheIndex() throws Exception {
        convertThenLoseTheTailAndAppendOthers("");
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dir.resolve("out/all_types")))).isEqualTo(1500);
        try (QueueReader r = QueueReader.open(queue())) {
            assertThat(r.recordsBetween(-1, r.lastIndex())).as("the same number of records as were converted").isEqualTo(1500);
        }
        long checkpoint = Checkpoint.readIn(config(dir, "").stateDir()).lastCommitted();
        assertThatThrownBy(() -> ConverterService.run(config(dir, ""), true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the queue holds another record than the one committed at index " + checkpoint)
                .hasMessageContaining("queue=" + queue()).hasMessageContaining("bin/parquetry verify").hasMessageNotContaining("\n");
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dir.resolve("out/all_types")))).as("nothing more converted")
                .isEqualTo(1500);
    }

    @Test
    void aFileCommittedAfterTheCheckpointIsNotAdoptedWhenTheQueueHoldsOtherRecords() throws Exception {
        convertThenLoseTheTailAndAppendOthers("rotation: {maxRows: 1000}\n");
        // A crash between the second file's rename and its checkpoint: the checkpoint is the first file's.
        ConverterConfig cfg = config(dir, "");
        Path dataset = dir.resolve("out/all_types");
        new Checkpoint(cfg.stateDir()).write(Datasets.ranges(dataset).get(0)[1], ConverterFixtures.queueIdentity(queue()).id(),
                Datasets.lastRecordChecksum(dataset, 0));
        assertThatThrownBy(() -> ConverterService.run(config(dir, "rotation: {maxRows: 1000}\n"), true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("the queue holds another record than the one committed at index "
                        + Datasets.ranges(dataset).get(1)[0]).hasMessageContaining("the footer of");
        assertThat(new Checkpoint(cfg.stateDir()).read().lastCommitted()).as("not moved past the first file")
                .isEqualTo(Datasets.ranges(dataset).get(0)[1]);
    }

    @Test
    void verifyFindsTheRecordsTheQueueDoesNotHoldThoughEveryCountMatches() throws Exception {
        convertThenLoseTheTailAndAppendOthers("");
        try (QueueReader q = QueueReader.open(queue())) {
            Output out = Output.open(dir.resolve("out").toString(), "all_types", Map.of(), false);
            VerifyReport r = DatasetVerifier.verify(out.fs(), out.conf(), out.datasetDir(), "test", q, Checkpoint.readIn(config(dir, "").stateDir()),
                    false);
            assertThat(r.ok()).isFalse();
            assertThat(r.problems()).extracting(Problem::kind).containsOnly(Problem.Kind.CONTENT_MISMATCH);
            assertThat(r.problems()).extracting(Problem::message).anySatisfy(m -> assertThat(m).startsWith("the checkpoint's record"))
                    .anySatisfy(m -> assertThat(m).contains(": its last record (index " + r.checkpoint() + ") has CRC32C"));
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
