package io.parquetry.recorder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real, small tmpfs mounted for one test ({@code mount -t tmpfs -o size=...}), so a test can fill a file system for
 * real. Needs root (CI runs the tests as root); where mounting is refused the test is skipped, saying why, never passed.
 */
final class SmallFileSystem implements AutoCloseable {

    private final Path mountPoint;

    private SmallFileSystem(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code bytes} at {@code mountPoint} (created), or aborts the calling test with the reason. */
    static SmallFileSystem mount(Path mountPoint, long bytes) throws IOException, InterruptedException {
        Files.createDirectories(mountPoint);
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", mountPoint.toString());
        Assumptions.assumeTrue(out == null, () -> "skipped: cannot mount a " + bytes + "-byte tmpfs at " + mountPoint
                + " (the full-disk tests need root, as in CI): " + out);
        return new SmallFileSystem(mountPoint);
    }

    Path path() {
        return mountPoint;
    }

    /** Bytes the file system has free, as the recorder's disk guard sees them. */
    long usableSpace() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    /** Fills {@code bytes} of the file system with a file written for real (not sparse). */
    Path filler(String name, long bytes) throws IOException {
        Path f = mountPoint.resolve(name);
        byte[] block = new byte[1 << 20];
        java.util.Arrays.fill(block, (byte) 0x5a);
        try (var out = Files.newOutputStream(f)) {
            for (long n = 0; n < bytes; n += block.length) {
                out.write(block, 0, (int) Math.min(block.length, bytes - n));
            }
        }
        return f;
    }

    @Override
    public void close() throws IOException {
        try {
            String out = run("umount", mountPoint.toString());
            if (out != null) {
                out = run("umount", "-l", mountPoint.toString()); // still busy (a child JVM's mapping): detach it
            }
            if (out != null) {
                throw new IOException("cannot unmount " + mountPoint + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unmounting " + mountPoint, e);
        }
    }

    /** Runs a command; null when it succeeded, else its exit status and output. */
    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.toString();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", cmd) + " did not finish in 30 s";
        }
        return p.exitValue() == 0 ? null : String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out;
    }
}
