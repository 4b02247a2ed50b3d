package io.parquetry.testing;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.schema.Field;
import io.parquetry.schema.Schema;
import java.nio.file.Path;

/** The market-data example schema and a garbage-free way to fill one record, shared by tests. */
public final class MarketData {

    public final Schema schema;
    public final Field ts;
    public final Field symbol;
    public final Field orderId;
    public final Field side;
    public final Field price;
    public final Field quantity;
    public final Field orderType;
    public final Field exchange;
    private static final String[] SYMBOLS = {"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "BRK.B"};

    public MarketData() {
        this(Schema.load(Path.of(System.getProperty("parquetry.root", "..")).resolve("conf/schemas/market-data.yaml")));
    }

    public MarketData(Schema schema) {
        this.schema = schema;
        ts = schema.field("timestamp_ns");
        symbol = schema.field("symbol");
        orderId = schema.field("order_id");
        side = schema.field("side");
        price = schema.field("price");
        quantity = schema.field("quantity");
        orderType = schema.field("order_type");
        exchange = schema.field("exchange");
    }

    public int write(RecordWriter w, long i) {
        return write(w, i, (int) (i % 12));
    }

    /** As {@link #write(RecordWriter, long)}, with {@code exchange} given (a power-cut test's incarnation, say). */
    public int write(RecordWriter w, long i, int exchangeValue) {
        int rc = w.begin();
        if (rc == RecordWriter.OK) {
            try {
                w.setLong(ts, 1_763_700_000_000_000_000L + i * 1000).setChars(symbol, SYMBOLS[(int) (i & 7)]).setLong(orderId, i)
                        .setInt(side, (int) (i & 1)).setLong(price, 10_000_000_000L + (i % 10_000) * 1_000_000L)
                        .setLong(quantity, 100 + (i % 900)).setInt(orderType, (int) (i % 4)).setInt(exchange, exchangeValue);
                w.commit();
            } finally {
                w.abort();
            }
        }
        return rc;
    }
}
