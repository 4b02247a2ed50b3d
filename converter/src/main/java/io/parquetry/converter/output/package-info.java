/**
 * The files of a dataset: where they live ({@link io.parquetry.converter.output.Output}, any Hadoop file system), what
 * they are called ({@link io.parquetry.converter.output.DatasetPaths}), the one converter per source
 * ({@link io.parquetry.converter.output.OutputLease}), and one file's life cycle from its first record to its commit
 * ({@link io.parquetry.converter.output.Part}).
 */
package io.parquetry.converter.output;
