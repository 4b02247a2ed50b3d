package io.parquetry.benchmarks;

import io.parquetry.cli.SyntheticSource;
import io.parquetry.reader.QueueReader;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.schema.Schema;
import io.parquetry.testing.MarketData;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Market-data records in memory, exactly as {@code parquetry record} writes them: {@link SyntheticSource} (seed 1)
 * appends through the recorder into a scratch queue, and the raw records are read back into one array.
 */
final class MarketRecords {

    final Schema schema;
    final byte[] records;
    final int count;

    private MarketRecords(Schema schema, byte[] records, int count) {
        this.schema = schema;
        this.records = records;
        this.count = count;
    }

    static MarketRecords generate(int count) throws IOException {
        Schema schema = new MarketData().schema;
        int len = schema.recordLength();
        if ((long) count * len > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many records for one array: count=" + count);
        }
        Path dir = BenchQueues.create("bench-records");
        try {
            SyntheticSource source = new SyntheticSource(schema, 1);
            try (Recorder r = Recorder.open(dir, schema, RecorderOptions.defaults()); RecordWriter w = r.newWriter()) {
                for (long i = 0; i < count; i++) {
                    source.write(w, i);
                }
            }
            byte[] out = new byte[count * len];
            int[] n = {0};
            try (QueueReader reader = QueueReader.open(dir)) {
                reader.toStart();
                while (n[0] < count) {
                    int got = reader.read((index, rec) -> {
                        rec.copyTo(out, n[0] * len, len);
                        n[0]++;
                    }, 4096);
                    if (got == 0) {
                        throw new IllegalStateException("queue ended early: read=" + n[0] + ", expected=" + count);
                    }
                }
            }
            return new MarketRecords(schema, out, count);
        } finally {
            BenchQueues.delete(dir);
        }
    }
}
