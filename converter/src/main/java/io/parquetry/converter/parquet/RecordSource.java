package io.parquetry.converter.parquet;

/** One record in the schema's layout, copied where the file wants it (straight from the queue's mapping). */
@FunctionalInterface
public interface RecordSource {

    /** Copies the record's {@code length} bytes to {@code dst} at {@code offset}. */
    void copyTo(byte[] dst, int offset, int length);
}
