package io.parquetry.iceberg;

/**
 * What a converter's snapshot records. Every append is one snapshot whose summary carries these keys; the table
 * property {@link #lastIndexProperty} carries the same last index, so the record survives snapshot expiry.
 */
final class SummaryKeys {

    static final String SOURCE = "parquetry.source";
    static final String QUEUE_ID = "parquetry.queue-id";
    static final String FIRST_INDEX = "parquetry.first-index";
    static final String LAST_INDEX = "parquetry.last-index";
    static final String FILE = "parquetry.file";
    static final String CONVERTER_VERSION = "parquetry.converter-version";
    /**
     * CRC-32C of the file's last record (8 hex digits, as the file's footer and the converter's checkpoint keep it): tells
     * the queue's record at the last index from another that a queue which lost records in a power cut got there later.
     * Absent for a file whose footer has none.
     */
    static final String LAST_RECORD_CRC32C = "parquetry.last-record-crc32c";

    private SummaryKeys() {
    }

    /** The table property that holds a source's last committed index for one queue. */
    static String lastIndexProperty(String source, String queueId) {
        return "parquetry.last-index." + source + "." + queueId;
    }
}
