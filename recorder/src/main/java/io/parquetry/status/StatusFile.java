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

/**
 * A memory-mapped status file (layout in {@link StatusFileDescriptor}). Mapped with the JDK alone, so that readers
 * such as the console need neither Chronicle nor its JVM flags.
 */
public final class StatusFile implements AutoCloseable {

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final MappedByteBuffer buffer;
    private final byte[] textScratch = new byte[TEXT_SLOT_LENGTH];

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
            throw new UncheckedIOException("cannot create status file: path=" + path, e);
        }
    }

    /** Maps an existing file for reading, or for raising requests when {@code writable}. */
    public static StatusFile open(Path path, boolean writable) {
        try {
            return map(path, writable, 0);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("status file does not exist (is the process running?): path=" + path, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open status file: path=" + path, e);
        }
    }

    private static StatusFile map(Path path, boolean writable, int expectedKind) throws IOException {
        try (FileChannel ch = writable ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(path, StandardOpenOption.READ)) {
            if (ch.size() < FILE_LENGTH) {
                throw new IllegalStateException("status file is too short: path=" + path + ", length=" + ch.size());
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
            if (expectedKind != 0 && b.getInt(KIND_OFFSET) != expectedKind) {
                throw new IllegalStateException("status file is of another kind: path=" + path + ", kind=" + b.getInt(KIND_OFFSET));
            }
            return new StatusFile(path, b);
        }
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

    public void heartbeat(long nowMillis) {
        LONG.setRelease(buffer, HEARTBEAT_OFFSET, nowMillis);
    }

    /** True when the owner has beaten within {@code staleAfterMillis}. */
    public boolean alive(long nowMillis, long staleAfterMillis) {
        return nowMillis - heartbeatMillis() <= staleAfterMillis;
    }

    public long value(int slot) {
        return (long) LONG.getAcquire(buffer, valueOffset(slot));
    }

    public void value(int slot, long v) {
        LONG.setRelease(buffer, valueOffset(slot), v);
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

    /** Starts a consistent update (values and texts written until {@link #endUpdate()} are seen together). */
    public void beginUpdate() {
        long s = (long) LONG.getAcquire(buffer, SEQUENCE_OFFSET);
        LONG.setVolatile(buffer, SEQUENCE_OFFSET, s + 1);
    }

    public void endUpdate() {
        long s = (long) LONG.getAcquire(buffer, SEQUENCE_OFFSET);
        LONG.setRelease(buffer, SEQUENCE_OFFSET, s + 1);
    }

    /** Writes a text slot; the caller brackets it with {@link #beginUpdate()}/{@link #endUpdate()}. Longer text is cut. */
    public void text(int slot, String s) {
        int off = textOffset(slot);
        byte[] bytes = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        int n = Math.min(bytes.length, TEXT_SLOT_LENGTH - 4);
        for (int i = 0; i < n; i++) {
            buffer.put(off + 4 + i, bytes[i]);
        }
        buffer.putInt(off, n);
    }

    /** Reads a text slot consistently, retrying while the owner is writing. */
    public synchronized String text(int slot) {
        int off = textOffset(slot);
        for (int attempt = 0; ; attempt++) {
            long s1 = (long) LONG.getAcquire(buffer, SEQUENCE_OFFSET);
            if ((s1 & 1) == 0 || attempt > 1000) {
                int n = Math.max(0, Math.min(buffer.getInt(off), TEXT_SLOT_LENGTH - 4));
                for (int i = 0; i < n; i++) {
                    textScratch[i] = buffer.get(off + 4 + i);
                }
                VarHandle.acquireFence();
                long s2 = (long) LONG.getVolatile(buffer, SEQUENCE_OFFSET);
                if (s1 == s2 || attempt > 1000) {
                    return new String(textScratch, 0, n, StandardCharsets.UTF_8);
                }
            }
            Thread.onSpinWait();
        }
    }

    /** Reads several values that the owner writes together, retrying while the owner is writing. */
    public void values(int[] slots, long[] out) {
        for (int attempt = 0; ; attempt++) {
            long s1 = (long) LONG.getAcquire(buffer, SEQUENCE_OFFSET);
            if ((s1 & 1) == 0 || attempt > 1000) {
                for (int i = 0; i < slots.length; i++) {
                    out[i] = value(slots[i]);
                }
                long s2 = (long) LONG.getVolatile(buffer, SEQUENCE_OFFSET);
                if (s1 == s2 || attempt > 1000) {
                    return;
                }
            }
            Thread.onSpinWait();
        }
    }

    /** Unmapping is left to the GC (the JDK has no supported unmap); closing drops our reference. */
    @Override
    public void close() {
        // A MappedByteBuffer is released when unreachable. Nothing is buffered: every write is already in the mapping.
    }
}
