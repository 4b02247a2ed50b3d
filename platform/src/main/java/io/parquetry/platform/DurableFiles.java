package io.parquetry.platform;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Small files that must survive a crash whole: written aside, forced to disk, then put in place by one atomic step, and
 * the directory forced so the new name survives too. Files are created with the process's umask (no narrower mode),
 * so a converter running as another user of the same group can read what a recorder wrote.
 */
public final class DurableFiles {

    private DurableFiles() {
    }

    /** Replaces (or creates) {@code target} with {@code content}: a reader sees the old bytes or the new, never a mix. */
    public static void replace(Path target, byte[] content) throws IOException {
        Path tmp = writeAside(target, content);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Creates {@code target} with {@code content} unless it exists: the bytes are written aside and hard-linked into
     * place, which fails when another process got there first.
     *
     * @return true when this call created it, false when it existed
     */
    public static boolean createIfAbsent(Path target, byte[] content) throws IOException {
        if (Files.exists(target)) {
            return false;
        }
        Path tmp = writeAside(target, content);
        try {
            Files.createLink(target, tmp);
        } catch (FileAlreadyExistsException raced) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(target.toAbsolutePath().getParent());
        return true;
    }

    /**
     * Creates {@code dir} and any missing parent, each new one made durable: a directory created without syncing its
     * parent may vanish in a power cut, with every file later synced inside it.
     */
    public static void createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            return;
        }
        Path parent = abs.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(abs);
        } catch (FileAlreadyExistsException raced) {
            if (!Files.isDirectory(abs)) {
                throw raced;
            }
        }
        if (parent != null) {
            syncDirectory(parent);
        }
    }

    /** fsync of a directory, so that a rename or a new entry in it survives an OS crash. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static Path writeAside(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().getId());
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }
}
