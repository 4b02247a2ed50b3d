package io.parquetry.converter.table;

import java.io.IOException;

/**
 * Appends committed files of one source and one queue to one table, exactly once. One converter owns a sink; it is not
 * thread-safe. Other sources (other converters, other hosts) may append to the same table at the same time.
 *
 * <p>How the converter uses it (docs/ARCHITECTURE.md, docs/TABLES.md): write → sync → publish the file → {@link #append} →
 * write the checkpoint. Recovery walks the committed files of this queue from the lower of the checkpoint and
 * {@link #lastCommittedIndex()}, in index order: a file whose last index is greater than {@code lastCommittedIndex()}
 * is appended (a crash between publish and append), one at or below it is in the table already (a crash between
 * append and checkpoint); then the checkpoint moves past it. After {@link #append} throws, ask
 * {@link #lastCommittedIndex()} again before retrying: a commit whose outcome was unknown may have landed.
 */
public interface TableSink extends AutoCloseable {

    /**
     * The last queue index this source committed into the table for this queue identity, or -1 when it committed
     * nothing. Read from the table (snapshot summaries), never from local state.
     */
    long lastCommittedIndex() throws IOException;

    /**
     * Appends the file in one snapshot whose summary records the source, the queue identity and the file's first and
     * last index; retries on commit conflicts with other writers.
     *
     * @throws IllegalStateException when the file, or any record of it, is in the table already (its first index is not
     *     after {@link #lastCommittedIndex()}): appending it would duplicate records
     * @throws IOException when the table cannot be reached or the commit fails after its retries
     */
    void append(PublishedFile file) throws IOException;

    /** What the sink writes to, for logs and the status file: {@code iceberg:catalog/namespace.table}. */
    String describe();

    @Override
    void close();
}
