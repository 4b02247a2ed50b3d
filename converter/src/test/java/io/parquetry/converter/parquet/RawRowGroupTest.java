package io.parquetry.converter.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Records added one at a time (straight from the queue), from a source of several (one by one, or in one piece as a run
 * from a queue's file) and from an array land in order, across chunks, up to capacity, at their slots.
 */
class RawRowGroupTest {

    @Test
    void recordsAddedOneAtATimeAndInRunsLandInOrderAcrossChunks() {
        int len = 100 << 10; // 2 records a chunk
        try (RowGroupEncoders encoders = new RowGroupEncoders(1, "test-encoder")) {
            for (int slot : new int[] {len, len + 12}) {
                for (int capacity : new int[] {1, 2, 5, 7}) {
                    fillAndCheck(encoders, len, slot, capacity);
                }
            }
        }
    }

    @Test
    void aSlotShorterThanTheRecordIsRefused() {
        try (RowGroupEncoders encoders = new RowGroupEncoders(1, "test-encoder")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RawRowGroup.Pool(52, 48, 10, encoders))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slot=48, recordLength=52");
        }
    }

    /**
     * Records of variable length land whole in the arena and their fixed parts at their slots, until the next would take
     * the row group past its byte limit; a record longer than the limit is alone; a record whose values are not well
     * formed is refused and leaves the row group as it was.
     */
    @Test
    void variableRecordsLandWholeInTheArenaAndTheirFixedPartsAtTheirSlotsUpToTheByteLimit() {
        io.parquetry.schema.Schema schema = io.parquetry.schema.Schema.parse("name: v\nversion: 1\nfields:\n  - {name: seq, type: int64}\n"
                + "  - {name: v, type: binary(700)}\n", "test");
        io.parquetry.schema.Field v = schema.field("v");
        int fixed = schema.fixedLength();
        try (RowGroupEncoders encoders = new RowGroupEncoders(1, "test-encoder")) {
            for (int slot : new int[] {fixed, fixed + 4}) {
                RawRowGroup.Pool pool = new RawRowGroup.Pool(fixed, slot, 50, schema.variableFields(), 500, encoders);
                RawRowGroup g = new RawRowGroup(pool, 50);
                SplittableRandom rnd = new SplittableRandom(slot);
                java.util.List<byte[]> added = new java.util.ArrayList<>();
                long bytes = 0;
                while (true) {
                    byte[] rec = record(v, fixed, added.size(), rnd.nextInt(101));
                    if (!g.fits(rec.length)) {
                        assertThat(bytes + rec.length).isGreaterThan(500);
                        break;
                    }
                    if (rnd.nextBoolean()) {
                        g.addRecord(rec, 0, rec.length);
                    } else {
                        g.addRecord((dst, off, n) -> System.arraycopy(rec, 0, dst, off, n), rec.length);
                    }
                    added.add(rec);
                    bytes += rec.length;
                }
                byte[] bad = record(v, fixed, 99, 10);
                io.parquetry.schema.RecordLayout.putInt(bad, v.offset(), fixed + 11); // past the record's end
                assertThatThrownBy(() -> g.addRecord(bad, 0, bad.length)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("record is not well formed: field v ends at " + (fixed + 11));
                assertThat(g.count()).isEqualTo(added.size());
                assertThat(g.bytes()).isEqualTo(bytes);
                assertThat(g.full()).isFalse();
                for (int i = 0; i < added.size(); i++) {
                    byte[] rec = added.get(i);
                    int at = g.arena().starts[i];
                    assertThat(java.util.Arrays.copyOfRange(g.arena().bytes, at, at + rec.length)).as("record %d", i).isEqualTo(rec);
                    byte[] chunk = g.chunk(i / g.chunkRecords);
                    int p = (i % g.chunkRecords) * slot;
                    assertThat(java.util.Arrays.copyOfRange(chunk, p, p + fixed)).isEqualTo(java.util.Arrays.copyOf(rec, fixed));
                }
                g.release();
                RawRowGroup alone = new RawRowGroup(pool, 50);
                byte[] big = record(v, fixed, 0, 600);
                assertThat(alone.fits(big.length)).isTrue();
                alone.addRecord(big, 0, big.length);
                assertThat(alone.full()).as("a record past the limit fills its row group").isTrue();
                alone.release();
                assertThat(pool.maxArenaBytesInUse()).isPositive();
            }
        }
    }

    /** A record of {@code schema}: {@code seq}, then {@code n} bytes of {@code v}. */
    private static byte[] record(io.parquetry.schema.Field v, int fixed, int seq, int n) {
        byte[] rec = new byte[fixed + n];
        io.parquetry.schema.RecordLayout.putLong(rec, 0, seq);
        for (int i = 0; i < n; i++) {
            rec[fixed + i] = (byte) (seq * 7 + i);
        }
        io.parquetry.schema.RecordLayout.putInt(rec, v.offset(), fixed + n);
        return rec;
    }

    private static void fillAndCheck(RowGroupEncoders encoders, int len, int slot, int capacity) {
        RawRowGroup.Pool pool = new RawRowGroup.Pool(len, slot, capacity, encoders);
        assertThat(pool.chunkRecords).isEqualTo(Math.min(2, capacity));
        RawRowGroup g = new RawRowGroup(pool, capacity);
        SplittableRandom rnd = new SplittableRandom(capacity);
        int next = 0;
        while (!g.full()) {
            int how = rnd.nextInt(4);
            if (how == 3) {
                // a run lying slot bytes apart, copied in one piece with what lies between the records
                int k = 1 + rnd.nextInt(4);
                int first = next;
                int[] taken = {0};
                int added = g.add(new RecordSource() {
                    @Override
                    public void copyTo(byte[] dst, int off, int n) {
                        throw new AssertionError("copied one by one");
                    }

                    @Override
                    public void copyTo(byte[] dst, int off, int n, int slotBytes, int length) {
                        assertThat(slotBytes).isEqualTo(slot);
                        assertThat(length).isEqualTo(len);
                        for (int j = 0; j < n; j++) {
                            fill(dst, off + j * slot, len, first + taken[0] + j);
                            fill(dst, off + j * slot + len, slot - len, 0xEE); // the next record's header
                        }
                        taken[0] += n;
                    }
                }, k);
                assertThat(added).isEqualTo(Math.min(k, capacity - next)).isEqualTo(taken[0]);
                next += added;
            } else if (how == 0) {
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
                int at = r * slot;
                assertThat(g.chunk(c)[at] & 0xFF).as("slot %d, capacity %d, record %d", slot, capacity, seen).isEqualTo(seen & 0xFF);
                assertThat(g.chunk(c)[at + len - 1] & 0xFF).isEqualTo(seen & 0xFF);
                seen++;
            }
        }
        assertThat(seen).isEqualTo(capacity);
        g.release();
    }

    private static void fill(byte[] dst, int off, int n, int tag) {
        java.util.Arrays.fill(dst, off, off + n, (byte) tag);
    }
}
