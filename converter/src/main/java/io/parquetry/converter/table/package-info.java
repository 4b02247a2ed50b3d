/**
 * The converter's table SPI: after a Parquet file is committed (published under its final name), a {@link
 * io.parquetry.converter.table.TableSink} appends it to a table in one atomic commit, and tells recovery the last queue
 * index this source committed there. Implementations are found with {@link java.util.ServiceLoader} through {@link
 * io.parquetry.converter.table.TableSinkProvider}, so their dependencies (Iceberg, Avro, Jackson) stay out of the core.
 */
package io.parquetry.converter.table;
