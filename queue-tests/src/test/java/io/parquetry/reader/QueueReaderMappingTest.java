package io.parquetry.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.testing.MarketData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Most records are read straight from the tailer's mapping, past Chronicle's tailer: each record still comes once, in
 * order, with its own index, across mapping chunks (1 MiB blocks), index arrays between records and moves of the reader,
 * and the tailer, used again after such a run, carries on from the right record. Records that follow one another there
 * are handed on as runs to a consumer that takes them.
 */
class QueueReaderMappingTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"LARGE_HOURLY_SPARSE, 120000", "TEST4_DAILY, 4000"}) // TEST4_DAILY: an index array every 128 records, 4,096 at most
    void everyRecordOnceInOrderWithItsIndexMostlyFromTheMapping(String rollCycle, int records) {
        MarketData md = new MarketData();
        Path queue = record(md, rollCycle, records);
        List<Long> indexes = new ArrayList<>();
        try (QueueReader reader = QueueReader.open(queue)) {
            reader.toStart();
            SplittableRandom rnd = new SplittableRandom(7);
            int n;
            // Reads of every size, down to one record, so that runs from the mapping end anywhere.
            while ((n = reader.read((index, rec) -> {
                assertThat(rec.getLong(md.orderId)).as("record at index %d", index).isEqualTo(indexes.size());
                indexes.add(index);
            }, 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 5_000))) > 0) {
                assertThat(n).isPositive();
            }
            assertThat(indexes).hasSize(records);
            for (int i = 1; i < records; i++) {
                assertThat(indexes.get(i)).as("index of record %d", i).isEqualTo(indexes.get(i - 1) + 1);
            }
            assertThat(reader.readFromMapping()).as("records read straight from the mapping").isGreaterThan(records * 8L / 10);

            // Moves to records read before, then reading on: the tailer is positioned anew each time.
            for (int k = 0; k < 40; k++) {
                int at = rnd.nextInt(records);
                assertThat(reader.moveTo(indexes.get(at))).isTrue();
                long[] expect = {at};
                int want = 1 + rnd.nextInt(3_000);
                int got = 0;
                while (got < want) {
                    int m = reader.read((index, rec) -> {
                        assertThat(index).isEqualTo(indexes.get((int) expect[0]));
                        assertThat(rec.getLong(md.orderId)).isEqualTo(expect[0]);
                        expect[0]++;
                    }, want - got);
                    if (m == 0) {
                        break;
                    }
                    got += m;
                }
                assertThat(expect[0]).as("read on from record %d", at).isEqualTo(Math.min(records, at + (long) want));
            }
        }
    }

    /** A queue of {@code records} market-data records (order id = record number) in 1 MiB mapping blocks. */
    private Path record(MarketData md, String rollCycle, int records) {
        Path queue = dir.resolve("q");
        try (Recorder r = Recorder.open(queue, md.schema, RecorderOptions.defaults().rollCycle(rollCycle).blockSize(1 << 20));
                RecordWriter w = r.newWriter()) {
            for (long i = 0; i < records; i++) {
                assertThat(md.write(w, i)).isEqualTo(RecordWriter.OK);
            }
        }
        return queue;
    }

    /**
     * A consumer that takes runs gets most records in runs of consecutive indexes, never more than it asked for, each
     * record's bytes (copied) the same as its fields (read); and the records that do not fit a run come one at a time,
     * in their place.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"LARGE_HOURLY_SPARSE, 120000", "TEST4_DAILY, 4000"})
    void runsHoldConsecutiveRecordsAndNeverMoreThanAskedFor(String rollCycle, int records) {
        MarketData md = new MarketData();
        Path queue = record(md, rollCycle, records);
        int length = md.schema.recordLength();
        long[] state = new long[3]; // records seen, records in runs, the index the next record must have
        state[2] = -1;
        byte[] copy = new byte[length + 1];
        try (QueueReader reader = QueueReader.open(queue)) {
            reader.toStart();
            SplittableRandom rnd = new SplittableRandom(11);
            int max = 1;
            QueueReader.Consumer consumer = new QueueReader.Consumer() {
                @Override
                public void accept(long index, RecordReader rec) {
                    take(index, rec);
                }

                @Override
                public void acceptRun(long firstIndex, RecordRun run) {
                    assertThat(run.count()).isPositive();
                    for (int i = 0; i < run.count(); i++) {
                        copy[length] = 42;
                        run.copyTo(i, copy, 0, length);
                        RecordReader rec = run.record(i);
                        assertThat(rec.matchesSchema()).isTrue();
                        byte[] fields = new byte[length];
                        rec.copyTo(fields, 0, length);
                        assertThat(java.util.Arrays.copyOf(copy, length)).as("record %d of the run", i).isEqualTo(fields);
                        assertThat(copy[length]).as("bytes after the record").isEqualTo((byte) 42);
                        take(firstIndex + i, rec);
                    }
                    // The whole run in one copy: each record at its slot, as copied one by one; nothing past n slots
                    assertThat(run.stride()).isEqualTo(reader.recordStride()).isGreaterThanOrEqualTo(length + 4);
                    int from = rnd.nextInt(run.count());
                    int n = run.count() - from;
                    byte[] slots = new byte[n * run.stride() + 1];
                    slots[slots.length - 1] = 42;
                    run.copyRecords(from, n, slots, 0);
                    assertThat(slots[slots.length - 1]).as("byte after the last slot").isEqualTo((byte) 42);
                    for (int j = 0; j < n; j++) {
                        run.copyTo(from + j, copy, 0, length);
                        assertThat(java.util.Arrays.copyOfRange(slots, j * run.stride(), j * run.stride() + length))
                                .as("record %d of the run, copied with the %d after it", from + j, n - j - 1).isEqualTo(java.util.Arrays.copyOf(copy, length));
                    }
                    state[1] += run.count();
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> run.copyTo(run.count(), copy, 0, length))
                            .isInstanceOf(IndexOutOfBoundsException.class);
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> run.copyRecords(from, n + 1, new byte[(n + 1) * run.stride()], 0))
                            .isInstanceOf(IndexOutOfBoundsException.class);
                }

                private void take(long index, RecordReader rec) {
                    assertThat(rec.getLong(md.orderId)).as("record at index %d", index).isEqualTo(state[0]);
                    if (state[2] >= 0) {
                        assertThat(index).as("index of record %d", state[0]).isEqualTo(state[2]);
                    }
                    state[0]++;
                    state[2] = index + 1;
                }
            };
            int n;
            do {
                max = 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 5_000);
                long before = state[0];
                n = reader.read(consumer, max);
                assertThat(n).isLessThanOrEqualTo(max).isEqualTo((int) (state[0] - before));
            } while (n > 0);
        }
        assertThat(state[0]).isEqualTo(records);
        assertThat(state[1]).as("records handed on in runs").isGreaterThan(records * 8L / 10);
    }
}
