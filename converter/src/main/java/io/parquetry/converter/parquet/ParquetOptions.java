package io.parquetry.converter.parquet;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * How Parquet files are encoded.
 *
 * @param compression page compression codec
 * @param pageV2 data page v2 (with delta encodings for integers) instead of v1
 * @param rowGroupBytes target buffered size of a row group before it is written out
 * @param pageBytes target size of a data page
 * @param dictionary dictionary encoding on or off
 */
public record ParquetOptions(CompressionCodecName compression, boolean pageV2, long rowGroupBytes, int pageBytes, boolean dictionary) {

    public static ParquetOptions defaults() {
        return new ParquetOptions(CompressionCodecName.ZSTD, true, 128L << 20, 1 << 20, true);
    }
}
