package io.parquetry.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.queue.CycleFileDescriptor;
import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.RollCycleNames;
import io.parquetry.reader.QueueReader;
import io.parquetry.schema.Schema;
import io.parquetry.testing.AllTypes;
import io.parquetry.testing.Await;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The space reserved ahead of the writers ({@link Reserver}), with the free space reported by a probe so the disk can be
 * "full" at will. The real thing, a full tmpfs and a producer that must not die, is {@link DiskFullTest}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReserverTest {

    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    /** What a recorder reserves room for per record of a new queue: its longest excerpt, what follows the record included. */
    private static int excerptLength(Schema schema) {
        return ExcerptFormat.of(ExcerptFormat.versionFor(schema, true), schema).maxExcerptLength();
    }

    @Test
    void optionsThatCannotWorkTogetherAreRefusedNamingBothValues() {
        RecorderOptions o = RecorderOptions.defaults().pretouchAhead(48 * MIB);
        assertThatThrownBy(o::validate).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pretouchAhead=" + 48 * MIB).hasMessageContaining("reserveAhead=" + 64 * MIB);
        AllTypes t = new AllTypes();
        assertThatThrownBy(() -> Recorder.open(dir, t.schema, RecorderOptions.defaults().reserveAhead(8 * MIB)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pretouchAhead=" + 32 * MIB)
                .hasMessageContaining("reserveAhead=" + 8 * MIB);
        assertThat(RecorderOptions.defaults().validate().reserveAhead()).isEqualTo(RecorderOptions.DEFAULT_RESERVE_AHEAD);
        for (long bad : new long[] {0, MIB - 1, (4L << 30) + 1}) {
            assertThatThrownBy(() -> RecorderOptions.defaults().reserveAhead(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("reserveAhead=" + bad);
        }
    }

    @Test
    void reservationTooShortForTheRollCycleIsRefusedNamingBothValues() {
        AllTypes t = new AllTypes();
        RollCycle secondly = RollCycleNames.resolve("TEST_SECONDLY"); // index arrays of 256 KiB
        long minimum = Reserver.minimumReserveAhead(secondly, excerptLength(t.schema), 1);
        RecorderOptions o = RecorderOptions.defaults().diskGuardMinFreeBytes(0).rollCycle("TEST_SECONDLY").pretouchAhead(0)
                .reserveAhead(2 * MIB);
        assertThat(minimum).isGreaterThan(2 * MIB);
        assertThatThrownBy(() -> Recorder.open(dir, t.schema, o)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserveAhead=" + 2 * MIB).hasMessageContaining("minimum=" + minimum);
    }

    @Test
    void writerThatTheReservationHasNoRoomForIsRefusedNamingBothValues() {
        Schema big = Schema.parse("name: big\nversion: 1\nfields:\n  - {name: blob, type: bytes(60000)}\n", "big");
        RollCycle hourly = RollCycleNames.resolve(RecorderOptions.DEFAULT_ROLL_CYCLE);
        long reserve = Reserver.minimumReserveAhead(hourly, excerptLength(big), 3);
        assertThat(Reserver.minimumReserveAhead(hourly, excerptLength(big), 4)).isGreaterThan(reserve);
        List<RecordWriter> writers = new ArrayList<>();
        try (Recorder rec = Recorder.open(dir, big, RecorderOptions.defaults().diskGuardMinFreeBytes(0).pretouchAhead(0)
                .reserveAhead(reserve))) {
            for (int i = 0; i < 3; i++) {
                writers.add(rec.newWriter());
            }
            assertThatThrownBy(rec::newWriter).isInstanceOf(IllegalStateException.class).hasMessageContaining("writers=4")
                    .hasMessageContaining("reserveAhead=" + reserve);
            writers.forEach(RecordWriter::close);
        }
    }

    /**
     * What Chronicle writes when it creates a cycle file, for the roll cycles the margin must cover: the first record
     * lies within {@link Reserver#headBytes}, and the write position is where the writers read it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"LARGE_HOURLY_SPARSE", "TEST_SECONDLY", "FIVE_MINUTELY", "LARGE_DAILY", "HUGE_DAILY", "HUGE_DAILY_XSPARSE"})
    void marginCoversWhatChronicleWritesInANewCycleFile(String name) throws IOException {
        RollCycle rc = RollCycleNames.resolve(name);
        Path q = dir.resolve(name);
        try (SingleChronicleQueue queue = ChronicleQueue.singleBuilder(q).rollCycle(rc).build()) {
            ExcerptAppender appender = queue.createAppender();
            for (int i = 0; i < 2; i++) {
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().write(new byte[52]);
                }
            }
            int cycle = appender.cycle();
            SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
            try {
                assertThat(Reserver.writePositionOffset(store)).isEqualTo(CycleFileDescriptor.WRITE_POSITION_OFFSET);
                long second = store.writePosition(); // the header of the second record
                assertThat(second).as("second record of a new %s file", name).isPositive()
                        .isLessThan(Reserver.headBytes(rc) + Reserver.recordSpan(52));
                try (FileChannel ch = FileChannel.open(store.file().toPath())) {
                    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
                    ch.read(b, CycleFileDescriptor.WRITE_POSITION_OFFSET);
                    assertThat(b.getLong(0)).isEqualTo(second);
                }
            } finally {
                queue.closeStore(store);
            }
            appender.close();
        }
        assertThat(Files.size(q.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE))).as("metadata file length").isLessThanOrEqualTo(128 << 10);
    }

    @Test
    void nothingReservableAtOpenRefusesEveryAppendUntilSpaceReturns() throws Exception {
        AllTypes t = new AllTypes();
        AtomicLong free = new AtomicLong(0);
        RecorderOptions o = RecorderOptions.defaults().diskGuardMinFreeBytes(0).diskGuardHysteresisBytes(0).pretouchAhead(MIB)
                .reserveAhead(4 * MIB).diskCheckInterval(Duration.ofMillis(5)).freeSpaceProbe(free::get);
        try (Recorder rec = Recorder.open(dir, t.schema, o); RecordWriter w = rec.newWriter()) {
            assertThat(rec.diskGuardTripped()).isTrue();
            assertThat(rec.reserver().heldCycles()).isEmpty();
            assertThat(t.write(w, 0)).isEqualTo(RecordWriter.REFUSED_DISK_GUARD);
            assertThat(cycleFiles()).isEmpty();
            free.set(1L << 30);
            Await.until(() -> !rec.diskGuardTripped());
            assertThat(t.write(w, 1)).isEqualTo(RecordWriter.OK);
            assertThat(w.refusedDiskGuard()).isEqualTo(1);
        }
        assertThat(RecorderTest.readAllChecked(dir)).containsExactly(1L);
    }

    @Test
    void writersStopInsideWhatIsReservedAndResumeWhenMoreCanBe() throws Exception {
        AllTypes t = new AllTypes();
        AtomicReference<Recorder> holder = new AtomicReference<>();
        AtomicLong capacity = new AtomicLong(6 * MIB); // what the "disk" can still give the recorder
        RecorderOptions o = RecorderOptions.defaults().diskGuardMinFreeBytes(0).diskGuardHysteresisBytes(0).pretouchAhead(MIB)
                .reserveAhead(4 * MIB).diskCheckInterval(Duration.ofMillis(5)).freeSpaceProbe(() -> {
                    Recorder r = holder.get();
                    return capacity.get() - (r == null ? 0 : r.reserver().reservedBytes());
                });
        long written;
        try (Recorder rec = Recorder.open(dir, t.schema, o); RecordWriter w = rec.newWriter()) {
            holder.set(rec);
            long s = 0;
            long refusedAt = -1;
            while (refusedAt < 0) {
                int rc = t.write(w, s);
                if (rc == RecordWriter.OK) {
                    s++;
                } else {
                    assertThat(rc).isEqualTo(RecordWriter.REFUSED_DISK_GUARD);
                    refusedAt = s;
                }
                if (s % 10_000 == 0) {
                    Thread.sleep(1); // let the reserving thread keep up, as it would at a real pace
                }
            }
            int cycle = w.hintCycle();
            long reserved = rec.reserver().reservedUpTo(cycle);
            assertThat(rec.reserver().reservedBytes()).as("reserved in all").isLessThanOrEqualTo(6 * MIB + 2 * MIB);
            assertThat(w.hintPosition()).as("end of the last record").isLessThan(reserved);
            assertThat(rec.pretoucher().touchedUpTo()).as("pretouched up to").isLessThanOrEqualTo(reserved);
            // Nothing past the reservation was written: not a record, not an index, not a touch.
            Path file = rec.reserver().cycleFile(cycle);
            assertZeroFrom(file, reserved, 4 * MIB);
            Await.until(rec::diskGuardTripped);
            assertThat(t.write(w, s)).isEqualTo(RecordWriter.REFUSED_DISK_GUARD);

            capacity.addAndGet(64 * MIB);
            Await.until(() -> !rec.diskGuardTripped());
            for (long end = s + 1000; s < end; s++) {
                assertThat(t.write(w, s)).isEqualTo(RecordWriter.OK);
            }
            written = s;
        }
        List<Long> seqs = RecorderTest.readAllChecked(dir);
        assertThat(seqs).hasSize((int) written);
        for (int i = 0; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).isEqualTo(i);
        }
    }

    /**
     * While the next cycle's file cannot be reserved, appends stay in the cycles already reserved (the queue's clock is
     * held), and they move on to the current cycle once it can be; unused pre-created files do not pile up.
     */
    @Test
    void appendsStayInReservedCyclesWhileTheNextCannotBeReserved() throws Exception {
        AllTypes t = new AllTypes();
        AtomicLong free = new AtomicLong(1L << 40);
        RecorderOptions o = RecorderOptions.defaults().diskGuardMinFreeBytes(0).diskGuardHysteresisBytes(0).rollCycle("TEST_SECONDLY")
                .pretouchAhead(MIB).reserveAhead(8 * MIB).diskCheckInterval(Duration.ofMillis(5)).freeSpaceProbe(free::get);
        int firstCycle;
        int heldBack;
        try (Recorder rec = Recorder.open(dir, t.schema, o); RecordWriter w = rec.newWriter()) {
            Reserver reserver = rec.reserver();
            long s = 0;
            for (; s < 10; s++) {
                assertThat(t.write(w, s)).isEqualTo(RecordWriter.OK);
            }
            firstCycle = w.hintCycle();
            free.set(0);
            Thread.sleep(2_500); // two cycles and more pass; none can be reserved
            int wall = reserver.cycleOf(System.currentTimeMillis());
            assertThat(reserver.heldCycles()).as("wall clock in cycle %d", wall).allMatch(c -> c <= firstCycle + 1);
            for (long end = s + 10; s < end; s++) {
                assertThat(t.write(w, s)).isEqualTo(RecordWriter.OK);
            }
            heldBack = w.hintCycle();
            assertThat(heldBack).as("cycle appended to while the next could not be reserved (wall clock in %d)", wall)
                    .isBetween(firstCycle, firstCycle + 1).isLessThan(wall);

            free.set(1L << 40);
            Await.until(() -> reserver.heldCycles().contains(reserver.cycleOf(System.currentTimeMillis())));
            for (long end = s + 10; s < end; s++) {
                assertThat(t.write(w, s)).isEqualTo(RecordWriter.OK);
            }
            assertThat(w.hintCycle()).isGreaterThan(heldBack + 1);
            Thread.sleep(1_500); // idle cycles: their pre-created files are deleted once unused
            assertThat(precreatedFiles()).as("pre-created files").hasSizeLessThanOrEqualTo(2);
        }
        Set<Integer> cycles = new TreeSet<>();
        List<Long> seqs = new ArrayList<>();
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            while (r.read((index, rec) -> {
                cycles.add(r.cycleOf(index));
                seqs.add(rec.getLong(t.seq));
            }, 1000) > 0) {
                // keep reading
            }
        }
        assertThat(seqs).hasSize(30);
        assertThat(cycles).contains(firstCycle, heldBack).hasSizeGreaterThanOrEqualTo(2);
    }

    private List<Path> cycleFiles() throws IOException {
        return filesEndingWith(".cq4");
    }

    private List<Path> precreatedFiles() throws IOException {
        return filesEndingWith(".precreated");
    }

    private List<Path> filesEndingWith(String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
        }
    }

    private static void assertZeroFrom(Path file, long from, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            for (long pos = from; pos < Math.min(ch.size(), from + length); pos += buf.capacity()) {
                buf.clear();
                ch.read(buf, pos);
                buf.flip();
                while (buf.hasRemaining()) {
                    int at = buf.position();
                    assertThat(buf.get()).as("byte at offset %d of %s", pos + at, file).isZero();
                }
            }
        }
    }
}
