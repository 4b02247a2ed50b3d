package io.parquetry.reader;

import static io.parquetry.testing.DamagedQueues.assertDelivered;
import static io.parquetry.testing.DamagedQueues.cycleFiles;
import static io.parquetry.testing.DamagedQueues.recordPositions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.recorder.RecorderOptions;
import io.parquetry.testing.DamagedQueues;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Moving past damage is explicit: it names the range it skips, and reading resumes where the range says. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueReaderSkipTest {

    private static final String HOURLY = RecorderOptions.DEFAULT_ROLL_CYCLE;
    private static final int N = 20_000;
    private static final int K = 12_345;
    /** The first index entry of the hourly sparse cycle after K: an entry every 1024 records. */
    private static final int NEXT_ENTRY = 13_312;

    @TempDir
    Path dir;

    private Path file;
    private List<Long> pos;

    private void writeOneCycle() {
        DamagedQueues.write(dir, HOURLY, 0, N);
        file = cycleFiles(dir).get(0);
        pos = recordPositions(file);
    }

    @Test
    void skipResumesAtTheFirstIndexEntryAfterTheDamageAndSaysWhatItSkipped() {
        writeOneCycle();
        DamagedQueues.zero(file, pos.get(K), pos.get(K + 100));
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            DamagedQueues.Outcome before = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
            assertDelivered(before, 0, K);
            QueueDamagedException d = before.damage;
            long first = d.damagedFromIndex() - K;
            assertThat(d.firstReadableIndex()).isEqualTo(first + NEXT_ENTRY);
            assertThat(d.getMessage()).contains("first readable index after it=" + (first + NEXT_ENTRY));

            DamagedRange range = r.skipDamagedRange(d.damagedFromIndex());
            assertThat(range.fromIndex()).isEqualTo(first + K);
            assertThat(range.resumeIndex()).isEqualTo(first + NEXT_ENTRY);
            assertThat(range.skippedRecords()).isEqualTo(NEXT_ENTRY - K);
            assertThat(range.lastGoodIndex()).isEqualTo(first + K - 1);
            assertThat(range.file()).isEqualTo(file);
            assertThat(range.position()).isEqualTo(pos.get(K));
            assertThat(range.found()).isEqualTo(d.found());

            DamagedQueues.Outcome after = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
            assertThat(after.damage).isNull();
            assertDelivered(after, NEXT_ENTRY, N);
            assertThat(after.indexes.get(0)).isEqualTo(first + NEXT_ENTRY);
        }
    }

    @Test
    void skipMovesOnlyPastTheDamageItIsNamed() {
        writeOneCycle();
        DamagedQueues.zero(file, pos.get(K), pos.get(K + 100));
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            assertThatThrownBy(() -> r.skipDamagedRange(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("no damage to skip");
            QueueDamagedException d = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome()).damage;
            assertThatThrownBy(() -> r.skipDamagedRange(d.damagedFromIndex() + 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("damagedFromIndex=" + d.damagedFromIndex());
            assertThatThrownBy(() -> r.read((index, rec) -> {
            }, 10)).as("still stopped").isSameAs(d);
        }
    }

    @Test
    void twoDamagedRangesTakeTwoSkips() {
        writeOneCycle();
        DamagedQueues.zero(file, pos.get(3_000), pos.get(3_010));
        DamagedQueues.garbage(file, pos.get(15_000), pos.get(15_000) + 100, 7);
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            DamagedQueues.Outcome o = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
            assertDelivered(o, 0, 3_000);
            DamagedRange first = r.skipDamagedRange(o.damage.damagedFromIndex());
            assertThat(first.skippedRecords()).isEqualTo(3_072 - 3_000);
            DamagedQueues.Outcome o2 = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
            assertDelivered(o2, 3_072, 15_000);
            DamagedRange second = r.skipDamagedRange(o2.damage.damagedFromIndex());
            assertThat(second.skippedRecords()).isEqualTo(15_360 - 15_000);
            DamagedQueues.Outcome o3 = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
            assertThat(o3.damage).isNull();
            assertDelivered(o3, 15_360, N);
        }
    }

    @Test
    void movingToARecordBehindDamageIsDamage() {
        writeOneCycle();
        DamagedQueues.zero(file, pos.get(K), pos.get(K + 50));
        long first;
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            first = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome()).damage.damagedFromIndex() - K;
        }
        try (QueueReader r = QueueReader.open(dir)) {
            long target = first + K + 300;
            assertThatThrownBy(() -> r.moveTo(target)).isInstanceOfSatisfying(QueueDamagedException.class, d -> {
                assertThat(d.damagedFromIndex()).isEqualTo(target);
                assertThat(d.lastGoodIndex()).isEqualTo(-1);
                assertThat(d.position()).isEqualTo(pos.get(K));
                assertThat(d.firstReadableIndex()).isEqualTo(first + NEXT_ENTRY);
            });
            DamagedRange range = r.skipDamagedRange(target);
            assertThat(range.skippedRecords()).isEqualTo(NEXT_ENTRY - K - 300);
            DamagedQueues.Outcome after = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
            assertDelivered(after, NEXT_ENTRY, N);
            // A record after the damage and its index entry is reached directly.
            assertThat(r.moveTo(first + NEXT_ENTRY + 10)).isTrue();
            DamagedQueues.Outcome again = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
            assertDelivered(again, NEXT_ENTRY + 10, N);
        }
    }

    @Test
    void nothingToResumeAtUntilALaterCycleExists() throws Exception {
        List<Path> files = DamagedQueues.writeCycles(dir, 3_000);
        List<Long> p = recordPositions(files.get(0));
        DamagedQueues.truncate(files.get(0), p.get(2_000) + 10);
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            DamagedQueues.Outcome o = DamagedQueues.readAll(r, 1000, new DamagedQueues.Outcome());
            assertDelivered(o, 0, 2_000);
            assertThat(o.damage.firstReadableIndex()).isEqualTo(-1);
            assertThat(o.damage.getMessage()).contains("nothing readable after it yet");
            assertThatThrownBy(() -> r.skipDamagedRange(o.damage.damagedFromIndex())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("nothing after the damage can be read yet");

            // A recorder appends again, in a later cycle: reading can resume there.
            long second = System.currentTimeMillis() / 1000;
            while (System.currentTimeMillis() / 1000 == second) {
                Thread.sleep(5);
            }
            DamagedQueues.write(dir, "TEST_SECONDLY", 3_000, 3_500);
            DamagedRange range = r.skipDamagedRange(o.damage.damagedFromIndex());
            DamagedQueues.Outcome after = DamagedQueues.readAll(r, 100, new DamagedQueues.Outcome());
            assertThat(after.damage).isNull();
            assertDelivered(after, 3_000, 3_500);
            assertThat(range.resumeIndex()).isEqualTo(after.indexes.get(0));
        }
    }
}
