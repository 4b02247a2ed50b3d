/**
 * Apache Iceberg table commits (docs/TABLES.md): a {@link io.parquetry.converter.table.TableSinkProvider} found with
 * ServiceLoader that appends each committed Parquet file to an Iceberg table in one snapshot, exactly once, through
 * Iceberg's JDBC catalog (an embedded SQLite file, or PostgreSQL) or its Hadoop catalog (HDFS). An optional module: its
 * dependencies (Iceberg, Avro, Jackson) stay off the core's and the console's class paths.
 */
package io.parquetry.iceberg;
