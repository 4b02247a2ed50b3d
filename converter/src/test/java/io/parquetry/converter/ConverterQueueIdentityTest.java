package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.converter.output.FooterKeys;
import io.parquetry.queue.QueueDirectory;
import io.parquetry.queue.QueueIdentity;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.apache.commons.io.file.PathUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A queue's identity keeps the files of a deleted and re-created queue (whose indexes restart at the same numbers) apart
 * from the old queue's, and recovery adopts only files of its own queue. Every count is checked through DuckDB.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConverterQueueIdentityTest {

    @TempDir
    Path dir;

    private ConverterConfig config(String extra) {
        return ConverterConfig.parse("queue: " + dir.resolve("queue") + "\noutput: " + dir.resolve("out") + "\nsource: h1\n" + extra, "test.yaml",
                ConverterConfig.Overrides.none());
    }

    private Path dataset() {
        return dir.resolve("out/all_types");
    }

    @Test
    void queueRecreatedUnderTheSameSourceKeepsBothQueuesRecordsExactlyOnce() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 3000);
        ConverterService.run(config(""), true);
        String firstId = ConverterFixtures.queueIdentity(dir.resolve("queue")).id();
        PathUtils.deleteDirectory(dir.resolve("queue")); // the default state directory lives inside it and goes too
        recordAllTypes(dir.resolve("queue"), 10_000, 15_000);
        ConversionResult second = ConverterService.run(config(""), true);

        assertThat(second.rowsWritten()).as("the new queue's records are converted, not mistaken for the old queue's").isEqualTo(5000);
        String secondId = ConverterFixtures.queueIdentity(dir.resolve("queue")).id();
        assertThat(secondId).isNotEqualTo(firstId);
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dataset()))).isEqualTo(8000);
        assertThat(Datasets.queryLong("SELECT count(DISTINCT seq) FROM " + Datasets.scan(dataset()))).isEqualTo(8000);
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dataset()) + " WHERE seq < 3000")).isEqualTo(3000);
        List<Path> files = Datasets.files(dataset(), ".parquet");
        assertThat(files).hasSize(2);
        assertThat(files).extracting(f -> Datasets.footer(f).get(FooterKeys.QUEUE_ID)).containsExactlyInAnyOrder(firstId, secondId);
        assertThat(files).allMatch(f -> f.getFileName().toString().contains("-" + Datasets.footer(f).get(FooterKeys.QUEUE_ID) + "-"));
    }

    /**
     * A checkpoint counts for one dataset: the same queue and source pointed at a second output must not find its records
     * "already committed" and write nothing with exit 0.
     */
    @Test
    void stateDirectoryOfAnotherDatasetIsRefusedNamingBothAndItsOwnStateDirectoryConvertsEverything() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 2000);
        ConverterService.run(config(""), true);
        String second = "queue: " + dir.resolve("queue") + "\noutput: " + dir.resolve("out2") + "\nsource: h1\n";
        Path stateDir = dir.resolve("queue/converter-h1");
        assertThatThrownBy(() -> ConverterService.run(ConverterConfig.parse(second, "second.yaml", ConverterConfig.Overrides.none()), true))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("state directory " + stateDir)
                .hasMessageContaining("dataset=file:" + dataset()).hasMessageContaining("dataset=file:" + dir.resolve("out2/all_types"))
                .hasMessageContaining("--state-dir");
        assertThat(!java.nio.file.Files.exists(dir.resolve("out2")) || Datasets.files(dir.resolve("out2"), ".parquet").isEmpty()).isTrue();
        ConversionResult own = ConverterService.run(ConverterConfig.parse(second + "stateDir: " + dir.resolve("state2") + "\n", "second.yaml",
                ConverterConfig.Overrides.none()), true);
        assertThat(own.rowsWritten()).isEqualTo(2000);
        ConverterFixtures.assertExactlyOnce(dir.resolve("out2/all_types"), 2000);
        ConverterFixtures.assertExactlyOnce(dataset(), 2000);
        // The first converter goes on as before in its own dataset.
        recordAllTypes(dir.resolve("queue"), 2000, 2500);
        assertThat(ConverterService.run(config(""), true).rowsWritten()).isEqualTo(500);
        ConverterFixtures.assertExactlyOnce(dataset(), 2500);
    }

    @Test
    void stateDirectoryOfAnotherQueueIsRefusedNamingBothQueues() throws Exception {
        String extra = "stateDir: " + dir.resolve("state") + "\n";
        recordAllTypes(dir.resolve("queue"), 0, 100);
        ConverterService.run(config(extra), true);
        String firstId = ConverterFixtures.queueIdentity(dir.resolve("queue")).id();
        PathUtils.deleteDirectory(dir.resolve("queue"));
        recordAllTypes(dir.resolve("queue"), 0, 100);
        String secondId = ConverterFixtures.queueIdentity(dir.resolve("queue")).id();
        assertThatThrownBy(() -> Converter.open(config(extra))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("queue id=" + firstId).hasMessageContaining("queue id=" + secondId)
                .hasMessageContaining(dir.resolve("state/checkpoint").toString());
        assertThat(Datasets.files(dataset(), ".parquet")).hasSize(1);
    }

    @Test
    void queueFromBeforeIdentitiesGetsOneOnFirstOpenAndItsCheckpointStillCounts() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 3000);
        ConverterService.run(config("rotation: {maxRows: 1000}\n"), true);
        // Make it look as the previous version left it: no id in the schema file, old file names and footers, a version 1
        // checkpoint after the first file, the second and third files renamed but not yet checkpointed (a crash).
        List<Path> files = Datasets.files(dataset(), ".parquet");
        assertThat(files).hasSize(3);
        long firstLast = Long.parseLong(Datasets.footer(files.get(0)).get(FooterKeys.LAST_INDEX));
        makeLegacy(files);
        writeVersion1Checkpoint(config("").stateDir(), firstLast);

        ConversionResult c = ConverterService.run(config("rotation: {maxRows: 1000}\n"), true);
        assertThat(c.rowsWritten()).as("the renamed-but-not-checkpointed files are adopted, not converted again").isZero();
        QueueIdentity id = ConverterFixtures.queueIdentity(dir.resolve("queue"));
        assertThat(id.assignedLater()).isTrue();
        assertThat(Files.readString(dir.resolve("queue").resolve(QueueDirectory.SCHEMA_FILE))).contains("# queue-id: " + id.id())
                .contains("# queue-id-assigned: ");
        recordAllTypes(dir.resolve("queue"), 3000, 3500);
        ConverterService.run(config(""), true);
        ConverterFixtures.assertExactlyOnce(dataset(), 3500);
        assertThat(Datasets.files(dataset(), ".parquet")).filteredOn(f -> f.getFileName().toString().contains("-" + id.id() + "-")).hasSize(1);
    }

    @Test
    void oldStyleFileWithoutAnyCheckpointIsAmbiguousAndRefused() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 1000);
        ConverterService.run(config(""), true);
        List<Path> files = Datasets.files(dataset(), ".parquet");
        makeLegacy(files);
        Files.delete(config("").stateDir().resolve("checkpoint"));
        Path legacy = Datasets.files(dataset(), ".parquet").get(0);
        assertThatThrownBy(() -> Converter.open(config(""))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot tell whether a file written before queue identities holds this queue's records")
                .hasMessageContaining(legacy.getFileName().toString()).hasMessageContaining("checkpoint=none");
        assertThat(Datasets.files(dataset(), ".parquet")).hasSize(1);
    }

    @Test
    void oldStyleFileOfAnotherQueueDirectoryIsLeftAloneAndTheQueueConvertedUnderItsOwnNames() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 1000);
        ConverterService.run(config(""), true);
        makeLegacy(Datasets.files(dataset(), ".parquet"));
        // The old file says it came from another queue directory: this queue has converted nothing yet.
        Path legacy = Datasets.files(dataset(), ".parquet").get(0);
        rewriteFooter(legacy, legacy, Map.of(FooterKeys.QUEUE, "/somewhere/else"));
        Files.delete(config("").stateDir().resolve("checkpoint"));
        ConversionResult c = ConverterService.run(config(""), true);
        assertThat(c.rowsWritten()).isEqualTo(1000);
        assertThat(Datasets.files(dataset(), ".parquet")).hasSize(2).contains(legacy);
    }

    /** Strips the queue id from the schema file and gives every file its old name and a footer without the id. */
    private void makeLegacy(List<Path> files) throws Exception {
        Path schemaFile = dir.resolve("queue").resolve(QueueDirectory.SCHEMA_FILE);
        Files.writeString(schemaFile, Files.readString(schemaFile).replaceAll("(?m)^# queue-(id|created): .*\\n", ""));
        for (Path f : files) {
            String legacyName = f.getFileName().toString().replaceFirst("-[0-9a-f]{16}-", "-");
            Map<String, String> drop = new HashMap<>();
            drop.put(FooterKeys.QUEUE_ID, null);
            rewriteFooter(f, f.resolveSibling(legacyName), drop);
            Files.delete(f);
        }
    }

    /** Copies a Parquet file's row groups into {@code target} with footer entries changed (null removes one). */
    private static void rewriteFooter(Path source, Path target, Map<String, String> changes) throws Exception {
        Configuration conf = new Configuration();
        Map<String, String> kv;
        org.apache.parquet.schema.MessageType schema;
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(source.toUri()), conf),
                ParquetReadOptions.builder().build())) {
            kv = new HashMap<>(r.getFooter().getFileMetaData().getKeyValueMetaData());
            schema = r.getFooter().getFileMetaData().getSchema();
        }
        changes.forEach((k, v) -> {
            if (v == null) {
                kv.remove(k);
            } else {
                kv.put(k, v);
            }
        });
        Path tmp = target.resolveSibling(target.getFileName() + ".rewrite");
        ParquetFileWriter w = new ParquetFileWriter(HadoopOutputFile.fromPath(new org.apache.hadoop.fs.Path(tmp.toUri()), conf), schema,
                ParquetFileWriter.Mode.CREATE, 128L << 20, 0, null, org.apache.parquet.column.ParquetProperties.builder().build());
        w.start();
        w.appendFile(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(source.toUri()), conf));
        w.end(kv);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(tmp.resolveSibling("." + tmp.getFileName() + ".crc"));
    }

    private static void writeVersion1Checkpoint(Path stateDir, long last) throws Exception {
        ByteBuffer bb = ByteBuffer.allocate(Checkpoint.V1_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0, Checkpoint.MAGIC).putInt(4, 1).putLong(8, last).putLong(16, System.currentTimeMillis());
        CRC32 crc = new CRC32();
        crc.update(bb.array(), 0, 24);
        bb.putInt(24, (int) crc.getValue());
        Files.write(stateDir.resolve("checkpoint"), bb.array());
    }
}
