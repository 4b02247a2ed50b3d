package io.parquetry.converter.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Records added one at a time (straight from the queue), from a source of several and from an array land in order,
 * across chunks, up to capacity.
 */
class RawRowGroupTest {

    @Test
    void recordsAddedOneAtATimeAndInRunsLandInOrderAcrossChunks() {
        int len = 100 << 10; // 2 records a chunk
        try (RowGroupEncoders encoders = new RowGroupEncoders(1, "test-encoder")) {
            for (int capacity : new int[] {1, 2, 5, 7}) {
                RawRowGroup.Pool pool = new RawRowGroup.Pool(len, capacity, encoders);
                assertThat(pool.chunkRecords).isEqualTo(Math.min(2, capacity));
                RawRowGroup g = new RawRowGroup(pool, capacity);
                SplittableRandom rnd = new SplittableRandom(capacity);
                int next = 0;
                while (!g.full()) {
                    int how = rnd.nextInt(3);
                    if (how == 0) {
                        int tag = next++;
                        assertThat(g.add((dst, off, n) -> fill(dst, off, n, tag), 1)).isOne();
                    } else if (how == 1) {
                        // a source of records one after the other (a run from the queue), more than may fit
                        int[] tag = {next};
                        int k = 1 + rnd.nextInt(4);
                        int added = g.add((dst, off, n) -> fill(dst, off, n, tag[0]++), k);
                        assertThat(added).isEqualTo(Math.min(k, capacity - next)).isEqualTo(tag[0] - next);
                        next += added;
                    } else {
                        int k = 1 + rnd.nextInt(3);
                        byte[] run = new byte[k * len];
                        for (int r = 0; r < k; r++) {
                            fill(run, r * len, len, next + r);
                        }
                        next += g.add(run, 0, k);
                    }
                }
                assertThat(g.count()).isEqualTo(capacity);
                assertThat(next).isEqualTo(capacity);
                int seen = 0;
                for (int c = 0; c < g.chunkCount(); c++) {
                    for (int r = 0; r < g.recordsIn(c); r++) {
                        int at = r * len;
                        assertThat(g.chunk(c)[at] & 0xFF).as("capacity %d, record %d", capacity, seen).isEqualTo(seen & 0xFF);
                        assertThat(g.chunk(c)[at + len - 1] & 0xFF).isEqualTo(seen & 0xFF);
                        seen++;
                    }
                }
                assertThat(seen).isEqualTo(capacity);
                g.release();
            }
        }
    }

    private static void fill(byte[] dst, int off, int n, int tag) {
        java.util.Arrays.fill(dst, off, off + n, (byte) tag);
    }
}
