package io.parquetry.converter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * The index of the last committed record, kept in a small file written aside, synced, and renamed into place.
 *
 * <pre>
 *  0        4        8                16               24       28
 *  +--------+--------+----------------+----------------+--------+
 *  | magic  | version| last committed | committed at ms| crc32  |
 *  +--------+--------+----------------+----------------+--------+
 * </pre>
 *
 * The converter writes it only after the file holding that record has been renamed to its final name and the directory
 * synced; recovery then checks the dataset for a file committed after it (a crash between rename and checkpoint).
 */
final class Checkpoint {

    static final int MAGIC = 0x4b435150; // "PQCK"
    static final int VERSION = 1;
    static final int LENGTH = 28;
    /** No record committed yet. */
    static final long NONE = -1;

    private final Path file;

    Checkpoint(Path stateDir) {
        this.file = stateDir.resolve("checkpoint");
    }

    Path file() {
        return file;
    }

    /** The last committed index, or {@link #NONE}. */
    long read() {
        if (!Files.exists(file)) {
            return NONE;
        }
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint: file=" + file, e);
        }
        if (b.length != LENGTH) {
            throw new IllegalStateException("checkpoint file has the wrong length: file=" + file + ", length=" + b.length);
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int magic = bb.getInt(0);
        int version = bb.getInt(4);
        if (magic != MAGIC) {
            throw new IllegalStateException("not a checkpoint file: file=" + file + ", magic=0x" + Integer.toHexString(magic));
        }
        if (version != VERSION) {
            throw new IllegalStateException("checkpoint has an unknown version: file=" + file + ", version=" + version + ", supported="
                    + VERSION);
        }
        CRC32 crc = new CRC32();
        crc.update(b, 0, 24);
        if ((int) crc.getValue() != bb.getInt(24)) {
            throw new IllegalStateException("checkpoint is damaged (checksum mismatch): file=" + file);
        }
        return bb.getLong(8);
    }

    void write(long lastCommitted) {
        ByteBuffer bb = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0, MAGIC).putInt(4, VERSION).putLong(8, lastCommitted).putLong(16, System.currentTimeMillis());
        CRC32 crc = new CRC32();
        crc.update(bb.array(), 0, 24);
        bb.putInt(24, (int) crc.getValue());
        Path tmp = file.resolveSibling("checkpoint.tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ch.write(bb);
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            LocalSync.directory(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint: file=" + file + ", index=" + lastCommitted, e);
        }
    }
}
