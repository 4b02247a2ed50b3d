package io.parquetry.recorder;

import static org.assertj.core.api.Assertions.assertThat;

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
 * and the tailer, used again after such a run, carries on from the right record.
 */
class QueueReaderMappingTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"LARGE_HOURLY_SPARSE, 120000", "TEST4_DAILY, 4000"}) // TEST4_DAILY: an index array every 128 records, 4,096 at most
    void everyRecordOnceInOrderWithItsIndexMostlyFromTheMapping(String rollCycle, int records) {
        Path queue = dir.resolve("q");
        MarketData md = new MarketData();
        try (Recorder r = Recorder.open(queue, md.schema, RecorderOptions.defaults().rollCycle(rollCycle).blockSize(1 << 20));
                RecordWriter w = r.newWriter()) {
            for (long i = 0; i < records; i++) {
                assertThat(md.write(w, i)).isEqualTo(RecordWriter.OK);
            }
        }
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
}
