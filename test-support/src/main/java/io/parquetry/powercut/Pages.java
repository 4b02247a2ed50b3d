package io.parquetry.powercut;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/** Page-wise file reads and sparse writes: queue files are large and mostly holes, and their copies must stay so. */
public final class Pages {

    /** The unit in which unsynced writes survive or revert. */
    public static final int PAGE = 4096;
    /** Pages read and written at a time. */
    public static final int CHUNK = 256 * PAGE;
    private static final byte[] ZERO = new byte[PAGE];

    private Pages() {
    }

    /** Fills {@code buf[0, len)} from {@code ch} at {@code pos}, with zeros beyond its end (and all zeros for no file). */
    public static void read(FileChannel ch, byte[] buf, long pos, int len) throws IOException {
        Arrays.fill(buf, 0, len, (byte) 0);
        if (ch == null) {
            return;
        }
        int done = 0;
        while (done < len) {
            int n = ch.read(ByteBuffer.wrap(buf, done, len - done), pos + done);
            if (n < 0) {
                return;
            }
            done += n;
        }
    }

    /** Writes {@code buf[0, len)} at {@code pos}, skipping whole pages of zeros so that they stay holes. */
    public static void writeSparse(FileChannel ch, byte[] buf, long pos, int len) throws IOException {
        int off = 0;
        while (off < len) {
            while (off < len && isZero(buf, off, Math.min(PAGE, len - off))) {
                off += PAGE;
            }
            if (off >= len) {
                return;
            }
            int start = off;
            while (off < len && !isZero(buf, off, Math.min(PAGE, len - off))) {
                off += PAGE;
            }
            ByteBuffer run = ByteBuffer.wrap(buf, start, Math.min(off, len) - start);
            while (run.hasRemaining()) {
                ch.write(run, pos + run.position());
            }
        }
    }

    private static boolean isZero(byte[] buf, int off, int len) {
        return Arrays.mismatch(buf, off, off + len, ZERO, 0, len) < 0;
    }

    /** Copies {@code from} to a new file {@code to}, holes where {@code from} has pages of zeros. */
    public static void copySparse(Path from, Path to) throws IOException {
        try (FileChannel in = FileChannel.open(from);
             RandomAccessFile out = new RandomAccessFile(to.toFile(), "rw")) {
            long size = in.size();
            out.setLength(size);
            byte[] buf = new byte[CHUNK];
            for (long pos = 0; pos < size; pos += CHUNK) {
                int len = (int) Math.min(CHUNK, size - pos);
                read(in, buf, pos, len);
                writeSparse(out.getChannel(), buf, pos, len);
            }
        }
    }

    /** Sets a file's permission bits (a rebuilt tree keeps each file's mode). */
    public static void setMode(Path p, int mode) throws IOException {
        java.nio.file.Files.setAttribute(p, "unix:mode", mode & 07777);
    }
}
