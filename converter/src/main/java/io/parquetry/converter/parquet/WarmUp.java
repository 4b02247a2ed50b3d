package io.parquetry.converter.parquet;

import io.parquetry.schema.Field;
import io.parquetry.schema.RecordLayout;
import io.parquetry.schema.Schema;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * A small file of every value kind, nullable, both page versions, encoded to a black hole by a pool's threads, so that
 * the first real file does not also pay for loading the encoder's and parquet-hadoop's classes and the codec's native
 * library.
 */
public final class WarmUp {

    private static final Schema SCHEMA = Schema.parse("name: warm_up\nversion: 1\nfields:\n"
            + "  - {name: b, type: bool, nullable: true}\n  - {name: i, type: int32}\n  - {name: l, type: int64, nullable: true}\n"
            + "  - {name: f, type: float32}\n  - {name: d, type: float64}\n  - {name: t, type: timestamp(ns)}\n"
            + "  - {name: k, type: char(8)}\n  - {name: s, type: char(12)}\n  - {name: x, type: bytes(4)}\n", "warm-up");
    /** Variable-length values: their own vectors and encoder. */
    private static final Schema VARIABLE = Schema.parse("name: warm_up_variable\nversion: 1\nfields:\n"
            + "  - {name: i, type: int64}\n  - {name: s, type: string(24), nullable: true}\n  - {name: b, type: binary(16)}\n", "warm-up");
    private static final int ROWS = 4096;

    private WarmUp() {
    }

    /**
     * Runs the warm-up on a background thread of its own with {@code pool} (measured on the loaded two-core machine:
     * creating the first file 4.5 s cold, 0.2 s warmed; its first end 3.2 s, 2.3 s). Returns at once; call it at
     * start-up.
     */
    public static void inBackground(RowGroupEncoders pool, Codec codec) {
        Thread t = new Thread(() -> {
            try {
                run(pool, codec);
            } catch (IOException | RuntimeException e) {
                // Only a warm-up: the first real file will load what this could not.
            }
        }, pool.name() + "-warmup");
        t.setDaemon(true);
        t.start();
    }

    static void run(RowGroupEncoders pool, Codec codec) throws IOException {
        int len = SCHEMA.recordLength();
        byte[] records = new byte[ROWS * len];
        for (int i = 0; i < records.length; i++) {
            records[i] = (byte) (i * 31 + (i >>> 7)); // varied values, some nulls
        }
        for (boolean v2 : new boolean[] {true, false}) {
            ParquetOptions options = ParquetOptions.builder().compression(codec).pageV2(v2).rowGroupBytes(ROWS / 2L * len).build();
            ParquetPartFile f = ParquetPartFile.create(SCHEMA, options, new BlackHoleOutputFile("warm-up"), pool);
            f.append(records, 0, ROWS);
            f.end(Map.of());
            ParquetPartFile g = ParquetPartFile.create(VARIABLE, options, new BlackHoleOutputFile("warm-up"), pool);
            byte[] variable = variableRecords();
            g.append(variable, 0, ROWS);
            g.end(Map.of());
        }
    }

    /** {@link #ROWS} records of {@link #VARIABLE} back to back: a few repeated strings, some null, and varied bytes. */
    private static byte[] variableRecords() {
        Field s = VARIABLE.field("s");
        Field b = VARIABLE.field("b");
        byte[] out = new byte[ROWS * VARIABLE.maxRecordLength()];
        int at = 0;
        for (int i = 0; i < ROWS; i++) {
            int base = at;
            RecordLayout.putLong(out, base + VARIABLE.field("i").offset(), i);
            int end = VARIABLE.fixedLength();
            if (i % 7 == 0) {
                RecordLayout.markNull(out, base, s.nullBit());
            } else {
                for (int k = 0, n = 1 + i % 5; k < n; k++) {
                    out[base + end++] = (byte) ('a' + i % 11);
                }
            }
            RecordLayout.putInt(out, base + s.offset(), end);
            for (int k = 0, n = i % 17; k < n; k++) {
                out[base + end++] = (byte) (i * 31 + k);
            }
            RecordLayout.putInt(out, base + b.offset(), end);
            at = base + end;
        }
        return Arrays.copyOf(out, at);
    }
}
