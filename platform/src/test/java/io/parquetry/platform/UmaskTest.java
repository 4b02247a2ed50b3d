package io.parquetry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UmaskTest {

    @Test
    void readsTheMaskLinuxPublishes() {
        assertThat(Umask.parse("Name:\tjava\nUmask:\t0027\nState:\tR (running)\n")).hasValue(0027);
        assertThat(Umask.parse("Name:\tjava\n")).isEmpty();
        assertThat(Umask.octal(0027)).isEqualTo("027");
        assertThat(Umask.octal(02)).isEqualTo("002");
    }

    @Test
    void agreesWithTheModeOfANewFile(@TempDir Path dir) throws Exception {
        // A file created with the default mode (0666) gets 0666 & ~umask: the mask must explain exactly that.
        Set<PosixFilePermission> got = Files.getPosixFilePermissions(Files.createFile(dir.resolve("f")));
        int mode = 0;
        for (PosixFilePermission p : got) {
            mode |= 1 << (8 - p.ordinal());
        }
        assertThat(Umask.current().orElseThrow() & 0666).isEqualTo(0666 & ~mode);
    }
}
