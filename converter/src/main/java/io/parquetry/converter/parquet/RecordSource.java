package io.parquetry.converter.parquet;

/**
 * Records in the schema's layout, copied one after the other where the file wants them (straight from the queue's
 * mapping).
 */
@FunctionalInterface
public interface RecordSource {

    /** Copies the next record's {@code length} bytes to {@code dst} at {@code offset}. */
    void copyTo(byte[] dst, int offset, int length);

    /**
     * Copies the next {@code n} records' {@code length} bytes to {@code dst}, record {@code j} at
     * {@code offset + j * slot} ({@code slot >= length}); what the bytes of a slot after its record hold is undefined.
     * A source whose records lie {@code slot} bytes apart (a run in the queue's file) copies them in one piece.
     */
    default void copyTo(byte[] dst, int offset, int n, int slot, int length) {
        for (int j = 0; j < n; j++) {
            copyTo(dst, offset + j * slot, length);
        }
    }
}
