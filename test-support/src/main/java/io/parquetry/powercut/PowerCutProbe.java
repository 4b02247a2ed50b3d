package io.parquetry.powercut;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * The child {@link PowerCutTest} kills: makes each kind of sync a JVM makes (FileDescriptor.sync, FileChannel.force
 * both ways, MappedByteBuffer.force whole and in part, a directory's fsync), and writes it leaves unsynced, then
 * says READY and waits. Arguments: the root (with data/, meta/old-name.txt, meta/state, reuse/gone and
 * reuse/victim in it) and a directory outside it, where the same calls must pass straight through.
 */
public final class PowerCutProbe {

    public static final int PAGE = PowerCut.PAGE;

    private PowerCutProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path outside = Path.of(args[1]);
        Path data = root.resolve("data");
        Path meta = root.resolve("meta");

        try (RandomAccessFile f = new RandomAccessFile(data.resolve("synced.bin").toFile(), "rw")) {
            f.write(fill('A', 3 * PAGE));
            f.getFD().sync();
            f.write(fill('a', PAGE + PAGE / 2));
        }
        try (FileChannel ch = FileChannel.open(data.resolve("mapped.bin"), CREATE_NEW, READ, WRITE)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, 4 * PAGE);
            m.put(0, fill('M', 4 * PAGE));
            m.force();
            m.put(PAGE, fill('m', PAGE));
            m.put(3 * PAGE, fill('m', PAGE));
            m.force(PAGE, PAGE);
        }
        try (FileChannel ch = FileChannel.open(data.resolve("datasync.bin"), CREATE_NEW, WRITE)) {
            write(ch, fill('D', 4 * PAGE), 0);
            ch.force(false);
            write(ch, fill('d', 2 * PAGE), PAGE);
        }
        try (FileChannel ch = FileChannel.open(data.resolve("fsync.bin"), CREATE_NEW, WRITE)) {
            write(ch, fill('F', 2 * PAGE + 100), 0);
            ch.force(true);
        }
        syncDirectory(data);
        // Its content is synced, its directory is not: the name may not survive.
        try (FileChannel ch = FileChannel.open(data.resolve("unsynced-new.bin"), CREATE_NEW, WRITE)) {
            write(ch, fill('N', PAGE), 0);
            ch.force(true);
        }
        Files.move(meta.resolve("old-name.txt"), meta.resolve("new-name.txt"));
        syncDirectory(meta);
        Path tmp = meta.resolve("state.tmp");
        try (FileChannel ch = FileChannel.open(tmp, CREATE_NEW, WRITE)) {
            write(ch, "state v2".getBytes(StandardCharsets.US_ASCII), 0);
            ch.force(true);
        }
        Files.move(tmp, meta.resolve("state"), StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(meta);

        // Files deleted and new ones made in a directory never synced; ext4 gives the new ones the freed inode numbers.
        Path reuse = root.resolve("reuse");
        Files.delete(reuse.resolve("gone"));
        try (FileChannel ch = FileChannel.open(reuse.resolve("fresh"), CREATE_NEW, WRITE)) {
            write(ch, "fresh".getBytes(StandardCharsets.US_ASCII), 0);
        }
        Files.delete(reuse.resolve("victim"));
        try (FileChannel ch = FileChannel.open(reuse.resolve("newcomer"), CREATE_NEW, WRITE)) {
            write(ch, "newcomer".getBytes(StandardCharsets.US_ASCII), 0);
            ch.force(true);
        }

        try (FileChannel ch = FileChannel.open(outside.resolve("outside.bin"), CREATE_NEW, READ, WRITE)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, 2 * PAGE);
            m.put(0, fill('O', 2 * PAGE));
            m.force();
            ch.force(false);
            ch.force(true);
        }
        syncDirectory(outside);

        System.out.println("READY");
        System.out.flush();
        // Waits for the SIGKILL; should the test JVM die first, stdin closes and this JVM ends too.
        while (System.in.read() >= 0) {
            Thread.onSpinWait();
        }
    }

    public static byte[] fill(char c, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    private static void write(FileChannel ch, byte[] b, long pos) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        while (buf.hasRemaining()) {
            ch.write(buf, pos + buf.position());
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, READ)) {
            ch.force(true);
        }
    }
}
