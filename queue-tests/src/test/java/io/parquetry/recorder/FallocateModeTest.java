package io.parquetry.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cycle file the disk guard pre-creates becomes one of the queue's cycle files when a writer rolls into it, so its
 * mode must follow the umask like the files Chronicle creates itself: under umask 0002 both are rw-rw-r--.
 */
class FallocateModeTest {

    /** Child main: creates {@code <dir>/reserved} through {@link Fallocate} and {@code <dir>/plain} through the JDK. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Fallocate f = Fallocate.load();
        int fd = f.open(dir.resolve("reserved"), true);
        f.close(fd);
        Files.createFile(dir.resolve("plain"));
    }

    @Test
    void aFileItCreatesFollowsTheUmaskLikeChroniclesOwn(@TempDir Path dir) throws Exception {
        List<String> java = ChildJvm.command("-Xmx64m", FallocateModeTest.class, dir.toString());
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "umask 0002 && exec \"$@\"", "sh"));
        cmd.addAll(java);
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("plain")))).isEqualTo("rw-rw-r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("reserved")))).isEqualTo("rw-rw-r--");
    }
}
