/**
 * The converter service: tails a recorder's queue from its checkpoint, writes Parquet parts into a partitioned dataset
 * through Hadoop's FileSystem, commits each part exactly once (DESIGN §4), and publishes its state and takes commands
 * through its status file (DESIGN §5).
 */
package io.parquetry.converter;
