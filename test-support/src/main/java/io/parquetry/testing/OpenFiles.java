package io.parquetry.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What this process holds open, for tests that a closed component let go of its files (Linux /proc). */
public final class OpenFiles {

    private OpenFiles() {
    }

    /** This process's open file descriptors that point under {@code root}. */
    public static List<Path> under(Path root) throws Exception {
        Path real = root.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd);
                } catch (Exception gone) {
                    return null;
                }
            }).filter(p -> p != null && p.startsWith(real)).toList();
        }
    }
}
