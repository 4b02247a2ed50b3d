package io.parquetry.converter.output;

/** Key-value metadata every committed file carries in its footer (DESIGN §4). */
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
    /** Present when timestamps were converted to another unit ({@code parquet.timestampUnit}): nanos, micros or millis. */
    public static final String TIMESTAMP_UNIT = "parquetry.timestamp_unit";

    private FooterKeys() {
    }
}
