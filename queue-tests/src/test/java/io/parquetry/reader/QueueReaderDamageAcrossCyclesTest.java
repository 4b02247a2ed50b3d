package io.parquetry.reader;

import static io.parquetry.testing.DamagedQueues.assertDelivered;
import static io.parquetry.testing.DamagedQueues.readAll;
import static io.parquetry.testing.DamagedQueues.recordPositions;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.queue.CycleFileDescriptor;
import io.parquetry.testing.DamagedQueues;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage in a cycle that is not the last: Chronicle would wait at it forever or move on to the next cycle without a
 * word; the reader stops at it, says where reading can resume, and resumes there only when told to.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueReaderDamageAcrossCyclesTest {

    private static final int A = 5_000;
    private static final int B = 3_000;
    private static final int K = 2_345;

    @TempDir
    Path dir;

    private List<Path> files;
    private List<Long> pos;

    private void writeTwoCycles() throws Exception {
        files = DamagedQueues.writeCycles(dir, A, B);
        pos = recordPositions(files.get(0));
    }

    /** Reads from the start: records 0 .. good-1 delivered, then damage in the first file; returns it. */
    private QueueDamagedException assertStopsInFirstCycle(int good, String... foundWords) {
        DamagedQueues.Outcome o = readAll(dir);
        assertDelivered(o, 0, good);
        assertThat(o.damage).as("damage reported").isNotNull();
        assertThat(o.damage.file()).isEqualTo(files.get(0));
        assertThat(o.damage.lastGoodIndex()).isEqualTo(o.lastIndex());
        assertThat(o.damage.getMessage()).contains("file=" + files.get(0)).contains("lastGoodIndex=" + o.lastIndex());
        for (String w : foundWords) {
            assertThat(o.damage.found()).contains(w);
        }
        return o.damage;
    }

    /** Skips the damage the reader met and reads on to the end: returns what it read after the skip and the range. */
    private DamagedRange skipAndReadOn(QueueDamagedException d, DamagedQueues.Outcome after) {
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            DamagedQueues.Outcome before = DamagedQueues.readAll(r, 700, new DamagedQueues.Outcome());
            assertThat(before.damage).isNotNull();
            assertThat(before.damage.damagedFromIndex()).isEqualTo(d.damagedFromIndex());
            DamagedRange range = r.skipDamagedRange(d.damagedFromIndex());
            DamagedQueues.readAll(r, 700, after);
            return range;
        }
    }

    @Test
    void zeroedRecordsInAnEarlierCycleStopTheReaderAndTheSkipResumesAtTheNextIndexEntry() throws Exception {
        writeTwoCycles();
        DamagedQueues.zero(files.get(0), pos.get(K), pos.get(K + 50));
        QueueDamagedException d = assertStopsInFirstCycle(K, "zero header", "below the write position");
        long cycleStart = d.damagedFromIndex() - K;
        // TEST_SECONDLY has an index entry every 4 records: the first one after the zeroed records.
        long resumeSeq = (K + 50 + 3) / 4 * 4;
        assertThat(d.firstReadableIndex()).isEqualTo(cycleStart + resumeSeq);

        DamagedQueues.Outcome after = new DamagedQueues.Outcome();
        DamagedRange range = skipAndReadOn(d, after);
        assertThat(after.damage).isNull();
        assertDelivered(after, resumeSeq, A + B);
        assertThat(range.fromIndex()).isEqualTo(d.damagedFromIndex());
        assertThat(range.resumeIndex()).isEqualTo(cycleStart + resumeSeq);
        assertThat(range.skippedRecords()).isEqualTo(resumeSeq - K);
        assertThat(range.lastGoodIndex()).isEqualTo(d.lastGoodIndex());
        assertThat(range.file()).isEqualTo(files.get(0));
        assertThat(range.toString()).contains("indexes " + d.damagedFromIndex() + ".." + (cycleStart + resumeSeq - 1))
                .contains(resumeSeq - K + " records");
    }

    @Test
    void truncatedEarlierCycleStopsTheReaderAndTheSkipResumesAtTheNextCycle() throws Exception {
        writeTwoCycles();
        DamagedQueues.truncate(files.get(0), pos.get(K) + 20);
        QueueDamagedException d = assertStopsInFirstCycle(K, "truncated");
        DamagedQueues.Outcome after = new DamagedQueues.Outcome();
        DamagedRange range = skipAndReadOn(d, after);
        assertThat(after.damage).isNull();
        assertDelivered(after, A, A + B);
        assertThat(range.skippedRecords()).isEqualTo(A - K);
        assertThat(after.indexes.get(0)).isEqualTo(range.resumeIndex());
    }

    @Test
    void endOfCycleMarkerWrittenOverARecordIsNotAnEndOfCycle() throws Exception {
        writeTwoCycles();
        DamagedQueues.putInt(files.get(0), pos.get(K), CycleFileDescriptor.END_OF_DATA);
        assertStopsInFirstCycle(K, "end-of-cycle marker", "below the write position");
    }

    @Test
    void garbageInAnEarlierCycleStopsTheReader() throws Exception {
        writeTwoCycles();
        DamagedQueues.garbage(files.get(0), pos.get(K), pos.get(K) + 1000, 42);
        assertStopsInFirstCycle(K);
    }

    @Test
    void missingEndOfCycleMarkerWithALaterCycleIsReportedAndSkippedWithoutLoss() throws Exception {
        writeTwoCycles();
        long end = pos.get(A - 1) + DamagedQueues.stride(dir);
        assertThat(DamagedQueues.getInt(files.get(0), end)).isEqualTo(CycleFileDescriptor.END_OF_DATA);
        DamagedQueues.zero(files.get(0), end, end + 64);
        QueueDamagedException d = assertStopsInFirstCycle(A, "end-of-cycle marker should be");
        DamagedQueues.Outcome after = new DamagedQueues.Outcome();
        DamagedRange range = skipAndReadOn(d, after);
        assertDelivered(after, A, A + B);
        assertThat(range.skippedRecords()).isZero();
    }

    @Test
    void cycleFilesDeletedByRetentionAreNotDamage() throws Exception {
        files = DamagedQueues.writeCycles(dir, A, B, 1_000);
        java.nio.file.Files.delete(files.get(0));
        DamagedQueues.Outcome o = readAll(dir);
        assertThat(o.damage).isNull();
        assertDelivered(o, A, A + B + 1_000);
        try (QueueReader r = QueueReader.open(dir)) {
            assertThat(r.firstIndex()).isEqualTo(o.indexes.get(0));
            assertThat(r.lastIndex()).isEqualTo(o.lastIndex());
            assertThat(r.moveTo(o.indexes.get(B + 10))).isTrue();
            DamagedQueues.Outcome tail = DamagedQueues.readAll(r, 500, new DamagedQueues.Outcome());
            assertDelivered(tail, A + B + 10, A + B + 1_000);
        }
    }

    @Test
    void damagedStoreHeaderOfACycleBetweenTwoIsNotPassedOver() throws Exception {
        files = DamagedQueues.writeCycles(dir, A, B, 1_000);
        pos = recordPositions(files.get(0));
        DamagedQueues.zero(files.get(1), 0, 64);
        DamagedQueues.Outcome o = readAll(dir);
        assertDelivered(o, 0, A);
        assertThat(o.damage).isNotNull();
        assertThat(o.damage.file()).isEqualTo(files.get(1));
        assertThat(o.damage.found()).contains("store header");
        assertThat(o.damage.lastGoodIndex()).isEqualTo(o.lastIndex());
        // Its records are lost; the next cycle's are not.
        DamagedQueues.Outcome after = new DamagedQueues.Outcome();
        DamagedRange range = skipAndReadOn(o.damage, after);
        assertThat(after.damage).isNull();
        assertDelivered(after, A + B, A + B + 1_000);
        assertThat(range.skippedRecords()).as("unknown: the damaged file's store header holds its count").isEqualTo(-1);
    }
}
