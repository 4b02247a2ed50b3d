package io.parquetry.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.converter.LocalObjectStoreFileSystem;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.io.OutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file IO of every catalog the sink opens. That its syncs make a table survive power cuts is shown by
 * {@link IcebergPowerCutTest}; here what it refuses and what it lets through.
 */
class SyncingHadoopFileIOTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theRawLocalFileSystemWritesTheFileInDirectoriesItCreates() throws Exception {
        SyncingHadoopFileIO io = new SyncingHadoopFileIO(TableFixtures.localConf());
        Path file = dir.resolve("warehouse/ns/t/metadata/00001-x.metadata.json");
        OutputFile out = io.newOutputFile("file:" + file);
        try (OutputStream s = out.create()) {
            s.write(bytes("{\"format-version\": 2}"));
        }
        assertThat(Files.readString(file)).isEqualTo("{\"format-version\": 2}");
        assertThatThrownBy(out::create).as("create refuses an existing file, as Iceberg's own does").isInstanceOf(AlreadyExistsException.class);
        try (OutputStream s = out.createOrOverwrite()) {
            s.write(bytes("{}"));
        }
        assertThat(Files.readString(file)).isEqualTo("{}");
        assertThat(out.toInputFile().getLength()).isEqualTo(2);
    }

    @Test
    void aLocalFileSystemWhoseStreamsCannotSyncIsRefusedNamingTheFile() {
        Configuration checksumming = new Configuration(); // Hadoop's default file: is the checksumming LocalFileSystem
        checksumming.setBoolean("fs.file.impl.disable.cache", true);
        SyncingHadoopFileIO io = new SyncingHadoopFileIO(checksumming);
        Path file = dir.resolve("metadata/snap-1.avro");
        assertThatThrownBy(() -> io.newOutputFile("file:" + file).createOrOverwrite()).isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot make the table's files durable: this local file system's streams cannot hsync: file=file:" + file
                        + ", file system=org.apache.hadoop.fs.LocalFileSystem (use the raw local file system: fs.file.impl="
                        + "org.apache.hadoop.fs.RawLocalFileSystem, as the converter does)");
        assertThat(file).doesNotExist();
    }

    @Test
    void anObjectStoreThatCannotSyncIsWrittenAndItsUploadAtCloseIsTheDurability() throws Exception {
        Configuration conf = TableFixtures.localConf();
        conf.set("fs.objstore.impl", LocalObjectStoreFileSystem.class.getName());
        conf.setBoolean("fs.objstore.impl.disable.cache", true);
        SyncingHadoopFileIO io = new SyncingHadoopFileIO(conf);
        Path file = dir.resolve("bucket/t/metadata/snap-1.avro");
        try (OutputStream s = io.newOutputFile("objstore://" + file).create()) {
            s.write(bytes("manifest list"));
            assertThat(file).as("not visible before the upload completes").doesNotExist();
        }
        assertThat(Files.readString(file)).isEqualTo("manifest list");
    }
}
