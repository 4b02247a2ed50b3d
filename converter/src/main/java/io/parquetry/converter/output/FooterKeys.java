package io.parquetry.converter.output;

/** Key-value metadata every committed file carries in its footer (docs/FORMAT.md §7). */
public final class FooterKeys {

    public static final String QUEUE = "parquetry.queue";
    /** The queue's identity (16 hex digits); absent in files written before queue identities. */
    public static final String QUEUE_ID = "parquetry.queue_id";
    public static final String SOURCE = "parquetry.source";
    public static final String FIRST_INDEX = "parquetry.first_index";
    public static final String LAST_INDEX = "parquetry.last_index";
    public static final String RECORD_COUNT = "parquetry.record_count";
    public static final String SCHEMA_NAME = "parquetry.schema.name";
    public static final String SCHEMA_VERSION = "parquetry.schema.version";
    public static final String SCHEMA_FINGERPRINT = "parquetry.schema.fingerprint";
    public static final String CONVERTER_VERSION = "parquetry.converter.version";
    /**
     * CRC-32C of the bytes of the file's first and last record ({@code RecordReader.recordChecksum}), 8 hex digits: what
     * recovery and {@code verify} compare with the queue's records at those indexes, so that a file is never taken for
     * the queue's records when the queue holds others there (a queue that lost records in a power cut and got new ones at
     * the same indexes, a queue restored from a backup). Absent in files written before this version.
     */
    public static final String FIRST_RECORD_CRC32C = "parquetry.first_record_crc32c";
    public static final String LAST_RECORD_CRC32C = "parquetry.last_record_crc32c";
    /** Present when timestamps were converted to another unit ({@code parquet.timestampUnit}): nanos, micros or millis. */
    public static final String TIMESTAMP_UNIT = "parquetry.timestamp_unit";

    private FooterKeys() {
    }

    /** A record checksum as the footer keeps it. */
    public static String checksumText(long checksum) {
        return String.format(java.util.Locale.ROOT, "%08x", checksum & 0xFFFF_FFFFL);
    }

    /** The record checksum under {@code key} (0 .. 2^32-1), or -1 when the footer has none that parses. */
    public static long checksum(java.util.Map<String, String> keyValues, String key) {
        String v = keyValues.get(key);
        if (v == null || !v.matches("[0-9a-f]{8}")) {
            return -1;
        }
        return Long.parseLong(v, 16);
    }
}
