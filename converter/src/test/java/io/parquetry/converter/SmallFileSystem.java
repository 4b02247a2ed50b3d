package io.parquetry.converter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real small file system for disk-full tests: a tmpfs of a few MiB mounted (as root) at a test directory, unmounted on
 * close. Where mounting is refused the test is skipped, saying why; under CI (which runs as root) it fails instead,
 * so a disk-full test never passes by not running.
 */
public final class SmallFileSystem implements AutoCloseable {

    private final Path mountPoint;

    private SmallFileSystem(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code megabytes} MiB at {@code mountPoint} (created when absent). */
    public static SmallFileSystem mount(Path mountPoint, int megabytes) throws IOException, InterruptedException {
        Files.createDirectories(mountPoint);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mountPoint.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        boolean ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!ok && System.getenv("CI") != null) {
            throw new IllegalStateException("CI runs as root and must be able to mount a tmpfs: " + out);
        }
        Assumptions.assumeTrue(ok, "cannot mount a tmpfs here (not root?): " + out.trim());
        return new SmallFileSystem(mountPoint);
    }

    public Path path() {
        return mountPoint;
    }

    /** Fills the file system with a file until at most {@code leaveBytes} are free. */
    public Path fill(long leaveBytes) throws IOException {
        Path filler = mountPoint.resolve("filler");
        long free = Files.getFileStore(mountPoint).getUsableSpace();
        byte[] chunk = new byte[64 * 1024];
        try (var out = Files.newOutputStream(filler)) {
            for (long left = free - leaveBytes; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
        return filler;
    }

    @Override
    public void close() throws IOException {
        Process p = new ProcessBuilder("umount", "-l", mountPoint.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
