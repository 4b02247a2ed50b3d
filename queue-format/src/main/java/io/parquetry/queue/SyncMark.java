package io.parquetry.queue;

import io.parquetry.platform.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The queue's last synced record, kept durably in {@value #FILE_NAME} in the queue directory: every record up to it
 * (by queue order) was on stable storage when it was written. A recorder writes it after each sync of the queue's files
 * (the periodic sync, {@code Recorder.sync()}, a clean close, and after repairing the queue at open); the repair at open
 * trusts every byte before it and may cut only what lies after it (a power cut can damage nothing that was synced).
 *
 * <pre>
 *  two slots, at offsets 0 and 4096 (two pages: a power cut that tears one write keeps the other slot whole)
 *  0        4        8                16       20       24               32               40               48
 *  +--------+--------+----------------+--------+--------+----------------+----------------+----------------+
 *  | magic  | version| generation     | cycle  | 0      | position       | sequence       | written at ms  |
 *  +--------+--------+----------------+--------+--------+----------------+----------------+----------------+
 *  48                                 64       68
 *  +----------------------------------+--------+
 *  | boot id (UUID: msb, lsb)         | crc32c |
 *  +----------------------------------+--------+
 *  little-endian; crc32c of bytes 0..63; generation n is written into slot n % 2; the valid slot of the higher
 *  generation counts. position: the header position of the record in its cycle file; sequence: its sequence number
 *  (-1, with cycle and position 0: no record yet). boot id: the boot in which the writer knew every record of the
 *  queue to be whole ({@link BootId}; 0 when unknown).
 * </pre>
 *
 * The version comes first; an unknown one is refused naming both.
 */
public final class SyncMark {

    public static final String FILE_NAME = QueueDirectory.SYNC_MARK;
    public static final int MAGIC = 0x4b4d5350; // "PSMK"
    public static final int VERSION = 1;
    public static final int SLOT_LENGTH = 68;
    public static final int SLOT_SPACING = 4096;

    /**
     * A synced record: its cycle, its excerpt header's position in the cycle file and its sequence number there ({@code
     * sequence} -1: none yet); and the boot in which the writer knew the whole queue to be whole (null: unknown).
     */
    public record Mark(long generation, int cycle, long position, long sequence, long writtenAtMs, java.util.UUID boot) {

        /** True when a record is named (not a mark of an empty queue). */
        public boolean hasRecord() {
            return sequence >= 0;
        }
    }

    private SyncMark() {
    }

    static Path file(Path queueDir) {
        return queueDir.resolve(FILE_NAME);
    }

    /**
     * True when a recorder knew every record of the queue to be whole in this boot (it repaired the queue when it opened
     * it in this boot): every record read now, before or after the mark, is what was written, and need not be checked.
     */
    public static boolean wholeInThisBoot(Path queueDir) {
        Mark m;
        try {
            m = read(queueDir);
        } catch (RuntimeException unreadable) {
            return false;
        }
        java.util.UUID now = BootId.current();
        return m != null && now != null && now.equals(m.boot());
    }

    /**
     * The mark, or null when the queue has none (never synced, or made by an earlier version) or neither slot is whole.
     *
     * @throws IllegalStateException when a whole slot has a version this code does not know
     */
    public static Mark read(Path queueDir) {
        Path f = file(queueDir);
        byte[] b;
        try {
            b = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the queue's sync mark: file=" + f + ": " + e, e);
        }
        Mark best = null;
        for (int slot = 0; slot < 2; slot++) {
            Mark m = parse(f, b, slot * SLOT_SPACING);
            if (m != null && (best == null || m.generation() > best.generation())) {
                best = m;
            }
        }
        return best;
    }

    private static Mark parse(Path f, byte[] b, int at) {
        if (b.length < at + SLOT_LENGTH) {
            return null;
        }
        ByteBuffer bb = ByteBuffer.wrap(b, at, SLOT_LENGTH).slice().order(ByteOrder.LITTLE_ENDIAN);
        if (bb.getInt(0) != MAGIC) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(b, at, SLOT_LENGTH - 4);
        if ((int) crc.getValue() != bb.getInt(SLOT_LENGTH - 4)) {
            return null; // torn: the other slot counts
        }
        if (bb.getInt(4) != VERSION) {
            throw new IllegalStateException("the queue's sync mark has an unknown version: file=" + f + ", version=" + bb.getInt(4) + ", supported="
                    + VERSION);
        }
        long msb = bb.getLong(48);
        long lsb = bb.getLong(56);
        return new Mark(bb.getLong(8), bb.getInt(16), bb.getLong(24), bb.getLong(32), bb.getLong(40), msb == 0 && lsb == 0 ? null
                : new java.util.UUID(msb, lsb));
    }

    /**
     * Records that the record at {@code position} (sequence {@code sequence}) of {@code cycle} and all before it are
     * durable, and makes that durable itself. Callers serialise their calls (one recorder per process).
     *
     * @return the mark written
     */
    public static Mark write(Path queueDir, Mark previous, int cycle, long position, long sequence) {
        Path f = file(queueDir);
        long generation = previous == null ? 1 : previous.generation() + 1;
        java.util.UUID boot = BootId.current();
        Mark m = new Mark(generation, cycle, position, sequence, System.currentTimeMillis(), boot);
        ByteBuffer bb = ByteBuffer.allocate(SLOT_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0, MAGIC).putInt(4, VERSION).putLong(8, generation).putInt(16, cycle).putInt(20, 0).putLong(24, position)
                .putLong(32, sequence).putLong(40, m.writtenAtMs()).putLong(48, boot == null ? 0 : boot.getMostSignificantBits())
                .putLong(56, boot == null ? 0 : boot.getLeastSignificantBits());
        CRC32C crc = new CRC32C();
        crc.update(bb.array(), 0, SLOT_LENGTH - 4);
        bb.putInt(SLOT_LENGTH - 4, (int) crc.getValue());
        boolean created = !Files.exists(f);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long at = (generation % 2) * SLOT_SPACING;
            while (bb.hasRemaining()) {
                ch.write(bb, at + bb.position());
            }
            ch.force(created);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the queue's sync mark: file=" + f + ": " + e, e);
        }
        if (created) {
            try {
                DurableFiles.syncDirectory(queueDir.toAbsolutePath());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot sync the queue directory: queue=" + queueDir + ": " + e, e);
            }
        }
        return m;
    }
}
