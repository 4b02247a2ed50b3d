package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.status.StatusFile;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The object-store commit path (direct, no rename) against a local FileSystem that behaves like one. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConverterObjectStoreTest {

    @TempDir
    Path dir;

    @AfterEach
    void reset() {
        LocalObjectStoreFileSystem.FAIL_UPLOAD.set(0);
    }

    private ConverterConfig config(String commitMode) {
        return ConverterConfig.parse("queue: " + dir.resolve("queue") + "\noutput: objstore://" + dir.resolve("out") + "\nsource: s3\n"
                + "rotation: {maxRows: 1000}\n" + (commitMode == null ? "" : "commitMode: " + commitMode + "\n")
                + "hadoop: {fs.objstore.impl: " + LocalObjectStoreFileSystem.class.getName() + ", fs.objstore.impl.disable.cache: 'true'}\n",
                "objstore.yaml", ConverterConfig.Overrides.none());
    }

    @Test
    void autoChoosesDirectCommitForObjectStoreSchemes() {
        assertThat(ConverterConfig.CommitMode.forOutput("s3a://bucket/data")).isEqualTo(ConverterConfig.CommitMode.DIRECT);
        assertThat(ConverterConfig.CommitMode.forOutput("gs://bucket/data")).isEqualTo(ConverterConfig.CommitMode.DIRECT);
        assertThat(ConverterConfig.CommitMode.forOutput("hdfs://nn:8020/data")).isEqualTo(ConverterConfig.CommitMode.RENAME);
        assertThat(ConverterConfig.CommitMode.forOutput("/var/lib/parquetry/datasets")).isEqualTo(ConverterConfig.CommitMode.RENAME);
        assertThatThrownBy(() -> ConverterConfig.parse("queue: /q\noutput: /o\ncommitMode: atomic\n", "c.yaml",
                ConverterConfig.Overrides.none())).hasMessageContaining("commitMode=atomic");
    }

    @Test
    void directCommitNeverRenamesAndConvertsExactlyOnce() {
        recordAllTypes(dir.resolve("queue"), 0, 3500);
        int before = LocalObjectStoreFileSystem.RENAMES.get();
        int uploads = LocalObjectStoreFileSystem.UPLOADS.get();
        ConversionResult c = ConverterService.run(config("direct"), true);
        assertThat(LocalObjectStoreFileSystem.UPLOADS.get() - uploads).as("the parts went through the object store").isGreaterThanOrEqualTo(4);
        assertThat(c.filesCommitted()).isEqualTo(4);
        assertThat(LocalObjectStoreFileSystem.RENAMES.get()).as("no rename on an object store").isEqualTo(before);
        ConverterFixtures.assertExactlyOnce(dir.resolve("out/all_types"), 3500);
        assertThat(Datasets.files(dir.resolve("out"), ".inprogress")).isEmpty();
    }

    @Test
    void failedUploadPublishesNothingAndTheConverterRetriesUntilEveryRecordIsCommittedOnce() {
        recordAllTypes(dir.resolve("queue"), 0, 3500);
        // The third file's upload fails part-way: the part is aborted, no partial object is visible, and the converter
        // retries from its checkpoint instead of stopping.
        // Uploads in order: the writability probe, the output lease, then the parts: +5 is the third part.
        LocalObjectStoreFileSystem.FAIL_UPLOAD.set(LocalObjectStoreFileSystem.UPLOADS.get() + 5);
        ConverterConfig cfg = config(null);
        assertThat(cfg.commitMode()).isEqualTo(ConverterConfig.CommitMode.RENAME); // objstore is not a known store name...
        ConverterConfig direct = config("direct"); // ...so this test says direct, as auto would for s3a:
        ConversionResult c = ConverterService.run(direct, true);
        assertThat(c.outputFailures()).as("the failed upload was retried").isEqualTo(1);
        assertThat(c.filesCommitted()).isEqualTo(4);
        for (Path f : Datasets.files(dir.resolve("out"), ".parquet")) {
            assertThat(Datasets.parquetRowCount(f)).as("a visible object is a whole file: %s", f).isIn(1000L, 500L);
        }
        ConverterFixtures.assertExactlyOnce(dir.resolve("out/all_types"), 3500);
        try (StatusFile status = StatusFile.open(direct.statusFile(), false)) {
            assertThat(status.snapshot().text(ConverterStatusDescriptor.TEXT_LAST_ERROR)).contains("Parquet file: file=objstore:")
                    .contains("simulated object store failure");
        }
    }
}
