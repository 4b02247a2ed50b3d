package io.parquetry.converter.parquet;

/**
 * Records in the schema's layout, copied one after the other where the file wants them (straight from the queue's
 * mapping).
 */
@FunctionalInterface
public interface RecordSource {

    /** Copies the next record's {@code length} bytes to {@code dst} at {@code offset}. */
    void copyTo(byte[] dst, int offset, int length);
}
