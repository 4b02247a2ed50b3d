package io.parquetry.converter.verify;

import static io.parquetry.converter.ConverterFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.Checkpoint;
import io.parquetry.converter.ConverterConfig;
import io.parquetry.converter.ConverterFixtures;
import io.parquetry.converter.ConverterService;
import io.parquetry.converter.Datasets;
import io.parquetry.converter.LocalObjectStoreFileSystem;
import io.parquetry.converter.output.Output;
import io.parquetry.reader.QueueReader;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.schema.Schema;
import io.parquetry.testing.AllTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A dataset checked against its queue from footers and checkpoint: healthy, then with a planted gap, overlap and strays. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DatasetVerifierTest {

    private static final int N = 3000;

    @TempDir
    Path dir;

    private Path dataset;

    private ConverterConfig config(String output, String source, String state, int maxRows, String extra) {
        return ConverterConfig.load(write(source + "-" + state + ".yaml", "queue: " + dir.resolve("queue") + "\noutput: " + output
                + "\nsource: " + source + "\nstateDir: " + dir.resolve(state) + "\nrotation: {maxRows: " + maxRows + "}\n" + extra),
                ConverterConfig.Overrides.none());
    }

    private Path write(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeEach
    void convertThreeFiles() {
        recordAllTypes(dir.resolve("queue"), 0, N);
        ConverterService.run(config(dir.resolve("out").toString(), "test", "state", 1000, ""), true);
        dataset = dir.resolve("out/all_types");
        assertThat(Datasets.files(dataset, ".parquet")).hasSize(3);
    }

    private VerifyReport verify(String output, Map<String, String> hadoop, boolean strict) throws Exception {
        try (QueueReader q = QueueReader.open(dir.resolve("queue"))) {
            Output out = Output.open(output, "all_types", hadoop, false);
            return DatasetVerifier.verify(out.fs(), out.conf(), out.datasetDir(), "test", q, Checkpoint.readIn(dir.resolve("state")), strict);
        }
    }

    private VerifyReport verify(boolean strict) throws Exception {
        return verify(dir.resolve("out").toString(), Map.of(), strict);
    }

    private List<Path> files() {
        return Datasets.files(dataset, ".parquet");
    }

    @Test
    void healthyDatasetIsCoveredExactlyOnce() throws Exception {
        VerifyReport r = verify(true);
        assertThat(r.problems()).isEmpty();
        assertThat(r.ownRows()).isEqualTo(N);
        assertThat(r.coveredFirst()).isEqualTo(r.queueFirstIndex());
        assertThat(r.coveredLast()).isEqualTo(r.queueLastIndex()).isEqualTo(r.checkpoint());
        assertThat(r.partitions()).extracting(PartitionStats::rows).containsExactly((long) N);
        assertThat(r.partitions().get(0).bytes()).isEqualTo(files().stream().mapToLong(p -> p.toFile().length()).sum());
        assertThat(String.join("\n", r.render())).contains("3 of this queue (3,000 rows)").contains("exactly once").endsWith("OK");
        assertThat(r.schemaVersions()).singleElement().satisfies(v -> {
            assertThat(v.version()).isEqualTo(1);
            assertThat(v.files()).isEqualTo(3);
            assertThat(v.firstIndex()).isEqualTo(r.queueFirstIndex());
            assertThat(v.lastIndex()).isEqualTo(r.queueLastIndex());
        });
    }

    @Test
    void listsTheSchemaVersionsOfTheFilesWithTheirIndexRangesAndIsNotBotheredBySeveral() throws Exception {
        // The queue's schema changes in place (a nullable field added): the next records are of version 2.
        Schema v2 = Schema.parse(AllTypes.YAML.replace("version: 1", "version: 2") + "  - {name: venue, type: int32, nullable: true}\n", "v2");
        long lastOfV1;
        try (QueueReader q = QueueReader.open(dir.resolve("queue"))) {
            lastOfV1 = q.lastIndex();
        }
        try (Recorder rec = Recorder.open(dir.resolve("queue"), v2, ConverterFixtures.REC); RecordWriter w = rec.newWriter()) {
            for (long i = N; i < N + 500; i++) {
                w.begin();
                w.setLong(v2.field("seq"), i);
                w.setInt(v2.field("venue"), 7);
                assertThat(w.commit()).isEqualTo(RecordWriter.OK);
            }
        }
        ConverterService.run(config(dir.resolve("out").toString(), "test", "state", 1000, ""), true);

        VerifyReport r = verify(true);
        assertThat(r.problems()).isEmpty();
        assertThat(r.schemaVersions()).extracting(SchemaVersionStats::version).containsExactly(1, 2);
        SchemaVersionStats first = r.schemaVersions().get(0);
        SchemaVersionStats second = r.schemaVersions().get(1);
        assertThat(first.files()).isEqualTo(3);
        assertThat(first.rows()).isEqualTo(N);
        assertThat(first.firstIndex()).isEqualTo(r.queueFirstIndex());
        assertThat(first.lastIndex()).isEqualTo(lastOfV1);
        assertThat(second.files()).isEqualTo(1);
        assertThat(second.rows()).isEqualTo(500);
        assertThat(second.firstIndex()).isGreaterThan(lastOfV1);
        assertThat(second.lastIndex()).isEqualTo(r.queueLastIndex());
        assertThat(second.fingerprint()).isEqualTo(v2.fingerprintHex()).isNotEqualTo(first.fingerprint());
        assertThat(String.join("\n", r.render())).contains("schema:     v1 (fingerprint " + first.fingerprint() + "): 3 file(s), indexes "
                + first.firstIndex() + " to " + first.lastIndex() + ", 3,000 rows")
                .contains("schema:     v2 (fingerprint " + v2.fingerprintHex() + "): 1 file(s), indexes " + second.firstIndex() + " to "
                        + second.lastIndex() + ", 500 rows").endsWith("OK");
    }

    @Test
    void aMissingFileIsAGapNamingTheFilesAroundIt() throws Exception {
        Files.delete(files().get(1));
        VerifyReport r = verify(false);
        assertThat(r.ok()).isFalse();
        assertThat(r.firstProblem().kind()).isEqualTo(Problem.Kind.GAP);
        assertThat(r.firstProblem().message()).startsWith("1,000 records after index").contains(files().get(0).getFileName().toString())
                .contains(files().get(1).getFileName().toString());
        assertThat(r.problems()).hasSize(1);
    }

    @Test
    void aMissingLastFileIsAGapUpToTheCheckpoint() throws Exception {
        Files.delete(files().get(2));
        VerifyReport r = verify(false);
        assertThat(r.firstProblem().kind()).isEqualTo(Problem.Kind.GAP);
        assertThat(r.firstProblem().message()).startsWith("1,000 records after index").contains("up to the checkpoint's index " + r.checkpoint());
    }

    @Test
    void aFileWhoseRangeCrossesOthersIsAnOverlap() throws Exception {
        // The same queue converted again with other rotation: its second file covers records 1500..2999.
        ConverterService.run(config(dir.resolve("out2").toString(), "test", "state2", 1500, ""), true);
        Path crossing = Datasets.files(dir.resolve("out2/all_types"), ".parquet").get(1);
        Files.copy(crossing, files().get(0).resolveSibling(crossing.getFileName()));
        VerifyReport r = verify(false);
        assertThat(r.firstProblem().kind()).isEqualTo(Problem.Kind.OVERLAP);
        assertThat(r.firstProblem().message()).contains("(500 records) are in two files").contains(crossing.getFileName().toString());
        assertThat(r.problems()).extracting(Problem::kind).containsOnly(Problem.Kind.OVERLAP);
    }

    @Test
    void strayFilesAreProblemsForeignAndInProgressOnlyWhenStrict() throws Exception {
        Path partition = files().get(0).getParent();
        // Another source's files of the same queue, and an in-progress file: listed, not problems.
        ConverterService.run(config(dir.resolve("out").toString(), "other", "state-other", 5000, ""), true);
        Files.write(partition.resolve("." + files().get(0).getFileName() + ".inprogress"), new byte[10]);
        VerifyReport lenient = verify(false);
        assertThat(lenient.problems()).isEmpty();
        assertThat(lenient.files(DatasetFile.Kind.FOREIGN)).singleElement().extracting(DatasetFile::source).isEqualTo("other");
        assertThat(lenient.files(DatasetFile.Kind.IN_PROGRESS)).hasSize(1);
        assertThat(lenient.partitions().get(0).rows()).isEqualTo(2L * N);
        assertThat(lenient.partitions().get(0).ownFiles()).isEqualTo(3);
        VerifyReport strict = verify(true);
        assertThat(strict.problems()).extracting(Problem::kind).containsExactlyInAnyOrder(Problem.Kind.FOREIGN, Problem.Kind.IN_PROGRESS);

        // A copy under a name no converter writes: readers would count its rows twice.
        Files.copy(files().get(0), partition.resolve("part-test-copy.parquet"));
        VerifyReport stray = verify(false);
        assertThat(stray.firstProblem().kind()).isEqualTo(Problem.Kind.STRAY);
        assertThat(stray.firstProblem().message()).contains("part-test-copy.parquet");
        assertThat(String.join("\n", stray.render())).contains("stray:").contains("FAILED: 1 problem(s)");
    }

    @Test
    void worksOnAHadoopFileSystemUri() throws Exception {
        Map<String, String> hadoop = Map.of("fs.objstore.impl", LocalObjectStoreFileSystem.class.getName(), "fs.objstore.impl.disable.cache",
                "true");
        ConverterService.run(config("objstore://" + dir.resolve("store"), "test", "state-store", 1000,
                "hadoop: {fs.objstore.impl: " + LocalObjectStoreFileSystem.class.getName() + ", fs.objstore.impl.disable.cache: 'true'}\n"), true);
        VerifyReport r;
        try (QueueReader q = QueueReader.open(dir.resolve("queue"))) {
            Output out = Output.open("objstore://" + dir.resolve("store"), "all_types", hadoop, false);
            r = DatasetVerifier.verify(out.fs(), out.conf(), out.datasetDir(), "test", q, Checkpoint.readIn(dir.resolve("state-store")), true);
        }
        assertThat(r.problems()).isEmpty();
        assertThat(r.dataset()).startsWith("objstore:");
        assertThat(r.ownRows()).isEqualTo(N);
        Files.delete(Datasets.files(dir.resolve("store/all_types"), ".parquet").get(1));
        try (QueueReader q = QueueReader.open(dir.resolve("queue"))) {
            Output out = Output.open("objstore://" + dir.resolve("store"), "all_types", hadoop, false);
            r = DatasetVerifier.verify(out.fs(), out.conf(), out.datasetDir(), "test", q, Checkpoint.readIn(dir.resolve("state-store")), true);
        }
        assertThat(r.firstProblem().kind()).isEqualTo(Problem.Kind.GAP);
    }
}
