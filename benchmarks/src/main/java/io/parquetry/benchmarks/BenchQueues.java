package io.parquetry.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Scratch queue directories for benchmarks, removed afterwards (the disk is shared and finite). */
final class BenchQueues {

    private BenchQueues() {
    }

    static Path create(String prefix) throws IOException {
        Path base = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));
        return Files.createTempDirectory(base, prefix);
    }

    static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        org.apache.commons.io.file.PathUtils.deleteDirectory(dir);
    }
}
