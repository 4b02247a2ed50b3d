/**
 * Parquet encoding: the mapping of a Parquetry schema to a Parquet message type, and a part writer that decodes records
 * straight into parquet-hadoop's column writers and writes one file through a Hadoop {@code FileSystem}.
 */
package io.parquetry.converter.parquet;
