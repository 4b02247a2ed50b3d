package io.parquetry.reader;

import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.QueueSchemaStore;
import io.parquetry.queue.RollCycleNames;
import io.parquetry.schema.Schema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A queue read by Chronicle's plain tailer, not by {@link QueueReader}: each excerpt handed to a {@link RecordReader}
 * pointed at it where it lies, or copied out whole (the record and what its layout puts after it: in layout version 4
 * its schema version, then the checksum) for a test to look at its bytes.
 */
final class RawExcerpts {

    /** What a test does with each excerpt, in place; the reader is valid only during the call. */
    interface Visitor {
        void visit(long index, RecordReader record);
    }

    private RawExcerpts() {
    }

    static ExcerptFormat format(Path queueDir) {
        return ExcerptFormat.of(QueueSchemaStore.layoutVersion(queueDir), QueueSchemaStore.read(queueDir));
    }

    /** Visits every excerpt from the start, the reader wrapping the excerpt's bytes in the mapped cycle file. */
    static int forEach(Path queueDir, Visitor visitor) {
        Schema schema = QueueSchemaStore.read(queueDir);
        RecordReader reader = new RecordReader(schema, format(queueDir));
        int n = 0;
        try (SingleChronicleQueue q = ChronicleQueue.singleBuilder(queueDir).readOnly(true)
                .rollCycle(RollCycleNames.resolve(QueueSchemaStore.rollCycle(queueDir))).build(); ExcerptTailer t = q.createTailer()) {
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        return n;
                    }
                    Bytes<?> b = dc.wire().bytes();
                    reader.wrap(b.bytesStore(), b.readPosition(), b.readRemaining());
                    visitor.visit(dc.index(), reader);
                    n++;
                }
            }
        }
    }

    /** Every excerpt's bytes, copied: the record, then (layout version 4) its schema version, then its CRC32C. */
    static List<byte[]> copies(Path queueDir) {
        List<byte[]> out = new ArrayList<>();
        forEach(queueDir, (index, r) -> {
            byte[] b = new byte[r.length()];
            r.copyTo(b, 0, b.length);
            out.add(b);
        });
        return out;
    }

    /** A reader of {@code schema} pointed at a copy of an excerpt. */
    static RecordReader over(Schema schema, ExcerptFormat format, byte[] excerpt) {
        RecordReader r = new RecordReader(schema, format);
        r.wrap(BytesStore.wrap(excerpt), 0, excerpt.length);
        return r;
    }
}
