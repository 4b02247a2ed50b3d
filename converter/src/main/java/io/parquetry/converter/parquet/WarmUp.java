package io.parquetry.converter.parquet;

import io.parquetry.schema.Schema;
import java.io.IOException;
import java.util.Map;

/** The file {@link RowGroupEncoders#warmUp} writes: every value kind, nullable, both page versions, to a black hole. */
final class WarmUp {

    private static final Schema SCHEMA = Schema.parse("name: warm_up\nversion: 1\nfields:\n"
            + "  - {name: b, type: bool, nullable: true}\n  - {name: i, type: int32}\n  - {name: l, type: int64, nullable: true}\n"
            + "  - {name: f, type: float32}\n  - {name: d, type: float64}\n  - {name: t, type: timestamp(ns)}\n"
            + "  - {name: k, type: char(8)}\n  - {name: s, type: char(12)}\n  - {name: x, type: bytes(4)}\n", "warm-up");
    private static final int ROWS = 4096;

    private WarmUp() {
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
        }
    }
}
