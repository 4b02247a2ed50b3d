/**
 * Checking a dataset against its queue from the footers alone: the converted index range covered exactly once by
 * committed files, counts that match the queue, and what else lies in the dataset. {@code parquetry verify} is its
 * command line; nothing here writes.
 */
package io.parquetry.converter.verify;
