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
 * file and prints what the heap held. Arguments: records, output file, encoder threads, and optionally {@code variable}:
 * records with a {@code string(64)} venue and a {@code binary(65536)} payload of random length (0 to 64 KiB, a tenth
 * null, some at the bound), so row groups fill by bytes rather than by rows.
 */
public final class SmallHeapEncode {

    static final String MARKET_DATA = "name: market_data\nversion: 1\nfields:\n  - {name: timestamp_ns, type: timestamp(ns)}\n"
            + "  - {name: symbol, type: char(8)}\n  - {name: order_id, type: int64}\n  - {name: side, type: int32}\n"
            + "  - {name: price, type: 'decimal(18,8)'}\n  - {name: quantity, type: int64}\n  - {name: order_type, type: int32}\n"
            + "  - {name: exchange, type: int32}\n";
    private static final String[] SYMBOLS = {"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "BRK.B", "JPM", "V", "XOM", "UNH",
        "ORCL", "AVGO", "COST", "NFLX"};

    static final String PAYLOADS = "name: payloads\nversion: 1\nfields:\n  - {name: seq, type: int64}\n"
            + "  - {name: venue, type: string(64)}\n  - {name: payload, type: binary(65536), nullable: true}\n";
    private static final String[] VENUES = {"XNAS", "XNYS", "BATS \u00e9change", "\u6771\u4eac", "ARCA \ud83d\ude80"};

    private SmallHeapEncode() {
    }

    public static void main(String[] args) throws Exception {
        long records = Long.parseLong(args[0]);
        Path file = Path.of(args[1]);
        int threads = Integer.parseInt(args[2]);
        if (args.length > 3 && args[3].equals("variable")) {
            variable(records, file, threads);
            return;
        }
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

    private static void variable(long records, Path file, int threads) throws Exception {
        Schema schema = Schema.parse(PAYLOADS, "payloads");
        io.parquetry.schema.Field venue = schema.field("venue");
        io.parquetry.schema.Field payload = schema.field("payload");
        int fixed = schema.fixedLength();
        byte[] rec = new byte[schema.maxRecordLength()];
        byte[][] venues = new byte[VENUES.length][];
        for (int i = 0; i < VENUES.length; i++) {
            venues[i] = VENUES[i].getBytes(StandardCharsets.UTF_8);
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        long peakUsed = 0;
        // 16 MiB row groups, as for fixed schemas: the 32 MiB default of a schema with variable fields (about 3 x 32 MiB of
        // records and 2 x 32 MiB of vectors on two encoder threads) is for the launcher's 1 GiB heap, not for this 256 MiB one;
        // the bound under test is the same at either size.
        ParquetOptions options = ParquetOptions.builder().rowGroupBytes(ParquetOptions.DEFAULT_ROW_GROUP_BYTES).build();
        try (RowGroupEncoders pool = new RowGroupEncoders(threads, "small-heap")) {
            ParquetPartFile f = ParquetPartFile.create(schema, options, new LocalOutputFile(file), pool);
            for (long i = 0; i < records; i++) {
                java.util.Arrays.fill(rec, 0, fixed, (byte) 0);
                io.parquetry.schema.RecordLayout.putLong(rec, schema.field("seq").offset(), i);
                byte[] v = venues[(int) (i % venues.length)];
                System.arraycopy(v, 0, rec, fixed, v.length);
                int end = fixed + v.length;
                io.parquetry.schema.RecordLayout.putInt(rec, venue.offset(), end);
                int k = r.nextInt(10);
                if (k == 0) {
                    io.parquetry.schema.RecordLayout.markNull(rec, 0, payload.nullBit());
                } else {
                    int n = k == 1 ? payload.maxLength() : r.nextInt(payload.maxLength() + 1);
                    for (int j = 0; j < n; j += 8) {
                        io.parquetry.schema.RecordLayout.putLong(rec, end + j, r.nextLong()); // the record has room past its end
                    }
                    end += n;
                }
                io.parquetry.schema.RecordLayout.putInt(rec, payload.offset(), end);
                f.append(rec, 0, 1);
                if (i % 2048 == 0) {
                    peakUsed = Math.max(peakUsed, afterLastGc());
                }
            }
            long bytes = f.end(Map.of());
            System.out.printf("rows=%d rawBytes=%d bytes=%d fileBytes=%d maxHeapMiB=%d rowGroupMiB=%d threads=%d largestHeapAfterGcMiB=%d "
                    + "maxArenaMiB=%d gcs=%d%n", f.rows(), f.rawBytes(), bytes, Files.size(file), Runtime.getRuntime().maxMemory() >> 20,
                    options.rowGroupBytes() >> 20, threads, peakUsed >> 20, f.maxArenaBytesInUse() >> 20,
                    ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> g.getCollectionCount()).sum());
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
