/**
 * Parquet encoding: the mapping of a Parquetry schema to a Parquet message type, and one Parquet file written from
 * records in a schema's layout ({@link io.parquetry.converter.parquet.ParquetPartFile}), encoded on the converter's
 * encoder threads and written through a Hadoop {@code FileSystem}.
 */
package io.parquetry.converter.parquet;
