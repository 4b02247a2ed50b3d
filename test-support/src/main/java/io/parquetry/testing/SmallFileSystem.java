package io.parquetry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real, small file system mounted for one test, so a test can fill it for real: a tmpfs ({@code mount -t tmpfs -o
 * size=...}) or an ext4 image on a loop device. Needs root (CI runs the tests as root); where mounting is refused the
 * test is skipped, saying why, never passed; under CI (which runs as root, and sets {@code CI}) it fails instead, so a
 * disk-full test never passes by not running.
 */
public final class SmallFileSystem implements AutoCloseable {

    private final Path mountPoint;
    private final Path image;

    private SmallFileSystem(Path mountPoint, Path image) {
        this.mountPoint = mountPoint;
        this.image = image;
    }

    /**
     * Mounts a file system of {@code type} ({@code tmpfs} or {@code ext4}) and {@code bytes} at {@code mountPoint}
     * (created; an ext4 image goes beside it), or aborts the calling test with the reason.
     */
    public static SmallFileSystem mount(String type, Path mountPoint, long bytes) throws IOException, InterruptedException {
        Files.createDirectories(mountPoint);
        if (type.equals("tmpfs")) {
            String out = run("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", mountPoint.toString());
            require(out == null, () -> "skipped: cannot mount a " + bytes + "-byte tmpfs at " + mountPoint
                    + " (the full-disk tests need root, as in CI): " + out);
            return new SmallFileSystem(mountPoint, null);
        }
        if (!type.equals("ext4")) {
            throw new IllegalArgumentException("file system type: type=" + type);
        }
        Path image = mountPoint.resolveSibling(mountPoint.getFileName() + ".img");
        try (var ch = java.nio.channels.FileChannel.open(image, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(0);
            ch.position(bytes - 1);
            ch.write(java.nio.ByteBuffer.wrap(new byte[1]));
        }
        // -m 0: no blocks kept for root, so what the recorder sees free is what it can use.
        String mkfs = run("mkfs.ext4", "-q", "-F", "-m", "0", image.toString());
        require(mkfs == null, () -> "skipped: cannot make an ext4 image: " + mkfs);
        String out = run("mount", "-o", "loop", image.toString(), mountPoint.toString());
        if (out != null) {
            Files.deleteIfExists(image);
        }
        require(out == null, () -> "skipped: cannot loop-mount an ext4 image at " + mountPoint
                + " (the full-disk tests need root and a loop device, as in CI): " + out);
        return new SmallFileSystem(mountPoint, image);
    }

    public Path path() {
        return mountPoint;
    }

    /** Bytes the file system has free, as the recorder's disk guard sees them. */
    public long usableSpace() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    /** Fills the file system with a file ({@code filler}) until at most {@code leaveBytes} are free. */
    public Path fill(long leaveBytes) throws IOException {
        return filler("filler", usableSpace() - leaveBytes);
    }

    /** Fills {@code bytes} of the file system with a file written for real (not sparse). */
    public Path filler(String name, long bytes) throws IOException {
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
            if (image != null) {
                Files.deleteIfExists(image);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unmounting " + mountPoint, e);
        }
    }

    /** Skips the calling test when {@code ok} is false, saying why; fails it under CI, where the mount must work. */
    private static void require(boolean ok, java.util.function.Supplier<String> why) {
        if (!ok && System.getenv("CI") != null) {
            throw new IllegalStateException("CI runs as root and must be able to mount it: " + why.get());
        }
        Assumptions.assumeTrue(ok, why);
    }

    /** Mounts a tmpfs of {@code megabytes} MiB at {@code mountPoint}. */
    public static SmallFileSystem mount(Path mountPoint, int megabytes) throws IOException, InterruptedException {
        return mount("tmpfs", mountPoint, (long) megabytes << 20);
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
