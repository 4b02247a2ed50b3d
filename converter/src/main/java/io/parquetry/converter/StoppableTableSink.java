package io.parquetry.converter;

import io.parquetry.converter.table.PublishedFile;
import io.parquetry.converter.table.TableSink;
import java.io.IOException;

/**
 * A table sink whose calls a {@link StopRequest} may interrupt: a catalog that cannot be reached, or table metadata that
 * Iceberg keeps re-reading, must not keep a converter asked to stop from stopping.
 */
final class StoppableTableSink implements TableSink {

    private final TableSink sink;
    private final StopRequest stop;

    StoppableTableSink(TableSink sink, StopRequest stop) {
        this.sink = sink;
        this.stop = stop;
    }

    @Override
    public long lastCommittedIndex() throws IOException {
        stop.enter("reading the table " + sink.describe());
        try {
            return sink.lastCommittedIndex();
        } finally {
            stop.exit();
        }
    }

    @Override
    public void append(PublishedFile file) throws IOException {
        stop.enter("appending " + file.path() + " to the table " + sink.describe());
        try {
            sink.append(file);
        } finally {
            stop.exit();
        }
    }

    @Override
    public String describe() {
        return sink.describe();
    }

    @Override
    public void close() {
        sink.close();
    }
}
