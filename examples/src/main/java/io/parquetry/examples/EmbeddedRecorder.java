package io.parquetry.examples;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.schema.Field;
import io.parquetry.schema.Schema;
import java.nio.file.Path;

/**
 * An application that records market-data events: {@code java <flags> -cp … io.parquetry.examples.EmbeddedRecorder
 * SCHEMA QUEUE COUNT}, where the flags are {@code parquetry.jvm.flags} of {@code conf/jvm.properties} (without them
 * Chronicle fails with {@code IllegalAccessException} on {@code FileChannelImpl.map0}). Prints how many records it
 * appended and how many the disk guard refused.
 */
public final class EmbeddedRecorder {

    private static final String[] SYMBOLS = {"AAPL", "MSFT", "NVDA", "AMZN"};

    private EmbeddedRecorder() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: EmbeddedRecorder SCHEMA.yaml QUEUE_DIR COUNT");
            System.exit(2);
        }
        Schema schema = Schema.load(Path.of(args[0]));
        long count = Long.parseLong(args[2]);
        // Resolve the field handles once; the loop below allocates nothing.
        Field ts = schema.field("timestamp_ns");
        Field symbol = schema.field("symbol");
        Field orderId = schema.field("order_id");
        Field side = schema.field("side");
        Field price = schema.field("price");
        Field quantity = schema.field("quantity");
        Field orderType = schema.field("order_type");
        Field exchange = schema.field("exchange");
        long refused = 0;
        try (Recorder recorder = Recorder.open(Path.of(args[1]), schema)) {
            try (RecordWriter w = recorder.newWriter()) { // one writer per producing thread
                for (long i = 0; i < count; i++) {
                    if (w.begin() != RecordWriter.OK) { // REFUSED_DISK_GUARD or REFUSED_CLOSED: counted, not thrown
                        refused++;
                        continue;
                    }
                    try {
                        w.setLong(ts, System.currentTimeMillis() * 1_000_000L).setChars(symbol, SYMBOLS[(int) (i & 3)]).setLong(orderId, i)
                                .setInt(side, (int) (i & 1)).setLong(price, 18_512_000_000L + i).setLong(quantity, 100)
                                .setInt(orderType, 0).setInt(exchange, 1);
                        w.commit();
                    } finally {
                        w.abort(); // rolls back anything not committed; a no-op after commit
                    }
                }
            }
            System.out.println("appended " + recorder.appended() + " records, refused " + refused);
        }
    }
}
