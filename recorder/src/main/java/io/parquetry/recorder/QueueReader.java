package io.parquetry.recorder;

import io.parquetry.schema.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads a recorder's queue in order with the schema stored in it. Single-threaded, like a Chronicle tailer.
 * Records are handed to a {@link Consumer} while the excerpt is held, so nothing is copied.
 */
public final class QueueReader implements AutoCloseable {

    /** Receives each excerpt; {@code record} is valid only during the call. */
    @FunctionalInterface
    public interface Consumer {
        /**
         * @param index the excerpt's queue index
         * @param record the decoder, pointed at the excerpt (see {@link RecordReader#matchesSchema()})
         */
        void accept(long index, RecordReader record);
    }

    /** The file in a queue directory that holds its schema and identity. */
    public static final String SCHEMA_FILE_NAME = "parquetry-schema.yaml";

    private final Path queueDir;
    private final Schema schema;
    private final QueueIdentity identity;
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    // Chronicle's excerptsInCycle moves the tailer it is asked on: counting uses a tailer of its own, never the reading one.
    private ExcerptTailer counter;
    private final RecordReader reader;

    private QueueReader(Path queueDir) {
        if (!Files.isDirectory(queueDir)) {
            throw new IllegalArgumentException("queue directory does not exist or is not a directory: queue=" + queueDir);
        }
        if (!Files.isReadable(queueDir)) {
            throw new IllegalArgumentException("queue directory is not readable: queue=" + queueDir);
        }
        this.queueDir = queueDir;
        this.schema = QueueSchemaStore.read(queueDir);
        this.identity = QueueSchemaStore.identity(queueDir);
        String rollCycle = QueueSchemaStore.rollCycle(queueDir);
        this.queue = rollCycle == null ? ChronicleQueue.singleBuilder(queueDir).build()
                : ChronicleQueue.singleBuilder(queueDir).rollCycle(RollCycleNames.resolve(rollCycle)).build();
        this.tailer = queue.createTailer();
        this.reader = new RecordReader(schema);
    }

    /** Opens the queue in {@code queueDir}; its schema comes from the directory, never from the caller. */
    public static QueueReader open(Path queueDir) {
        return new QueueReader(queueDir);
    }

    public Schema schema() {
        return schema;
    }

    /** The queue's identity (a queue created before identities gets one on this first open). */
    public QueueIdentity identity() {
        return identity;
    }

    public Path queueDir() {
        return queueDir;
    }

    /** How long one cycle (one cycle file) lasts. */
    public long cycleLengthMillis() {
        return queue.rollCycle().lengthInMillis();
    }

    /** The queue's cycle files with their cycles, oldest first; names that are not of this queue's roll cycle are left out. */
    public java.util.SortedMap<Integer, Path> cycleFiles() throws java.io.IOException {
        java.util.SortedMap<Integer, Path> out = new java.util.TreeMap<>();
        for (Path f : QueueFiles.cycleFiles(queueDir)) {
            int c = QueueFiles.cycleOf(f.getFileName().toString(), queue.rollCycle());
            if (c >= 0) {
                out.put(c, f);
            }
        }
        return out;
    }

    /**
     * Hands the reader to the calling thread. A Chronicle tailer is confined to one thread at a time; call this when the
     * thread that opened the reader passes it on (the previous thread must no longer use it).
     */
    public void claimForCurrentThread() {
        ((net.openhft.chronicle.core.io.SingleThreadedChecked) tailer).singleThreadedCheckReset();
    }

    /** Positions before the first record of the queue. */
    public void toStart() {
        tailer.toStart();
    }

    /**
     * Positions so the next record read is the one at {@code index}.
     *
     * @return false when the queue has no record at that index (the position is then undefined)
     */
    public boolean moveTo(long index) {
        return tailer.moveToIndex(index);
    }

    /**
     * Reads at most {@code max} records, handing each to {@code consumer}.
     *
     * @return the number read; 0 when the reader is at the end of the queue
     */
    public int read(Consumer consumer, int max) {
        int n = 0;
        while (n < max) {
            try (DocumentContext dc = tailer.readingDocument()) {
                if (!dc.isPresent()) {
                    break;
                }
                Bytes<?> b = dc.wire().bytes();
                long pos = b.readPosition();
                long len = b.readRemaining();
                reader.wrap(b, pos, len);
                consumer.accept(dc.index(), reader);
                n++;
            }
        }
        return n;
    }

    /** Index of the last record in the queue, or -1 when empty. */
    public long lastIndex() {
        return queue.lastIndex();
    }

    /** Index of the first record in the queue, or Long.MAX_VALUE when empty. */
    public long firstIndex() {
        return queue.firstIndex();
    }

    /** Cycle of an index (hour number since the epoch for hourly cycles). */
    public int cycleOf(long index) {
        return queue.rollCycle().toCycle(index);
    }

    /**
     * Records after {@code from} up to and including {@code to} (indexes of this queue; their cycles may differ);
     * {@code from} below 0 counts from the queue's first record.
     */
    public long recordsBetween(long from, long to) {
        if (to <= from) {
            return 0;
        }
        if (from < 0) {
            long first = firstIndex();
            return first == Long.MAX_VALUE || first > to ? 0 : 1 + recordsBetween(first, to);
        }
        int c1 = cycleOf(from);
        int c2 = cycleOf(to);
        if (c1 == c2) {
            return to - from;
        }
        RollCycle rc = queue.rollCycle();
        long n = recordsInCycle(c1) - 1 - rc.toSequenceNumber(from);
        for (int c = c1 + 1; c < c2; c++) {
            n += recordsInCycle(c);
        }
        return n + rc.toSequenceNumber(to) + 1;
    }

    /** Records in a cycle, from Chronicle's index. Does not move the reading position. */
    public long recordsInCycle(int cycle) {
        if (counter == null) {
            counter = queue.createTailer();
        }
        ((net.openhft.chronicle.core.io.SingleThreadedChecked) counter).singleThreadedCheckReset();
        return counter.excerptsInCycle(cycle);
    }

    @Override
    public void close() {
        if (counter != null) {
            ((net.openhft.chronicle.core.io.SingleThreadedChecked) counter).singleThreadedCheckReset();
            counter.close();
        }
        tailer.close();
        queue.close();
    }
}
