/**
 * Schemas: the YAML description of a fixed-layout record, its canonical form and fingerprint, and the
 * byte layout every record follows (null bitmap, then the fields packed little-endian in declaration order).
 * A {@link io.parquetry.schema.Field} is also the pre-resolved handle writers and readers use on the hot path.
 */
package io.parquetry.schema;
