package io.parquetry.converter.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local output sets modes by system call: the modes Hadoop's umask asks for, for files and directories. */
class LocalOutputFileSystemTest {

    @TempDir
    Path dir;

    @Test
    void localOutputGoesThroughItAndNewFilesAndDirectoriesTakeTheUmask() throws Exception {
        Output output = Output.open(dir.toString(), "ds", Map.of("fs.permissions.umask-mode", "027"), false);
        FileSystem fs = output.fs();
        assertThat(fs).isInstanceOf(LocalOutputFileSystem.class);
        org.apache.hadoop.fs.Path sub = new org.apache.hadoop.fs.Path(output.datasetDir(), "dt=2026-11-21/hour=17");
        assertThat(fs.mkdirs(sub)).isTrue();
        fs.create(new org.apache.hadoop.fs.Path(sub, "f"), false).close();

        Path local = dir.resolve("ds/dt=2026-11-21/hour=17");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(local))).isEqualTo("rwxr-x---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(local.getParent()))).isEqualTo("rwxr-x---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(local.resolve("f")))).isEqualTo("rw-r-----");
    }

    @Test
    void everyModeBitIsSetAndAMissingPathIsFileNotFound() throws Exception {
        Output output = Output.open(dir.toString(), "ds", Map.of(), false);
        FileSystem fs = output.fs();
        Path f = Files.createFile(dir.resolve("f"));
        org.apache.hadoop.fs.Path hf = new org.apache.hadoop.fs.Path(f.toUri());
        for (int mode : new int[] {0, 0400, 0200, 0100, 040, 020, 010, 04, 02, 01, 0754, 0777}) {
            fs.setPermission(hf, new FsPermission((short) mode));
            assertThat(Files.getPosixFilePermissions(f)).as("mode %o", mode).isEqualTo(LocalOutputFileSystem.posix(mode));
            assertThat(fs.getFileStatus(hf).getPermission().toShort()).as("mode %o read back by Hadoop", mode).isEqualTo((short) mode);
        }
        assertThatThrownBy(() -> fs.setPermission(new org.apache.hadoop.fs.Path(dir.resolve("missing").toUri()), new FsPermission((short) 0644)))
                .isInstanceOf(FileNotFoundException.class).hasMessageContaining("missing");
    }

    @Test
    void aStickyBitStillReachesTheDirectory() throws Exception {
        Output output = Output.open(dir.toString(), "ds", Map.of(), false);
        Path d = Files.createDirectory(dir.resolve("shared"));
        output.fs().setPermission(new org.apache.hadoop.fs.Path(d.toUri()), new FsPermission((short) 01777));
        assertThat(output.fs().getFileStatus(new org.apache.hadoop.fs.Path(d.toUri())).getPermission().getStickyBit()).isTrue();
    }
}
