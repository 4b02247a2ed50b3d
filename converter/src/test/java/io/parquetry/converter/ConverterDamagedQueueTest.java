package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.config;
import static io.parquetry.converter.ConverterFixtures.recordAllTypes;
import static io.parquetry.converter.ConverterFixtures.recordVariableTypes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.QueueSchemaStore;
import io.parquetry.reader.DamagedRange;
import io.parquetry.status.ConverterState;
import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusSnapshot;
import io.parquetry.testing.DamagedQueues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged queue is never skipped silently and never yields a torn row: the converter commits what precedes the
 * damage and stops naming the file and the last good index; only after an operator accepts the damaged range does it
 * move past it, recording the range. Every record is counted through DuckDB.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConverterDamagedQueueTest {

    @TempDir
    Path dir;

    private Path dataset() {
        return dir.resolve("out/all_types");
    }

    private Path cycleFile() {
        List<Path> files = DamagedQueues.cycleFiles(dir.resolve("queue"));
        assertThat(files).hasSize(1);
        return files.get(0);
    }

    @Test
    void aTruncatedCycleCommitsWhatPrecedesTheDamageNoTornRowAndStopsNamingIt() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 50_000);
        Path cycle = cycleFile();
        List<Long> positions = DamagedQueues.recordPositions(cycle);
        int cut = 31_234;
        DamagedQueues.truncate(cycle, positions.get(cut) + 20); // mid-record: header and part of the record survive
        long sizeBefore = Files.size(cycle);

        ConverterConfig cfg = config(dir, "rotation: {maxRows: 10000}\n");
        IllegalStateException stop = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ConverterService.run(cfg, true));
        assertThat(stop.getMessage()).contains("file=" + cycle).contains("truncated").contains("lastGoodIndex=").contains("skip-damaged");
        assertThat(Files.size(cycle)).as("the converter never writes into the queue").isEqualTo(sizeBefore);
        // Every record before the damage is committed, once; the torn one is not.
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dataset()))).isEqualTo(cut);
        assertThat(Datasets.queryLong("SELECT count(DISTINCT seq) FROM " + Datasets.scan(dataset()))).isEqualTo(cut);
        assertThat(Datasets.queryLong("SELECT max(seq) FROM " + Datasets.scan(dataset()))).isEqualTo(cut - 1);
        assertThat(Datasets.files(dir.resolve("out"), ".inprogress")).isEmpty();
        try (StatusFile s = StatusFile.open(cfg.statusFile(), false)) {
            StatusSnapshot snap = s.snapshot();
            assertThat(ConverterState.decode(snap.value(ConverterStatusDescriptor.STATE))).isEqualTo(ConverterState.FAILED);
            assertThat(snap.text(ConverterStatusDescriptor.TEXT_LAST_ERROR)).contains("truncated");
            assertThat(snap.value(ConverterStatusDescriptor.ROTATIONS_DAMAGE)).isEqualTo(1);
        }
        // Nothing after the damage can be read yet: accepting it is refused, saying so, and nothing is recorded.
        long from = Long.parseLong(stop.getMessage().replaceAll(".*--from (\\d+).*", "$1"));
        assertThatThrownBy(() -> AcceptedDamage.accept(cfg, from)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nothing after the damage can be read yet");
        assertThat(cfg.stateDir().resolve(AcceptedDamage.FILE_NAME)).doesNotExist();
    }

    /**
     * Records of varying length: a cycle cut short in the middle of one commits exactly the records before it; a record
     * whose value end points past it (its checksum matching, so only the values' check sees it) stops the converter
     * with its one-line message and never becomes a row.
     */
    @Test
    void variableRecordsDamagedCommitWhatPrecedesTheDamageAndStopNamingIt() throws Exception {
        recordVariableTypes(dir.resolve("queue"), 0, 20_000);
        Path cycle = cycleFile();
        List<Long> positions = DamagedQueues.recordPositions(cycle);
        int bad = 12_345;
        long at = positions.get(bad);
        int excerpt = DamagedQueues.getInt(cycle, at) & io.parquetry.queue.CycleFileDescriptor.LENGTH_MASK;
        Path queue = dir.resolve("queue");
        ExcerptFormat format = ExcerptFormat.of(QueueSchemaStore.layoutVersion(queue), QueueSchemaStore.read(queue));
        int recordLength = format.recordLengthIn(excerpt);
        io.parquetry.schema.Field msg = io.parquetry.testing.AllTypes.withVariableFields().msg;
        long body = at + io.parquetry.queue.CycleFileDescriptor.HEADER_LENGTH;
        DamagedQueues.putInt(cycle, body + msg.offset(), recordLength + 1);
        // The checksum covers the record and what its layout puts after it under the checksum (layout 4: its schema version).
        int checked = format.checkedLengthIn(excerpt);
        byte[] rec = DamagedQueues.read(cycle, body, checked);
        DamagedQueues.putInt(cycle, body + checked, ExcerptFormat.checksum(new java.util.zip.CRC32C(), rec, 0, checked));
        long sizeBefore = Files.size(cycle);

        ConverterConfig cfg = config(dir, "rotation: {maxRows: 5000}\n");
        IllegalStateException stop = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ConverterService.run(cfg, true));
        assertThat(stop.getMessage()).contains("file=" + cycle).contains("variable values are not well formed")
                .contains("field msg ends at " + (recordLength + 1)).contains("skip-damaged").doesNotContain("\n");
        assertThat(Files.size(cycle)).as("the converter never writes into the queue").isEqualTo(sizeBefore);
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dataset()))).isEqualTo(bad);
        assertThat(Datasets.queryLong("SELECT count(DISTINCT seq) FROM " + Datasets.scan(dataset()))).isEqualTo(bad);
        assertThat(Datasets.queryLong("SELECT max(seq) FROM " + Datasets.scan(dataset()))).isEqualTo(bad - 1);
        assertThat(Datasets.files(dir.resolve("out"), ".inprogress")).isEmpty();
    }

    @Test
    void variableRecordsInACycleCutShortCommitOnlyWholeRecords() throws Exception {
        recordVariableTypes(dir.resolve("queue"), 0, 20_000);
        Path cycle = cycleFile();
        List<Long> positions = DamagedQueues.recordPositions(cycle);
        int cut = 15_001;
        DamagedQueues.truncate(cycle, positions.get(cut) + 30); // mid-record
        ConverterConfig cfg = config(dir, "rotation: {maxRows: 5000}\n");
        IllegalStateException stop = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ConverterService.run(cfg, true));
        assertThat(stop.getMessage()).contains("file=" + cycle).contains("truncated").doesNotContain("\n");
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dataset()))).isEqualTo(cut);
        assertThat(Datasets.queryLong("SELECT count(DISTINCT seq) FROM " + Datasets.scan(dataset()))).isEqualTo(cut);
        assertThat(Datasets.queryLong("SELECT sum(strlen(msg)) FROM " + Datasets.scan(dataset())))
                .isEqualTo(java.util.stream.LongStream.range(0, cut).map(s -> io.parquetry.testing.AllTypes.message(s).length()).sum());
    }

    @Test
    void aZeroedRangeIsSkippedOnlyOnceAnOperatorAcceptsItAndTheRangeIsRecorded() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 20_000);
        Path cycle = cycleFile();
        List<Long> positions = DamagedQueues.recordPositions(cycle);
        DamagedQueues.zero(cycle, positions.get(5_000), positions.get(5_003)); // three records zeroed in the middle
        ConverterConfig cfg = config(dir, "rotation: {maxRows: 2000}\n");

        IllegalStateException stop = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ConverterService.run(cfg, true));
        assertThat(stop.getMessage()).contains("zero").contains("file=" + cycle);
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dataset()))).isEqualTo(5_000);
        // Nothing moves past it by itself: a second run stops at the same place and commits nothing more.
        assertThatThrownBy(() -> ConverterService.run(cfg, true)).isInstanceOf(IllegalStateException.class);
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dataset()))).isEqualTo(5_000);

        long from = Long.parseLong(stop.getMessage().replaceAll(".*--from (\\d+).*", "$1"));
        assertThatThrownBy(() -> AcceptedDamage.accept(cfg, from + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("from=" + (from + 1)).hasMessageContaining("damage starts at=" + from);
        DamagedRange range = AcceptedDamage.accept(cfg, from);
        assertThat(range.skippedRecords()).isGreaterThanOrEqualTo(3);

        ConversionResult r = ConverterService.run(cfg, true);
        long kept = 20_000 - range.skippedRecords();
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dataset()))).isEqualTo(kept);
        assertThat(Datasets.queryLong("SELECT count(DISTINCT seq) FROM " + Datasets.scan(dataset()))).isEqualTo(kept);
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dataset()) + " WHERE seq >= 5000 AND seq < "
                + (5000 + range.skippedRecords()))).as("the skipped records").isZero();
        assertThat(r.rowsWritten()).isEqualTo(kept - 5_000);
        assertThat(Files.readString(cfg.stateDir().resolve("quarantine.log"))).contains("skipped damaged range").contains("indexes " + from);
        try (StatusFile s = StatusFile.open(cfg.statusFile(), false)) {
            assertThat(s.snapshot().value(ConverterStatusDescriptor.SKIPPED_RECORDS)).isEqualTo(range.skippedRecords());
        }
        // The dataset verifies: the one gap is the range an operator accepted to lose, said as a note, not a problem.
        org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.getLocal(new org.apache.hadoop.conf.Configuration()).getRaw();
        try (io.parquetry.reader.QueueReader q = io.parquetry.reader.QueueReader.open(dir.resolve("queue"))) {
            io.parquetry.converter.verify.VerifyReport report = io.parquetry.converter.verify.DatasetVerifier.verify(fs, fs.getConf(),
                    new org.apache.hadoop.fs.Path(dataset().toUri()), "test", q, new Checkpoint(cfg.stateDir()).read(), false,
                    AcceptedDamage.ranges(cfg.stateDir()));
            assertThat(report.problems()).isEmpty();
            assertThat(report.notes()).anyMatch(n -> n.contains("accepted to lose"));
        }
    }
}
