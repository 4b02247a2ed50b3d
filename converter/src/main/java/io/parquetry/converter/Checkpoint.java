package io.parquetry.converter;

import io.parquetry.platform.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * The index of the last committed record, the identity of the queue it belongs to and a checksum of that record's
 * bytes, kept in a small file written aside, synced, and renamed into place.
 *
 * <pre>
 *  version 3 (written by this version)
 *  0        4        8                16               24               32       36       40
 *  +--------+--------+----------------+----------------+----------------+--------+--------+
 *  | magic  | version| last committed | committed at ms| queue id       | record | crc32  |
 *  |        |        | index          |                |                | crc32c |        |
 *  +--------+--------+----------------+----------------+----------------+--------+--------+
 *  version 2 (read only): the same without the record's CRC-32C, crc32 at 32, 36 bytes
 *  version 1 (read only; written before queue identities): the same without the queue id, crc32 at 24, 28 bytes
 * </pre>
 *
 * The converter writes it only after the file holding that record has been renamed to its final name and the directory
 * synced; recovery then checks the dataset for a file committed after it (a crash between rename and checkpoint). The
 * record's CRC-32C ({@code RecordReader.recordChecksum}) lets recovery and {@code verify} tell whether the queue still
 * holds the committed record at that index, or other bytes (lost in a power cut and replaced, or a queue restored).
 */
public final class Checkpoint {

    static final int MAGIC = 0x4b435150; // "PQCK"
    static final int VERSION = 3;
    static final int LENGTH = 40;
    static final int V2_LENGTH = 36;
    static final int V1_LENGTH = 28;
    /** No record committed yet. */
    static final long NONE = -1;

    /**
     * What a checkpoint file says.
     *
     * @param lastCommitted the last committed index, or {@link #NONE}
     * @param queueId the queue's identity, or null for a version 1 file (written before queue identities)
     * @param lastRecordChecksum CRC-32C of the last committed record's bytes (0 .. 2^32-1), or -1 when unknown (a file of
     *     version 1 or 2, or no record committed)
     */
    public record Saved(long lastCommitted, String queueId, long lastRecordChecksum) {
    }

    /**
     * What the checkpoint in a converter's state directory says, or null when it has none (read-only: for tools such as
     * {@code parquetry verify}).
     */
    public static Saved readIn(Path stateDir) {
        return new Checkpoint(stateDir).read();
    }

    private final Path file;

    Checkpoint(Path stateDir) {
        this.file = stateDir.resolve("checkpoint");
    }

    Path file() {
        return file;
    }

    /** What the file says, or null when there is no checkpoint yet. */
    Saved read() {
        if (!Files.exists(file)) {
            return null;
        }
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint: file=" + file + ": " + e, e);
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (b.length < 8 || bb.getInt(0) != MAGIC) {
            throw new IllegalStateException("not a checkpoint file: file=" + file + ", length=" + b.length
                    + (b.length >= 4 ? ", magic=0x" + Integer.toHexString(bb.getInt(0)) : ""));
        }
        int version = bb.getInt(4);
        int length = version == 1 ? V1_LENGTH : version == 2 ? V2_LENGTH : version == VERSION ? LENGTH : -1;
        if (length < 0) {
            throw new IllegalStateException("checkpoint has an unknown version: file=" + file + ", version=" + version + ", supported=1.."
                    + VERSION);
        }
        if (b.length != length) {
            throw new IllegalStateException("checkpoint file has the wrong length: file=" + file + ", length=" + b.length + ", expected="
                    + length);
        }
        CRC32 crc = new CRC32();
        crc.update(b, 0, length - 4);
        if ((int) crc.getValue() != bb.getInt(length - 4)) {
            throw new IllegalStateException("checkpoint is damaged (checksum mismatch): file=" + file);
        }
        String queueId = version == 1 ? null : HexFormat.of().toHexDigits(bb.getLong(24));
        long checksum = version == VERSION && bb.getLong(8) != NONE ? Integer.toUnsignedLong(bb.getInt(32)) : -1;
        return new Saved(bb.getLong(8), queueId, checksum);
    }

    /**
     * Records {@code lastCommitted} as the last committed index.
     *
     * @param lastRecordChecksum CRC-32C of that record's bytes, or -1 when unknown (a file adopted from an earlier version)
     */
    void write(long lastCommitted, String queueId, long lastRecordChecksum) {
        ByteBuffer bb = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0, MAGIC).putInt(4, lastRecordChecksum < 0 ? 2 : VERSION).putLong(8, lastCommitted).putLong(16, System.currentTimeMillis())
                .putLong(24, HexFormat.fromHexDigitsToLong(queueId));
        if (lastRecordChecksum < 0) {
            writeBytes(bb, V2_LENGTH, lastCommitted);
            return;
        }
        bb.putInt(32, (int) lastRecordChecksum);
        writeBytes(bb, LENGTH, lastCommitted);
    }

    private void writeBytes(ByteBuffer bb, int length, long lastCommitted) {
        CRC32 crc = new CRC32();
        crc.update(bb.array(), 0, length - 4);
        bb.putInt(length - 4, (int) crc.getValue());
        try {
            DurableFiles.replace(file, java.util.Arrays.copyOf(bb.array(), length));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint: file=" + file + ", index=" + lastCommitted + ": " + e, e);
        }
    }
}
