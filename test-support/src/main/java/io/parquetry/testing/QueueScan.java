package io.parquetry.testing;

import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.QueueSchemaStore;
import io.parquetry.queue.RollCycleNames;
import io.parquetry.reader.QueueReader;
import io.parquetry.schema.RecordLayout;
import io.parquetry.schema.Schema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A test's own reading of a market-data queue, independent of {@link QueueReader} and its verifier: Chronicle's plain
 * tailer from the start, each excerpt's CRC-32C checked here. What tests count a converter's output against.
 */
public final class QueueScan {

    /** One record: its queue index, {@code order_id} and {@code exchange}. */
    public record Row(long index, long orderId, int exchange) {
    }

    /** The records, in queue order, and the indexes of excerpts that are not whole records (wrong length, checksum or schema version). */
    public record Result(List<Row> rows, List<Long> damaged) {
    }

    private QueueScan() {
    }

    public static Result scan(Path queueDir) {
        Schema schema = QueueSchemaStore.read(queueDir);
        ExcerptFormat format = ExcerptFormat.of(QueueSchemaStore.layoutVersion(queueDir), schema);
        int orderIdAt = schema.field("order_id").offset();
        int exchangeAt = schema.field("exchange").offset();
        List<Row> rows = new ArrayList<>();
        List<Long> damaged = new ArrayList<>();
        byte[] b = new byte[format.excerptLength()];
        CRC32C crc = new CRC32C();
        try (SingleChronicleQueue q = ChronicleQueue.singleBuilder(queueDir).readOnly(true)
                .rollCycle(RollCycleNames.resolve(QueueSchemaStore.rollCycle(queueDir))).build(); ExcerptTailer t = q.createTailer()) {
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    Bytes<?> bytes = dc.wire().bytes();
                    if (bytes.readRemaining() != format.excerptLength()) {
                        damaged.add(dc.index());
                        continue;
                    }
                    bytes.read(b, 0, b.length);
                    int n = format.checkedLengthIn(b.length); // the record, and in layout version 4 its schema version
                    if (format.checksummed() && ExcerptFormat.checksum(crc, b, 0, n) != RecordLayout.getInt(b, n)) {
                        damaged.add(dc.index());
                        continue;
                    }
                    if (format.versioned() && RecordLayout.getInt(b, ExcerptFormat.schemaVersionAt(b.length)) != schema.version()) {
                        damaged.add(dc.index()); // whole, but says another version: not a record of this schema
                        continue;
                    }
                    rows.add(new Row(dc.index(), RecordLayout.getLong(b, orderIdAt), RecordLayout.getInt(b, exchangeAt)));
                }
            }
        }
        return new Result(rows, damaged);
    }
}
