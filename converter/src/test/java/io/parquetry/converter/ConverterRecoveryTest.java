package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.config;
import static io.parquetry.converter.ConverterFixtures.recordAllTypes;
import static io.parquetry.converter.ConverterFixtures.assertExactlyOnce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each step of the commit protocol interrupted, simulated on disk, and recovered from. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConverterRecoveryTest {

    @TempDir
    Path dir;

    private Path dataset() {
        return dir.resolve("out/all_types");
    }

    @Test
    void crashAfterRenameBeforeCheckpointAdoptsTheCommittedFile() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 3000);
        ConverterService.run(config(dir, "rotation: {maxRows: 1000}\n"), true);
        Path cp = dir.resolve("queue/converter-test/checkpoint");
        // Put back the checkpoint as it was after the first file: files two and three look "renamed, not checkpointed".
        ConverterConfig cfg = config(dir, "");
        long firstLast = Datasets.ranges(dataset()).get(0)[1];
        new Checkpoint(cfg.stateDir()).write(firstLast, new Checkpoint(cfg.stateDir()).read().queueId(),
                Datasets.lastRecordChecksum(dataset(), 0));
        recordAllTypes(dir.resolve("queue"), 3000, 3100);
        ConversionResult c = ConverterService.run(config(dir, "rotation: {maxRows: 1000}\n"), true);
        assertThat(c.rowsWritten()).isEqualTo(100);
        assertExactlyOnce(dataset(), 3100);
        assertThat(new Checkpoint(cfg.stateDir()).read().lastCommitted()).isEqualTo(Datasets.ranges(dataset()).get(3)[1]);
        assertThat(Files.exists(cp)).isTrue();
    }

    @Test
    void lostCheckpointIsRebuiltFromCommittedFiles() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 2000);
        ConverterService.run(config(dir, "rotation: {maxRows: 700}\n"), true);
        Files.delete(dir.resolve("queue/converter-test/checkpoint"));
        ConversionResult c = ConverterService.run(config(dir, ""), true);
        assertThat(c.rowsWritten()).isZero();
        assertExactlyOnce(dataset(), 2000);
    }

    @Test
    void leftoverInProgressFilesAreDeletedAndTheirRecordsConvertedAgain() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 500);
        ConverterService.run(config(dir, ""), true);
        Path committed = Datasets.files(dataset(), ".parquet").get(0);
        // A crash before rename: the hidden file is there, no checkpoint moved.
        Path hidden = committed.resolveSibling("." + committed.getFileName() + ".inprogress");
        Files.move(committed, hidden, StandardCopyOption.ATOMIC_MOVE);
        Files.delete(dir.resolve("queue/converter-test/checkpoint"));
        // Another source's in-progress file must be left alone.
        Path foreign = committed.resolveSibling(".part-other-00000000000000000001.parquet.inprogress");
        Files.writeString(foreign, "not ours");
        ConverterService.run(config(dir, ""), true);
        assertThat(Files.exists(hidden)).isFalse();
        assertThat(Files.exists(foreign)).isTrue();
        assertExactlyOnce(dataset(), 500);
    }

    @Test
    void secondConverterOnTheSameStateIsRefused() {
        recordAllTypes(dir.resolve("queue"), 0, 10);
        Converter first = Converter.open(config(dir, ""));
        try {
            assertThatThrownBy(() -> Converter.open(config(dir, ""))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another converter is running").hasMessageContaining("pid=" + ProcessHandle.current().pid());
        } finally {
            first.close();
        }
    }

    @Test
    void checkpointWithUnknownVersionIsRefused() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 10);
        ConverterService.run(config(dir, ""), true);
        Path cp = dir.resolve("queue/converter-test/checkpoint");
        byte[] b = Files.readAllBytes(cp);
        b[4] = 9;
        Files.write(cp, b);
        assertThatThrownBy(() -> Converter.open(config(dir, ""))).hasMessageContaining("version=9").hasMessageContaining("supported=1")
                .hasMessageContaining(cp.toString());
        List<Path> files = Datasets.files(dataset(), ".parquet");
        assertThat(files).hasSize(1);
    }
}
