/**
 * The queue format: what recorders and converters must agree on about a queue directory (docs/FORMAT.md). The
 * queue's schema file and identity ({@link io.parquetry.queue.QueueSchemaStore}, {@link io.parquetry.queue.QueueIdentity}),
 * the excerpt around each record ({@link io.parquetry.queue.ExcerptFormat}), roll-cycle names, the sync mark, and the
 * only code that knows the layout of Chronicle's cycle files ({@link io.parquetry.queue.CycleFileDescriptor},
 * {@link io.parquetry.queue.CycleFile}, {@link io.parquetry.queue.CycleFiles}).
 */
package io.parquetry.queue;
