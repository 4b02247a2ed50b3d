package io.parquetry.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.queue.CycleFile;
import io.parquetry.testing.DamagedQueues;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue's head (last index) when the store header cannot say it: counted from the last index entry before the write
 * position, found by a search. A linear walk over the entries alternated between the file's first chunk and the chunk
 * of each index array, mapping and unmapping them in turn: seconds per status publication on a cycle file of tens of
 * millions of records, during which the converter stood still (bin/bench sustain showed commits stopping for 4-7 s).
 */
class CycleCountsTest {

    @TempDir
    Path dir;

    @Test
    void theLastIndexEntryBeforeTheWritePositionIsFoundWithLogarithmicallyManyLookups() {
        // TEST8_DAILY: an index entry every 8 records, 128 entries an array: 100,000 records make 12,500 entries in 98 arrays.
        DamagedQueues.write(dir, "TEST8_DAILY", 0, 100_000);
        Path file = DamagedQueues.cycleFiles(dir).get(0);
        try (CycleFile f = CycleFile.open(file, 0)) {
            f.checkHeader();
            assertThat(f.indexSpacing()).isEqualTo(8);
            long wp = f.writePosition();
            long linear = 0;
            while (f.indexedPosition((linear + 1) * 8) != 0 && f.indexedPosition((linear + 1) * 8) <= wp) {
                linear++;
            }
            assertThat(linear).isGreaterThan(12_000);
            long before = f.indexLookups;
            assertThat(CycleCounts.lastEntryAtOrBefore(f, 8, wp)).isEqualTo(linear);
            assertThat(f.indexLookups - before).as("index lookups to find entry %d", linear).isLessThan(64);
        }
    }

    @Test
    void theHeadIsRightWhenTheStoreHeaderDoesNotSayIt() {
        DamagedQueues.write(dir, "TEST8_DAILY", 0, 100_000);
        Path file = DamagedQueues.cycleFiles(dir).get(0);
        long expected;
        try (QueueReader r = QueueReader.open(dir)) {
            expected = r.lastIndex();
        }
        long offset;
        try (CycleFile f = CycleFile.open(file, 0)) {
            f.checkHeader();
            offset = f.writePositionOffset() + Long.BYTES;
        }
        // As an appender between its two writes leaves it: the write position moved, its sequence number not yet.
        DamagedQueues.zero(file, offset, offset + Long.BYTES);
        try (QueueReader r = QueueReader.open(dir)) {
            assertThat(r.lastIndex()).isEqualTo(expected);
            List<Long> positions = DamagedQueues.recordPositions(file);
            assertThat(positions).hasSize(100_000);
        }
    }
}
