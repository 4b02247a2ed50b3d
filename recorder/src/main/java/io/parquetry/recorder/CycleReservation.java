package io.parquetry.recorder;

import io.parquetry.queue.CycleFileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The allocated blocks of one cycle file: everything from offset 0 up to {@link #reservedUpTo()} is allocated on disk
 * ({@link Fallocate}), so no write into that range through a mapping can fault for lack of space. Blocks are only ever
 * added, never released, while the recorder runs.
 *
 * <p>A writer compares Chronicle's write position, read from the file's first page through a read-only mapping of
 * this object's own (so it stays valid, for as long as a writer can read it, whatever Chronicle unmaps), with the reserved
 * end: {@link #admits(long)}. The file is either a cycle file Chronicle created, or the {@code .precreated} file Chronicle
 * renames into the cycle file when a writer first rolls into the cycle (Chronicle's {@code PrecreatedFiles}); the
 * descriptor and the mapping follow the file through the rename.
 *
 * <p>Written by the reserving thread only; {@link #admits(long)} is read by writers.
 */
final class CycleReservation {

    /** Bytes of the header page mapped to read the write position. */
    static final int HEADER_PAGE = 4096;

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    final int cycle;
    /** The cycle file. */
    final Path file;
    /** Where Chronicle looks for a file to rename into {@link #file} when a writer creates the cycle. */
    final Path precreated;
    private final int fd;
    private final ByteBuffer header;
    private volatile long reservedUpTo;

    private CycleReservation(int cycle, Path file, Path precreated, int fd, ByteBuffer header) {
        this.cycle = cycle;
        this.file = file;
        this.precreated = precreated;
        this.fd = fd;
        this.header = header;
    }

    /**
     * Opens the cycle file when it exists, else creates (or reuses) the pre-created file, at least one page long so its
     * header can be mapped; nothing is reserved yet.
     */
    static CycleReservation open(Fallocate fallocate, int cycle, Path file, Path precreated) throws IOException {
        boolean real = Files.exists(file);
        Path target = real ? file : precreated;
        int fd = fallocate.open(target, !real);
        try {
            if (Files.size(target) < HEADER_PAGE) {
                // Our pre-created file, or an empty cycle file left by a crash: the header page must exist to be mapped and
                // read (zeros are what Chronicle finds in a file it is about to initialise).
                fallocate.setLength(fd, HEADER_PAGE);
            }
            ByteBuffer header;
            try (FileChannel ch = FileChannel.open(target, StandardOpenOption.READ)) {
                header = ch.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_PAGE);
            }
            return new CycleReservation(cycle, file, precreated, fd, header);
        } catch (IOException | RuntimeException e) {
            fallocate.close(fd);
            throw e;
        }
    }

    /** Chronicle's write position in this file: where its last excerpt starts (0 before the first). */
    long writePosition() {
        return (long) LONG.getAcquire(header, CycleFileDescriptor.WRITE_POSITION_OFFSET);
    }

    /** True when everything that may be written past the write position, up to {@code margin} bytes, is reserved. */
    boolean admits(long margin) {
        return writePosition() + margin <= reservedUpTo;
    }

    long reservedUpTo() {
        return reservedUpTo;
    }

    /** True once Chronicle has made the file a cycle file (a writer rolled into it, or it existed). */
    boolean isCycleFile() {
        return Files.exists(file);
    }

    /**
     * Allocates {@code [reservedUpTo(), upTo)} in one call.
     *
     * @return 0, or the errno ({@link Fallocate#ENOSPC} when the file system is full); nothing changes on failure
     */
    int reserveTo(Fallocate fallocate, long upTo) {
        long from = reservedUpTo;
        if (upTo <= from) {
            return 0;
        }
        int rc = fallocate.reserve(fd, from, upTo - from);
        if (rc == 0) {
            reservedUpTo = upTo;
        }
        return rc;
    }

    void close(Fallocate fallocate) {
        fallocate.close(fd);
    }

    @Override
    public String toString() {
        return "cycle " + cycle + " (" + file.getFileName() + "): reserved " + reservedUpTo + ", write position " + writePosition();
    }
}
