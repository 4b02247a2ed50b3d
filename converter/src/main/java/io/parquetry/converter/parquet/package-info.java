/**
 * Parquet encoding, column at a time: {@link io.parquetry.converter.parquet.ParquetPartFile} copies records into row
 * groups, a shared {@link io.parquetry.converter.parquet.RowGroupEncoders} pool transposes each into column vectors and
 * encodes it (encoding chosen per chunk from the data, statistics, compression), and the file's own thread appends the
 * finished pages through parquet-hadoop's {@code ParquetFileWriter}, in order. Also the schema mapping and an output
 * file that syncs before it closes.
 */
package io.parquetry.converter.parquet;
