package io.parquetry.recorder;

import java.io.IOException;
import java.nio.file.Path;
import net.openhft.posix.PosixAPI;

/**
 * {@code fallocate(2)} with {@code FALLOC_FL_KEEP_SIZE}, through OpenHFT's posix binding (already on the class path with
 * Chronicle). It allocates a file's blocks without changing a byte or the file's length, so it is safe while writers
 * write the same file through a mapping, and a full file system answers {@code ENOSPC} instead of a SIGBUS later, when
 * a mapped page of a hole is first written.
 */
final class Fallocate {

    static final int ENOSPC = 28;
    static final int EOPNOTSUPP = 95;
    private static final int O_RDWR = 2;
    private static final int O_CREAT = 0100;
    private static final int FALLOC_FL_KEEP_SIZE = 1;

    private final PosixAPI posix;

    private Fallocate(PosixAPI posix) {
        this.posix = posix;
    }

    /**
     * The native binding.
     *
     * @throws IllegalStateException when it could not be loaded: its stand-in reports success without allocating anything,
     *     so the recorder refuses to run on it rather than run without a disk guard
     */
    static Fallocate load() {
        PosixAPI p = PosixAPI.posix();
        if (p.getClass().getName().contains(".noop.")) {
            throw new IllegalStateException("the disk guard needs fallocate(2), but OpenHFT's posix binding did not load (jnr-ffi): "
                    + "posix=" + p);
        }
        return new Fallocate(p);
    }

    /** Opens {@code file} for reserving (creating it when {@code create}); returns the file descriptor. */
    int open(Path file, boolean create) throws IOException {
        // 0666 and the process umask, like every file Chronicle and the JDK create: a cycle file pre-created here becomes a
        // cycle file of the queue, which the operator's umask must govern (group read-write under 0007).
        int fd = posix.open(file.toString(), O_RDWR | (create ? O_CREAT : 0), 0666);
        if (fd < 0) {
            int errno = posix.lastError();
            throw new IOException("cannot open for reserving: file=" + file + ", error=" + describe(errno));
        }
        return fd;
    }

    /**
     * Allocates {@code [offset, offset + length)} of the file, beyond its end too, without changing a byte or its length.
     *
     * @return 0, or the errno ({@link #ENOSPC} when the file system is full)
     */
    int reserve(int fd, long offset, long length) {
        if (posix.fallocate(fd, FALLOC_FL_KEEP_SIZE, offset, length) == 0) {
            return 0;
        }
        int errno = posix.lastError();
        return errno == 0 ? -1 : errno;
    }

    /** Sets the file's length (only ever to grow a file of our own, never one Chronicle writes). */
    void setLength(int fd, long length) throws IOException {
        if (posix.ftruncate(fd, length) != 0) {
            throw new IOException("cannot set length: length=" + length + ", error=" + describe(posix.lastError()));
        }
    }

    void close(int fd) {
        posix.close(fd);
    }

    String describe(int errno) {
        return errno + " (" + posix.strerror(errno) + ")";
    }
}
