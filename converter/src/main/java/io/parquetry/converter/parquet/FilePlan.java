package io.parquetry.converter.parquet;

import java.util.function.BooleanSupplier;

/**
 * What every row group of one file is encoded with.
 *
 * @param hook called on the encoder thread before each column chunk (tests inject failures and delays through it)
 */
record FilePlan(ColumnLayout[] columns, ParquetOptions options, ColumnHook hook) {

    /** A test seam: runs before a column chunk is encoded; {@code abandoned} turns true when the file is aborted. */
    interface ColumnHook {
        ColumnHook NONE = (rowGroup, column, abandoned) -> {
        };

        void beforeColumn(int rowGroup, String column, BooleanSupplier abandoned);
    }
}
