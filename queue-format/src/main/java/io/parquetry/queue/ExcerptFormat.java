package io.parquetry.queue;

import java.util.zip.CRC32C;

/**
 * How a record lies in its Chronicle excerpt, by the queue's layout version (the {@code layout-version} line of the
 * queue's {@code parquetry-schema.yaml}, fixed when the queue is created):
 *
 * <pre>
 *  version 1:  | excerpt header (4) | record (N bytes, schema.RecordLayout) | pad to 4 |
 *  version 2:  | excerpt header (4) | record (N bytes, schema.RecordLayout) | CRC32C of the N record bytes (4, LE) | pad to 4 |
 * </pre>
 *
 * A power cut may keep the page that holds an excerpt's header, complete, and lose a later page that held the rest of
 * its bytes (they read as zeros). In version 1 nothing tells such a torn record from a real one; in version 2 its
 * checksum does not match: the recorder's repair at open cuts it off, and a reader that meets it before (after a
 * reboot, before any recorder opened the queue) treats it as damage, never as a record ({@link SyncMark}). The checksum is CRC-32C (Castagnoli,
 * as {@link CRC32C} computes it: reflected, initial value and final xor {@code 0xFFFFFFFF}) of the record's bytes alone,
 * stored little-endian right after them. Every new queue is version 2 unless
 * the recorder's {@code RecorderOptions.recordChecksums(false)} turns it off; a version 1 queue stays version 1.
 */
public final class ExcerptFormat {

    /** Layout version 1: the excerpt is the record alone. */
    public static final int RECORD_ONLY = 1;
    /** Layout version 2: the record, then its CRC32C. */
    public static final int CHECKSUMMED = 2;
    /** Bytes of the checksum after the record (version 2). */
    public static final int CHECKSUM_LENGTH = 4;

    private final int version;
    private final int recordLength;
    private final int excerptLength;
    private final int stride;

    private ExcerptFormat(int version, int recordLength) {
        this.version = version;
        this.recordLength = recordLength;
        this.excerptLength = recordLength + (version == CHECKSUMMED ? CHECKSUM_LENGTH : 0);
        this.stride = (int) CycleFileDescriptor.nextHeaderAfter(0, excerptLength);
    }

    /**
     * The format of {@code version} for records of {@code recordLength} bytes.
     *
     * @throws IllegalArgumentException for a version this code does not know
     */
    public static ExcerptFormat of(int version, int recordLength) {
        if (version != RECORD_ONLY && version != CHECKSUMMED) {
            throw new IllegalArgumentException("unknown queue layout version: layoutVersion=" + version + ", supported=" + RECORD_ONLY + ".."
                    + CHECKSUMMED);
        }
        return new ExcerptFormat(version, recordLength);
    }

    public int version() {
        return version;
    }

    /** True when each excerpt carries its record's CRC32C. */
    public boolean checksummed() {
        return version == CHECKSUMMED;
    }

    /** The record's bytes, as the schema lays them out. */
    public int recordLength() {
        return recordLength;
    }

    /** An excerpt's bytes after its header: the record and, in version 2, its checksum. */
    public int excerptLength() {
        return excerptLength;
    }

    /** Header to header in a cycle file, for excerpts of records: header, excerpt, padding to 4 bytes. */
    public int stride() {
        return stride;
    }

    /** CRC32C of {@code length} bytes of {@code b} from {@code offset}, with {@code crc} as scratch (reset here). */
    public static int checksum(CRC32C crc, byte[] b, int offset, int length) {
        crc.reset();
        crc.update(b, offset, length);
        return (int) crc.getValue();
    }

    @Override
    public String toString() {
        return "layout version " + version + " (" + excerptLength + "-byte excerpts for " + recordLength + "-byte records"
                + (checksummed() ? ", CRC32C" : "") + ")";
    }
}
