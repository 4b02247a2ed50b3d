package io.parquetry.reader;

import static io.parquetry.testing.DamagedQueues.assertDelivered;
import static io.parquetry.testing.DamagedQueues.cycleFiles;
import static io.parquetry.testing.DamagedQueues.readAll;
import static io.parquetry.testing.DamagedQueues.recordPositions;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.queue.CycleFile;
import io.parquetry.queue.CycleFileDescriptor;
import io.parquetry.queue.CycleFiles;
import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.QueueSchemaStore;
import io.parquetry.queue.RollCycleNames;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.testing.DamagedQueues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.rollcycles.SparseRollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A damaged cycle file stops the reader with the file and the last good index: every record before the damage is
 * delivered once and in order, none at or after it, and reading does not change the file.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueReaderDamageTest {

    private static final String HOURLY = RecorderOptions.DEFAULT_ROLL_CYCLE;
    private static final int N = 20_000;
    private static final int K = 12_345;

    @TempDir
    Path dir;

    @TempDir
    Path scratch;

    private Path file;
    private List<Long> pos;

    private void writeOneCycle() {
        DamagedQueues.write(dir, HOURLY, 0, N);
        file = cycleFiles(dir).get(0);
        pos = recordPositions(file);
        assertThat(pos).hasSize(N);
    }

    /** Reads the whole queue and checks it stopped at damage found at {@code at}, after delivering records 0 .. good-1. */
    private DamagedQueues.Outcome assertStopsAt(int good, long at, String... foundWords) throws Exception {
        return assertStopsAt(good, good, at, foundWords);
    }

    /**
     * As {@link #assertStopsAt(int, long, String...)}, for damage inside a record's bytes that leaves its header intact: the
     * first {@code intact} records are checked, {@code good} are delivered.
     */
    private DamagedQueues.Outcome assertStopsAt(int intact, int good, long at, String... foundWords) throws Exception {
        long size = Files.size(file);
        DamagedQueues.Outcome o = readAll(dir);
        assertThat(o.orderIds).as("records delivered").hasSize(good);
        assertDelivered(DamagedQueues.first(o, intact), 0, intact);
        assertThat(o.damage).as("damage reported").isNotNull();
        QueueDamagedException d = o.damage;
        assertThat(d.file()).isEqualTo(file);
        assertThat(d.lastGoodIndex()).isEqualTo(o.lastIndex());
        assertThat(d.damagedFromIndex()).isEqualTo(good == 0 ? firstIndexOf(file) : o.lastIndex() + 1);
        if (at >= 0) {
            assertThat(d.position()).isEqualTo(at);
        }
        assertThat(d.getMessage()).startsWith("queue is damaged: file=" + file + ", lastGoodIndex=" + o.lastIndex())
                .contains("queue=" + dir).doesNotContain("\n");
        for (String w : foundWords) {
            assertThat(d.found()).contains(w);
        }
        assertThat(Files.size(file)).as("reading leaves the file as it was").isEqualTo(size);
        return o;
    }

    private static long firstIndexOf(Path cycleFile) {
        net.openhft.chronicle.queue.RollCycle rc = RollCycleNames.resolve(HOURLY);
        int c = new CycleFiles(cycleFile.getParent(), rc, 0).cycleOf(cycleFile.getFileName().toString());
        return rc.toIndex(c, 0);
    }

    @Test
    void healthyQueueIsReadWhole() {
        writeOneCycle();
        DamagedQueues.Outcome o = readAll(dir);
        assertThat(o.damage).isNull();
        assertDelivered(o, 0, N);
    }

    @Test
    void recordCutInTwoByTruncationIsNeverDelivered() throws Exception {
        writeOneCycle();
        DamagedQueues.truncate(file, pos.get(K) + 20);
        assertStopsAt(K, pos.get(K), "truncated", "runs past the end of the file");
    }

    @Test
    void truncationAtARecordBoundaryStopsBeforeIt() throws Exception {
        writeOneCycle();
        DamagedQueues.truncate(file, pos.get(K));
        assertStopsAt(K, pos.get(K), "file ends", "truncated");
    }

    @Test
    void truncationOneByteIntoAHeaderStopsBeforeIt() throws Exception {
        writeOneCycle();
        DamagedQueues.truncate(file, pos.get(K) + 2);
        assertStopsAt(K, pos.get(K), "truncated");
    }

    @ParameterizedTest
    @ValueSource(longs = {2, 100, 300, 40_000, 65_000})
    void truncationInsideTheIndexAreaStopsBeforeTheFirstRecord(long cut) throws Exception {
        writeOneCycle();
        assertThat(cut).isLessThan(pos.get(0));
        DamagedQueues.truncate(file, cut);
        assertStopsAt(0, -1, "truncated");
    }

    @Test
    void truncationRightBeforeTheFirstRecordStopsThere() throws Exception {
        writeOneCycle();
        DamagedQueues.truncate(file, pos.get(0));
        assertStopsAt(0, pos.get(0), "truncated");
    }

    @Test
    void zeroedRecordsStopTheReaderAtTheFirstOfThem() throws Exception {
        writeOneCycle();
        DamagedQueues.zero(file, pos.get(K), pos.get(K + 100));
        assertStopsAt(K, pos.get(K), "zero header", "below the write position");
    }

    /**
     * Layout version 4 puts the schema version after the record: when the lost page holds it, the record says version 0,
     * which no queue has; when it holds only the checksum, the zeros reaching the next header say it. Layout version 2,
     * which a queue an earlier Parquetry created keeps, has only the checksum there.
     */
    @ParameterizedTest
    @ValueSource(ints = {ExcerptFormat.VERSIONED, ExcerptFormat.CHECKSUMMED})
    void recordWhoseTailIsInAZeroedPageIsNotDelivered(int layout) throws Exception {
        if (layout != ExcerptFormat.VERSIONED) {
            DamagedQueues.createWithLayout(dir, HOURLY, layout);
        }
        writeOneCycle();
        assertThat(QueueSchemaStore.layoutVersion(dir)).isEqualTo(layout);
        long page = (pos.get(K) + 4096) & ~4095L;
        DamagedQueues.zero(file, page, page + 8192);
        int first = 0;
        while (pos.get(first) < page) {
            first++;
        }
        int torn = first - 1;
        int stride = DamagedQueues.stride(dir);
        assertThat(pos.get(torn) + stride).as("a record straddles the page's start").isGreaterThan(page);
        int excerpt = ExcerptFormat.of(layout, QueueSchemaStore.read(dir)).excerptLength();
        long zeroFrom = page - (pos.get(torn) + CycleFileDescriptor.HEADER_LENGTH); // into the excerpt
        if (layout == ExcerptFormat.VERSIONED && zeroFrom <= ExcerptFormat.schemaVersionAt(excerpt)) {
            assertStopsAt(torn, pos.get(torn), "says it is of schema version 0, which the queue's schema history", "does not hold",
                    "torn by a power cut");
        } else {
            assertStopsAt(torn, pos.get(torn), "are zero", "zero header");
        }
    }

    /**
     * In layout version 2 (a queue an earlier Parquetry created keeps it): its 60-byte stride puts some record's header on
     * a sector boundary, where layout 4's 64-byte stride keeps every header of a cycle at one offset from them (here not 0).
     */
    @Test
    void zeroedPageStartingAtARecordStopsTheReaderAtIt() throws Exception {
        DamagedQueues.createWithLayout(dir, HOURLY, ExcerptFormat.CHECKSUMMED);
        writeOneCycle();
        int k = K;
        while ((pos.get(k) & 511) != 0) {
            k++;
        }
        DamagedQueues.zero(file, pos.get(k), pos.get(k) + 4096);
        assertStopsAt(k, pos.get(k), "zero header");
    }

    @Test
    void zeroedTailOfTheLastCycleBelowTheWritePositionIsDamage() throws Exception {
        writeOneCycle();
        DamagedQueues.zero(file, pos.get(N - 10), pos.get(N - 1) + 56);
        assertStopsAt(N - 10, pos.get(N - 10), "zero header");
    }

    @Test
    void zeroedIndexArrayStopsTheReaderBeforeTheFirstRecord() throws Exception {
        writeOneCycle();
        long firstArray;
        try (CycleFile f = CycleFile.open(file, 0)) {
            f.checkHeader();
            firstArray = f.firstIndexArray();
        }
        DamagedQueues.zero(file, firstArray, firstArray + 64);
        assertStopsAt(0, firstArray, "index");
    }

    @Test
    void indexEntryPointingWhereNoRecordCanStartIsDamageWhenTheReaderMovesByIt() throws Exception {
        writeOneCycle();
        long firstArray;
        try (CycleFile f = CycleFile.open(file, 0)) {
            f.checkHeader();
            firstArray = f.firstIndexArray();
        }
        // The entry of sequence 12288 (the 13th, an entry every 1024 records) of the first index array.
        long valuesAt = firstArray + 4 + 7 + 4 + 1 + 16;
        DamagedQueues.write(file, valuesAt + 12 * 8, new byte[] {3, 0, 0, 0, 0, 0, 0, 0});
        long index = firstIndexOf(file) + K;
        try (QueueReader r = QueueReader.open(dir)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.moveTo(index)).isInstanceOf(QueueDamagedException.class)
                    .hasMessageContaining("index entry of sequence 12288").hasMessageContaining("index area damaged");
        }
        // Reading from the start does not need the entry.
        DamagedQueues.Outcome o = readAll(dir);
        assertThat(o.damage).isNull();
        assertDelivered(o, 0, N);
    }

    @Test
    void zeroedStoreHeaderStopsTheReader() throws Exception {
        writeOneCycle();
        DamagedQueues.zero(file, 0, 64);
        assertStopsAt(0, 0, "store header");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void garbageOverRecordsStopsTheReaderBeforeIt(long seed) throws Exception {
        writeOneCycle();
        DamagedQueues.garbage(file, pos.get(K), pos.get(K) + 300, seed);
        assertStopsAt(K, pos.get(K));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void afterARebootGarbageFromInsideARecordStopsTheReaderAtThatRecordByItsChecksum(long seed) throws Exception {
        writeOneCycle();
        DamagedQueues.garbage(file, pos.get(K) + 10, pos.get(K) + 400, seed);
        try (AutoCloseable reboot = DamagedQueues.rebooted(scratch)) {
            assertStopsAt(K, K, pos.get(K), "CRC32C does not match");
        }
    }

    @Test
    void recordsReadInTheBootThatMadeTheQueueWholeAreNotChecked() throws Exception {
        writeOneCycle(); // the recorder's open repaired (checked) it, in this boot
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            assertThat(r.checksChecksums()).as("in the boot that wrote them, records cannot be torn").isFalse();
        }
        try (AutoCloseable reboot = DamagedQueues.rebooted(scratch); QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            assertThat(r.checksChecksums()).as("after a reboot, before a recorder repaired the queue").isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void withoutChecksumsGarbageFromInsideARecordDeliversItsIntactHeaderOnly(long seed) throws Exception {
        DamagedQueues.write(dir, DamagedQueues.options(HOURLY).recordChecksums(false), 0, N);
        file = cycleFiles(dir).get(0);
        pos = recordPositions(file);
        DamagedQueues.garbage(file, pos.get(K) + 10, pos.get(K) + 400, seed);
        // Record K keeps its header and is delivered with a garbage tail: a queue of layout version 1 cannot tell.
        assertStopsAt(K, K + 1, pos.get(K + 1));
    }

    /**
     * A power cut kept the page holding record k's header, complete, lost the page after it (zeros now), and lost the
     * store header's last update too, so the write position still points at record k-1 and record k reads as the last
     * record written: only its checksum tells it is torn.
     */
    @ParameterizedTest
    @ValueSource(ints = {ExcerptFormat.VERSIONED, ExcerptFormat.CHECKSUMMED, ExcerptFormat.RECORD_ONLY})
    void aRecordWhoseTailPageWasLostIsDeliveredOnlyWithoutChecksums(int layout) throws Exception {
        boolean checksums = layout != ExcerptFormat.RECORD_ONLY;
        if (layout == ExcerptFormat.CHECKSUMMED) {
            DamagedQueues.createWithLayout(dir, HOURLY, layout); // as an earlier Parquetry created it
        }
        DamagedQueues.write(dir, DamagedQueues.options(HOURLY).recordChecksums(checksums), 0, N);
        assertThat(QueueSchemaStore.layoutVersion(dir)).isEqualTo(layout);
        file = cycleFiles(dir).get(0);
        pos = recordPositions(file);
        int stride = DamagedQueues.stride(dir);
        int k = K;
        while ((pos.get(k) + 4) / 4096 == (pos.get(k) + stride - 1) / 4096) {
            k++; // a record whose bytes straddle a page boundary
        }
        long boundary = (pos.get(k) + stride - 1) & ~4095L;
        DamagedQueues.zero(file, boundary, boundary + 4096);
        DamagedQueues.setWritePosition(file, pos.get(k - 1), k - 1);
        if (checksums) {
            try (AutoCloseable reboot = DamagedQueues.rebooted(scratch)) { // a power cut's damage is read after a reboot
                assertStopsAt(k, k, pos.get(k), "CRC32C does not match", "torn by a power cut");
            }
        } else {
            DamagedQueues.Outcome o = readAll(dir);
            assertThat(o.orderIds).as("the torn record is delivered: layout version 1 cannot tell").hasSize(k + 1);
            assertThat(o.orderIds.get(k)).isNotEqualTo(k);
        }
    }

    @Test
    void endOfCycleMarkerInTheMiddleIsDamage() throws Exception {
        writeOneCycle();
        DamagedQueues.putInt(file, pos.get(K), CycleFileDescriptor.END_OF_DATA);
        assertStopsAt(K, pos.get(K), "end-of-cycle marker", "below the write position");
    }

    @Test
    void recordHeaderTurnedIntoMetadataIsNotSkipped() throws Exception {
        writeOneCycle();
        DamagedQueues.putInt(file, pos.get(K), 52 | CycleFileDescriptor.META_DATA);
        assertStopsAt(K, pos.get(K), "not an index array");
    }

    @Test
    void recordHeaderWithAnotherLengthIsGarbage() throws Exception {
        writeOneCycle();
        DamagedQueues.putInt(file, pos.get(K), 100);
        assertStopsAt(K, pos.get(K), "garbage header");
    }

    @Test
    void recordHeaderClaimingMoreThanTheFileIsGarbage() throws Exception {
        writeOneCycle();
        DamagedQueues.putInt(file, pos.get(K), 0x3000_0000);
        assertStopsAt(K, pos.get(K), "runs past the end of the file");
    }

    @Test
    void incompleteHeaderBelowTheWritePositionIsDamage() throws Exception {
        writeOneCycle();
        DamagedQueues.putInt(file, pos.get(K), CycleFileDescriptor.NOT_COMPLETE | 52);
        assertStopsAt(K, pos.get(K), "incomplete data header", "below the write position");
    }

    @Test
    void recordOfAnotherLengthWrittenByAnAppenderIsDeliveredNotReported() {
        DamagedQueues.write(dir, HOURLY, 0, 1000);
        try (ChronicleQueue q = ChronicleQueue.singleBuilder(dir).rollCycle(SparseRollCycles.LARGE_HOURLY_SPARSE).build();
             ExcerptAppender a = q.createAppender()) {
            try (DocumentContext dc = a.writingDocument()) {
                dc.wire().bytes().write(new byte[] {1, 2, 3, 4, 5, 6, 7});
            }
        }
        DamagedQueues.write(dir, HOURLY, 1000, 3000);
        int[] odd = {0};
        long[] count = {0};
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            while (r.read((index, rec) -> {
                count[0]++;
                if (rec.length() != r.format().excerptLength()) {
                    odd[0]++;
                    assertThat(rec.length()).isEqualTo(7);
                }
            }, 100) > 0) {
                // keep reading
            }
        }
        assertThat(odd[0]).isEqualTo(1);
        assertThat(count[0]).isEqualTo(3001);
    }
}
