/**
 * The converter service: tails a recorder's queue from its checkpoint, writes Parquet parts into a partitioned dataset,
 * commits each part exactly once (docs/ARCHITECTURE.md, "Exactly once") and retries failures of its output, and publishes its state and takes
 * commands through its status file (docs/ARCHITECTURE.md, "The status protocol"). {@link io.parquetry.converter.Converter} is the entry point;
 * docs/ARCHITECTURE.md maps its parts.
 */
package io.parquetry.converter;
