package io.parquetry.converter.parquet;

import io.parquetry.schema.Schema;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Child JVM of {@link ParquetPartFileMemoryTest}: encodes N market-data-like records with the default options into one
 * file and prints what the heap held. Arguments: records, output file, encoder threads.
 */
public final class SmallHeapEncode {

    static final String MARKET_DATA = "name: market_data\nversion: 1\nfields:\n  - {name: timestamp_ns, type: timestamp(ns)}\n"
            + "  - {name: symbol, type: char(8)}\n  - {name: order_id, type: int64}\n  - {name: side, type: int32}\n"
            + "  - {name: price, type: 'decimal(18,8)'}\n  - {name: quantity, type: int64}\n  - {name: order_type, type: int32}\n"
            + "  - {name: exchange, type: int32}\n";
    private static final String[] SYMBOLS = {"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "BRK.B", "JPM", "V", "XOM", "UNH",
        "ORCL", "AVGO", "COST", "NFLX"};

    private SmallHeapEncode() {
    }

    public static void main(String[] args) throws Exception {
        long records = Long.parseLong(args[0]);
        Path file = Path.of(args[1]);
        int threads = Integer.parseInt(args[2]);
        Schema schema = Schema.parse(MARKET_DATA, "market-data");
        int len = schema.recordLength();
        int batch = 4096;
        byte[] recs = new byte[batch * len];
        ByteBuffer b = ByteBuffer.wrap(recs).order(ByteOrder.LITTLE_ENDIAN);
        long peakUsed = 0;
        ParquetOptions options = ParquetOptions.defaults();
        try (RowGroupEncoders pool = new RowGroupEncoders(threads, "small-heap")) {
            ParquetPartFile f = ParquetPartFile.create(schema, options, new LocalOutputFile(file), pool);
            for (long i = 0; i < records; i += batch) {
                int n = (int) Math.min(batch, records - i);
                fill(b, recs, len, i, n);
                f.append(recs, 0, n);
                if ((i / batch) % 16 == 0) {
                    peakUsed = Math.max(peakUsed, afterLastGc());
                }
            }
            long bytes = f.end(Map.of());
            System.out.printf("rows=%d bytes=%d fileBytes=%d maxHeapMiB=%d rowGroupMiB=%d threads=%d largestHeapAfterGcMiB=%d gcs=%d%n",
                    f.rows(), bytes, Files.size(file), Runtime.getRuntime().maxMemory() >> 20, options.rowGroupBytes() >> 20, threads,
                    peakUsed >> 20, ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> g.getCollectionCount()).sum());
        }
    }

    /** The heap in use right after the latest collection: what the program holds, not garbage awaiting collection. */
    private static long afterLastGc() {
        long used = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null) {
                used += p.getCollectionUsage().getUsed();
            }
        }
        return used;
    }

    /** Values shaped like `parquetry record`'s: a clock, 16 symbols, a sequence, small codes, a random-walk price. */
    private static void fill(ByteBuffer b, byte[] recs, int len, long from, int n) {
        java.util.Arrays.fill(recs, 0, n * len, (byte) 0);
        for (int k = 0; k < n; k++) {
            long i = from + k;
            long r = mix(i);
            int at = k * len;
            b.putLong(at, 1_763_700_000_000_000_000L + i * 1000);
            byte[] sym = SYMBOLS[(int) (r & 15)].getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(sym, 0, recs, at + 8, sym.length);
            b.putLong(at + 16, i);
            b.putInt(at + 24, (int) ((r >>> 8) & 1));
            b.putLong(at + 28, 10_000_000_000L + ((i * 7919) % 2000 - 1000) * 1_000_000L + ((r >>> 11) % 100) * 100_000L);
            b.putLong(at + 36, 1 + (r >>> 20) % 1000);
            b.putInt(at + 44, (int) ((r >>> 32) & 3));
            b.putInt(at + 48, (int) ((r >>> 40) & 15));
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
