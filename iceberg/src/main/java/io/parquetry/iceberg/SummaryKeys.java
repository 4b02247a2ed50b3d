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

    private SummaryKeys() {
    }

    /** The table property that holds a source's last committed index for one queue. */
    static String lastIndexProperty(String source, String queueId) {
        return "parquetry.last-index." + source + "." + queueId;
    }
}
