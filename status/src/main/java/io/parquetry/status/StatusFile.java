package io.parquetry.status;

import static io.parquetry.status.StatusFileDescriptor.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

/**
 * A memory-mapped status file (layout in {@link StatusFileDescriptor}). Mapped with the JDK alone, so that readers
 * such as the console need neither Chronicle nor its JVM flags.
 *
 * <p>The owner publishes with {@link #update()} (values and texts seen together) and beats with {@link #heartbeat};
 * readers take a {@link #snapshot()}; controllers raise requests through the command words.
 */
public final class StatusFile implements AutoCloseable {

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** A sequence odd and unchanged this long, with the owner's process gone, means it died during a publication. */
    private static final long STUCK_NANOS = 200_000_000;
    /** ... and this long whatever the process table says (a stopped process): a reader must not wait forever. */
    private static final long GIVE_UP_NANOS = 5_000_000_000L;
    private static final int SPINS = 1_000;
    private static final long BACKOFF_NANOS = 20_000;

    private final Path path;
    private final MappedByteBuffer buffer;

    private StatusFile(Path path, MappedByteBuffer buffer) {
        this.path = path;
        this.buffer = buffer;
    }

    /**
     * Creates (or replaces) the status file of a process that owns it: a fresh file is written beside it and renamed
     * into place, so a reader never sees a half-initialised header.
     */
    public static StatusFile create(Path path, int kind, long pid, long startTimeMillis) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve("." + path.getFileName() + ".tmp" + pid);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                // Written, not just mapped: the file's page is allocated here, so a full disk is an IOException now and
                // never a SIGBUS when the owner later writes the mapping.
                ByteBuffer zeros = ByteBuffer.allocate(FILE_LENGTH);
                while (zeros.hasRemaining()) {
                    ch.write(zeros, zeros.position());
                }
                MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, FILE_LENGTH);
                b.order(ByteOrder.LITTLE_ENDIAN);
                b.putShort(MAJOR_OFFSET, MAJOR_VERSION);
                b.putShort(MINOR_OFFSET, MINOR_VERSION);
                b.putInt(KIND_OFFSET, kind);
                b.putLong(PID_OFFSET, pid);
                b.putLong(START_TIME_OFFSET, startTimeMillis);
                b.putLong(HEARTBEAT_OFFSET, startTimeMillis);
                b.putInt(MAGIC_OFFSET, MAGIC);
                b.force();
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return map(path, true, kind);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create status file: path=" + path + ": " + e, e);
        }
    }

    /** Maps an existing file for reading, or for raising requests when {@code writable}. */
    public static StatusFile open(Path path, boolean writable) {
        return open(path, writable, 0);
    }

    /**
     * Maps an existing file of one kind ({@code 0}: any).
     *
     * @throws IllegalStateException naming the file when it is not a status file, of an unknown major version, or of
     *     another kind
     */
    public static StatusFile open(Path path, boolean writable, int expectedKind) {
        try {
            return map(path, writable, expectedKind);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("status file does not exist (is the process running?): path=" + path, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open status file: path=" + path + ": " + e, e);
        }
    }

    private static StatusFile map(Path path, boolean writable, int expectedKind) throws IOException {
        try (FileChannel ch = writable ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(path, StandardOpenOption.READ)) {
            if (ch.size() < FILE_LENGTH) {
                throw new IllegalStateException("status file is too short: path=" + path + ", length=" + ch.size() + ", expected="
                        + FILE_LENGTH);
            }
            MappedByteBuffer b = ch.map(writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, 0, FILE_LENGTH);
            b.order(ByteOrder.LITTLE_ENDIAN);
            int magic = b.getInt(MAGIC_OFFSET);
            if (magic != MAGIC) {
                throw new IllegalStateException("not a Parquetry status file: path=" + path + ", magic=0x" + Integer.toHexString(magic));
            }
            short major = b.getShort(MAJOR_OFFSET);
            if (major != MAJOR_VERSION) {
                throw new IllegalStateException("status file has an unknown major version: path=" + path + ", version=" + major
                        + ", supported=" + MAJOR_VERSION);
            }
            int kind = b.getInt(KIND_OFFSET);
            if (expectedKind != 0 && kind != expectedKind) {
                throw new IllegalStateException("status file is of another kind: path=" + path + ", kind=" + kindName(kind) + ", expected="
                        + kindName(expectedKind));
            }
            return new StatusFile(path, b);
        }
    }

    /** {@code recorder}, {@code converter}, or the number. */
    public static String kindName(int kind) {
        return kind == KIND_RECORDER ? "recorder" : kind == KIND_CONVERTER ? "converter" : Integer.toString(kind);
    }

    public Path path() {
        return path;
    }

    public int kind() {
        return (int) INT.getAcquire(buffer, KIND_OFFSET);
    }

    public long pid() {
        return (long) LONG.getAcquire(buffer, PID_OFFSET);
    }

    public long startTimeMillis() {
        return (long) LONG.getAcquire(buffer, START_TIME_OFFSET);
    }

    public long heartbeatMillis() {
        return (long) LONG.getAcquire(buffer, HEARTBEAT_OFFSET);
    }

    /** The owner's beat; 0 says it stopped cleanly. */
    public void heartbeat(long nowMillis) {
        LONG.setRelease(buffer, HEARTBEAT_OFFSET, nowMillis);
    }

    /** {@link Liveness#alive} of the owner, now. */
    public boolean alive(java.time.Duration staleAfter) {
        return Liveness.alive(heartbeatMillis(), pid(), System.currentTimeMillis(), staleAfter);
    }

    public long command(int command) {
        return (long) LONG.getVolatile(buffer, commandOffset(command));
    }

    public void command(int command, long v) {
        LONG.setVolatile(buffer, commandOffset(command), v);
    }

    /** Atomically raises a request counter and returns its new value (controllers may race one another). */
    public long incrementCommand(int command) {
        return (long) LONG.getAndAdd(buffer, commandOffset(command), 1L) + 1;
    }

    /**
     * Starts a publication; close it to publish. Only the owner's thread that publishes may use it.
     *
     * <pre>{@code
     * try (StatusFile.Update u = status.update()) {
     *     u.value(ROWS_WRITTEN, rows).text(TEXT_LAST_COMMIT_FILE, file);
     * }
     * }</pre>
     */
    public Update update() {
        long s = (long) LONG.getAcquire(buffer, SEQUENCE_OFFSET);
        LONG.setVolatile(buffer, SEQUENCE_OFFSET, s + 1);
        return new Update();
    }

    /** Values and texts written between {@link #update()} and {@link #close()} are seen together by snapshots. */
    public final class Update implements AutoCloseable {

        private boolean closed;

        private Update() {
        }

        public Update value(int slot, long v) {
            LONG.setRelease(buffer, valueOffset(slot), v);
            return this;
        }

        /** Longer text is cut at the slot's length (on a character boundary). */
        public Update text(int slot, String s) {
            int off = textOffset(slot);
            byte[] bytes = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
            int n = Math.min(bytes.length, TEXT_SLOT_LENGTH - 4);
            while (n > 0 && n < bytes.length && (bytes[n] & 0xC0) == 0x80) {
                n--; // never cut a UTF-8 sequence in two
            }
            for (int i = 0; i < n; i++) {
                buffer.put(off + 4 + i, bytes[i]);
            }
            buffer.putInt(off, n);
            return this;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                long s = (long) LONG.getAcquire(buffer, SEQUENCE_OFFSET);
                LONG.setRelease(buffer, SEQUENCE_OFFSET, s + 1);
            }
        }
    }

    /**
     * A consistent copy of every value and text, retrying while the owner publishes. It never returns a mix of two
     * publications; the one exception is an owner that died half-way through one (the sequence stays odd, its process
     * is gone) or is stopped there for seconds: then the copy is whatever the file holds, and the owner's heartbeat says
     * it is gone.
     */
    public StatusSnapshot snapshot() {
        long[] values = new long[VALUE_COUNT];
        byte[][] raw = new byte[TEXT_COUNT][TEXT_SLOT_LENGTH - 4];
        int[] lengths = new int[TEXT_COUNT];
        long oddSince = 0;
        long oddSequence = -1;
        for (int attempt = 0; ; attempt++) {
            long s1 = (long) LONG.getAcquire(buffer, SEQUENCE_OFFSET);
            boolean stuck = (s1 & 1) == 1 && s1 == oddSequence && ownerGone(System.nanoTime() - oddSince);
            if ((s1 & 1) == 0 || stuck) {
                for (int i = 0; i < VALUE_COUNT; i++) {
                    values[i] = (long) LONG.getAcquire(buffer, valueOffset(i));
                }
                for (int t = 0; t < TEXT_COUNT; t++) {
                    int off = textOffset(t);
                    int n = Math.max(0, Math.min(buffer.getInt(off), TEXT_SLOT_LENGTH - 4));
                    buffer.get(off + 4, raw[t], 0, n);
                    lengths[t] = n;
                }
                VarHandle.acquireFence();
                long s2 = (long) LONG.getVolatile(buffer, SEQUENCE_OFFSET);
                if (s1 == s2) {
                    break;
                }
            } else if (s1 != oddSequence) {
                oddSequence = s1;
                oddSince = System.nanoTime();
            }
            if (attempt < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(BACKOFF_NANOS); // the owner is publishing again and again: let it finish one
            }
        }
        String[] texts = new String[TEXT_COUNT];
        for (int t = 0; t < TEXT_COUNT; t++) {
            texts[t] = new String(raw[t], 0, lengths[t], StandardCharsets.UTF_8);
        }
        return new StatusSnapshot(kind(), buffer.getShort(MINOR_OFFSET), pid(), startTimeMillis(), heartbeatMillis(), values, texts);
    }

    private boolean ownerGone(long oddForNanos) {
        return oddForNanos > GIVE_UP_NANOS || oddForNanos > STUCK_NANOS && !ProcessHandle.of(pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Unmapping is left to the GC (the JDK has no supported unmap); closing drops our reference. */
    @Override
    public void close() {
        // A MappedByteBuffer is released when unreachable. Nothing is buffered: every write is already in the mapping.
    }
}
