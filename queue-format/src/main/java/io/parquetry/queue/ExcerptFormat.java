package io.parquetry.queue;

import io.parquetry.schema.Schema;
import java.util.zip.CRC32C;

/**
 * How a record lies in its Chronicle excerpt, by the queue's layout version (the {@code layout-version} line of the
 * queue's {@code parquetry-schema.yaml}, fixed when the queue is created):
 *
 * <pre>
 *  version 1:  | excerpt header (4) | record (N bytes, schema.RecordLayout) | pad to 4 |
 *  version 2:  | excerpt header (4) | record (N bytes, schema.RecordLayout) | CRC32C of the N record bytes (4, LE) | pad to 4 |
 *  version 3:  | excerpt header (4) | record (fixed part + variable values: L bytes) | CRC32C of the L record bytes (4, LE) | pad to 4 |
 *  version 4:  | excerpt header (4) | record (L bytes) | schema version (4, LE) | CRC32C of the L + 4 bytes before it (4, LE) | pad to 4 |
 * </pre>
 *
 * Version 4 is the layout of every new queue (with checksums): each record says which version of the queue's schema wrote
 * it (its {@code version:}, unique in the queue's history), so that versions may change on the same queue, even while
 * processes of two versions append at once (docs/FORMAT.md §2.1). An instance of version 4 describes the records of one
 * schema version ({@link #of(int, Schema)}); a queue has one per version in its history.
 *
 * Version 3 is the layout of a queue whose schema has {@code string(N)} or {@code binary(N)} fields, and only of those:
 * records vary in length (the header's length is the record's plus 4), so a reader finds each record's end from its
 * header and each variable value's end from the record's fixed part (docs/FORMAT.md §3); every record has its checksum.
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
    /** Layout version 3: a record of variable length (a schema with string/binary fields), then its CRC32C. */
    public static final int VARIABLE = 3;
    /** Layout version 4: a record of any version of the queue's schema, its schema version, then their CRC32C. */
    public static final int VERSIONED = 4;
    /** The newest layout version this code reads and writes. */
    public static final int NEWEST = VERSIONED;
    /** Bytes of the checksum after the record (versions 2 and 3) or after its schema version (version 4). */
    public static final int CHECKSUM_LENGTH = 4;
    /** Bytes of the schema version after the record (version 4). */
    public static final int SCHEMA_VERSION_LENGTH = 4;

    private final int version;
    private final int recordLength;
    private final int excerptLength;
    private final int minRecordLength;
    private final int maxRecordLength;
    private final int stride;
    /** Bytes of an excerpt after its record: the schema version and the checksum, as the version has them. */
    private final int overhead;
    private final boolean variable;
    /** The schema version every record of this format carries (version 4), else 0. */
    private final int schemaVersion;

    private ExcerptFormat(int version, int minRecordLength, int maxRecordLength, boolean variable, int schemaVersion) {
        this.version = version;
        this.minRecordLength = minRecordLength;
        this.maxRecordLength = maxRecordLength;
        this.variable = variable;
        this.schemaVersion = version == VERSIONED ? schemaVersion : 0;
        this.overhead = version == RECORD_ONLY ? 0 : version == VERSIONED ? SCHEMA_VERSION_LENGTH + CHECKSUM_LENGTH : CHECKSUM_LENGTH;
        this.recordLength = variable ? -1 : minRecordLength;
        this.excerptLength = variable ? -1 : minRecordLength + overhead;
        this.stride = variable ? -1 : (int) CycleFileDescriptor.nextHeaderAfter(0, excerptLength);
    }

    /**
     * The format of {@code version} for records of {@code recordLength} bytes (a schema without variable fields).
     *
     * @throws IllegalArgumentException for a version this code does not know, or version 3 (records of one length have
     *     no variable part)
     */
    public static ExcerptFormat of(int version, int recordLength) {
        if (version != RECORD_ONLY && version != CHECKSUMMED) {
            throw new IllegalArgumentException("unknown queue layout version for records of one length: layoutVersion=" + version
                    + ", supported=" + RECORD_ONLY + ".." + CHECKSUMMED);
        }
        return new ExcerptFormat(version, recordLength, recordLength, false, 0);
    }

    /**
     * The format of {@code version} for the records of {@code schema}: version 3 for a schema with variable fields, 1 or 2
     * for one without.
     *
     * @throws IllegalArgumentException for a version this code does not know, or one that does not fit the schema
     */
    public static ExcerptFormat of(int version, Schema schema) {
        if (version < RECORD_ONLY || version > NEWEST) {
            throw new IllegalArgumentException("unknown queue layout version: layoutVersion=" + version + ", supported=" + RECORD_ONLY + ".."
                    + NEWEST + " (a newer Parquetry wrote this queue)");
        }
        if (version == VERSIONED) {
            return new ExcerptFormat(version, schema.fixedLength(), schema.maxRecordLength(), schema.variable(), schema.version());
        }
        if (schema.variable() != (version == VARIABLE)) {
            throw new IllegalArgumentException("queue layout version " + version + " does not fit schema " + schema.identity() + ": "
                    + (schema.variable() ? "its string/binary fields need version " + VARIABLE : "version " + VARIABLE
                    + " holds records with string/binary fields") + ": layoutVersion=" + version);
        }
        return version == VARIABLE ? new ExcerptFormat(version, schema.fixedLength(), schema.maxRecordLength(), true, 0)
                : new ExcerptFormat(version, schema.recordLength(), schema.recordLength(), false, 0);
    }

    /**
     * The records of every version in {@code history}, as one format: excerpts of any length one of them fits (for
     * whole-queue scans, such as the recorder's repair, that check lengths and checksums but not fields). For a queue of
     * layout 1 to 3, which has one version, the format of that version.
     */
    public static ExcerptFormat anyOf(int version, SchemaHistory history) {
        if (version != VERSIONED) {
            return of(version, history.newest().schema());
        }
        int min = Integer.MAX_VALUE;
        int max = 0;
        boolean variable = false;
        for (SchemaHistory.Version v : history.versions()) {
            min = Math.min(min, v.schema().fixedLength());
            max = Math.max(max, v.schema().maxRecordLength());
            variable |= v.schema().variable();
        }
        return new ExcerptFormat(version, min, max, variable || min != max, 0);
    }

    /** The layout version a new queue gets for {@code schema}: 4 (or 1 without checksums, for records of one length). */
    public static int versionFor(Schema schema, boolean checksums) {
        if (schema.variable() && !checksums) {
            throw new IllegalArgumentException("records with string/binary fields always carry their checksum: recordChecksums=false, schema="
                    + schema.identity());
        }
        return checksums ? VERSIONED : RECORD_ONLY;
    }

    /** True when records vary in length (version 3, or version 4 of a schema with string/binary fields). */
    public boolean variable() {
        return variable;
    }

    /** True when each record carries its schema version (version 4). */
    public boolean versioned() {
        return version == VERSIONED;
    }

    /** The schema version the records of this format carry (version 4), else 0. */
    public int schemaVersion() {
        return schemaVersion;
    }

    /** Bytes of an excerpt after its record: 0, 4 (the checksum), or 8 (schema version and checksum, version 4). */
    public int overhead() {
        return overhead;
    }

    /** The shortest record's bytes: the record length, or for version 3 the schema's fixed part. */
    public int minRecordLength() {
        return minRecordLength;
    }

    /** The longest record's bytes. */
    public int maxRecordLength() {
        return maxRecordLength;
    }

    /** The shortest excerpt of a record: the shortest record and its checksum. */
    public int minExcerptLength() {
        return minRecordLength + overhead;
    }

    /** The longest excerpt of a record. */
    public int maxExcerptLength() {
        return maxRecordLength + overhead;
    }

    /** True when an excerpt of {@code excerptLength} bytes may hold one record of the schema. */
    public boolean fits(long excerptLength) {
        return excerptLength >= minExcerptLength() && excerptLength <= maxExcerptLength();
    }

    /** The record's bytes in an excerpt of {@code excerptLength} bytes. */
    public int recordLengthIn(int excerptLength) {
        return excerptLength - overhead;
    }

    /** The bytes a checksum covers in an excerpt of {@code excerptLength} bytes: all but the checksum (record, schema version). */
    public int checkedLengthIn(int excerptLength) {
        return excerptLength - CHECKSUM_LENGTH;
    }

    /** The schema version stored in an excerpt of version 4 of {@code excerptLength} bytes: where it lies from the excerpt's start. */
    public static int schemaVersionAt(int excerptLength) {
        return excerptLength - CHECKSUM_LENGTH - SCHEMA_VERSION_LENGTH;
    }

    public int version() {
        return version;
    }

    /** True when each excerpt carries its record's CRC32C. */
    public boolean checksummed() {
        return version != RECORD_ONLY;
    }

    /** The record's bytes, as the schema lays them out (records of one length: versions 1 and 2). */
    public int recordLength() {
        fixedOnly("recordLength");
        return recordLength;
    }

    /** An excerpt's bytes after its header: the record and what follows it (records of one length). */
    public int excerptLength() {
        fixedOnly("excerptLength");
        return excerptLength;
    }

    /** Header to header in a cycle file, for excerpts of records: header, excerpt, padding to 4 bytes (versions 1 and 2). */
    public int stride() {
        fixedOnly("stride");
        return stride;
    }

    private void fixedOnly(String what) {
        if (variable) {
            throw new IllegalStateException("records of " + this + " vary in length: no single " + what);
        }
    }

    /** CRC32C of {@code length} bytes of {@code b} from {@code offset}, with {@code crc} as scratch (reset here). */
    public static int checksum(CRC32C crc, byte[] b, int offset, int length) {
        crc.reset();
        crc.update(b, offset, length);
        return (int) crc.getValue();
    }

    @Override
    public String toString() {
        String v = version == VERSIONED ? " of schema version " + schemaVersion : "";
        if (variable) {
            return "layout version " + version + " (" + minExcerptLength() + " to " + maxExcerptLength() + "-byte excerpts for records" + v + " of "
                    + minRecordLength + " to " + maxRecordLength + " bytes, CRC32C)";
        }
        return "layout version " + version + " (" + excerptLength + "-byte excerpts for " + recordLength + "-byte records" + v
                + (checksummed() ? ", CRC32C" : "") + ")";
    }
}
