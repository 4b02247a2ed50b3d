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

    /**
     * Writes the dirty pages of every queue cycle file under {@code dirs} to disk, then lets the disk settle, so that no
     * measurement pays for the write-back of what was appended before it (write-back competes with a converter's fsync,
     * and interrupts a thread whose pages are being written back).
     */
    static void settle(Path... dirs) throws IOException, InterruptedException {
        for (Path dir : dirs) {
            try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(x -> x.toString().endsWith(".cq4")).toList()) {
                    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f)) {
                        ch.force(true);
                    }
                }
            }
        }
        Thread.sleep(500);
    }

    /**
     * Reads every queue cycle file under {@code dirs} once, so that its pages are in the page cache when a measurement
     * starts. This machine runs DAMON with a {@code pageout} scheme (kdamond: regions idle for about a second are paged
     * out, up to 128 MiB/s), so a queue written a minute ago is mostly back on disk, while DuckDB's input, an in-memory
     * table (anonymous memory, no swap), never is. A live converter reads records appended a moment ago: in memory.
     *
     * @return the bytes read
     */
    static long warm(Path... dirs) throws IOException {
        long n = 0;
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(1 << 20);
        for (Path dir : dirs) {
            try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(x -> x.toString().endsWith(".cq4")).toList()) {
                    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f)) {
                        int r;
                        while ((r = ch.read(buf.clear())) >= 0) {
                            n += r;
                        }
                    }
                }
            }
        }
        return n;
    }

    static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        org.apache.commons.io.file.PathUtils.deleteDirectory(dir);
    }
}
