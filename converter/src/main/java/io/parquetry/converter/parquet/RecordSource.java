package io.parquetry.converter.parquet;

/**
 * Records in the schema's layout, copied one after the other where the file wants them (straight from the queue's
 * mapping). Records of a schema with {@code string(N)} or {@code binary(N)} fields vary in length: the file asks each
 * one's {@link #nextLength()} before copying it.
 */
@FunctionalInterface
public interface RecordSource {

    /** Copies the next record's {@code length} bytes to {@code dst} at {@code offset}. */
    void copyTo(byte[] dst, int offset, int length);

    /**
     * Bytes of the next record, asked before each record of a schema with variable fields (never for a schema without:
     * its records all have the schema's length). A source of such records must say.
     */
    default int nextLength() {
        throw new UnsupportedOperationException("this source does not know its records' lengths: a schema with variable fields needs them");
    }

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
