package io.parquetry.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.QueueSchemaStore;
import io.parquetry.reader.QueueReader;
import io.parquetry.reader.RecordReader;
import io.parquetry.schema.Field;
import io.parquetry.schema.Schema;
import io.parquetry.status.RecorderStatusDescriptor;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusSnapshot;
import io.parquetry.testing.AllTypes;
import io.parquetry.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RecorderTest {

    @TempDir
    Path dir;

    private static final RecorderOptions SMALL = RecorderOptions.defaults().diskGuardMinFreeBytes(0);

    /** Reads every record of the queue in order, checking each against {@link AllTypes}; returns the seq numbers. */
    static List<Long> readAllChecked(Path queue) {
        List<Long> seqs = new ArrayList<>();
        try (QueueReader r = QueueReader.open(queue)) {
            AllTypes t = new AllTypes(r.schema());
            r.toStart();
            while (r.read((index, rec) -> {
                assertThat(rec.length()).isEqualTo(r.format().excerptLength());
                long s = rec.getLong(t.seq);
                check(t, rec, s);
                seqs.add(s);
            }, 10_000) > 0) {
                // keep reading
            }
        }
        return seqs;
    }

    static void check(AllTypes t, RecordReader rec, long s) {
        if (AllTypes.isNullRow(s)) {
            for (Field f : t.schema.fields()) {
                assertThat(rec.isNull(f)).as("field %s of seq %d", f.name(), s).isEqualTo(f.nullable());
            }
            return;
        }
        for (Field f : t.schema.fields()) {
            assertThat(rec.isNull(f)).as("field %s of seq %d", f.name(), s).isFalse();
        }
        assertThat(rec.getBoolean(t.b)).isEqualTo(AllTypes.bool(s));
        assertThat(rec.getInt(t.i8)).isEqualTo(AllTypes.int8(s));
        assertThat(rec.getInt(t.i16)).isEqualTo(AllTypes.int16(s));
        assertThat(rec.getInt(t.i32)).isEqualTo(AllTypes.int32(s));
        assertThat(rec.getLong(t.i64)).isEqualTo(AllTypes.int64(s));
        assertThat(rec.getFloat(t.f32)).isEqualTo(AllTypes.float32(s));
        assertThat(rec.getDouble(t.f64)).isEqualTo(AllTypes.float64(s));
        assertThat(rec.getLong(t.ts)).isEqualTo(AllTypes.timestampMicros(s));
        assertThat(rec.getLong(t.dec)).isEqualTo(AllTypes.decimalUnscaled(s));
        assertThat(rec.getString(t.sym)).isEqualTo(AllTypes.chars(s));
        byte[] raw = new byte[4];
        assertThat(rec.getBytes(t.raw, raw, 0)).isEqualTo(4);
        assertThat(raw).isEqualTo(AllTypes.bytes(s));
    }

    @Test
    void everyTypeRoundTripsWithAndWithoutNulls() {
        AllTypes t = new AllTypes();
        try (Recorder rec = Recorder.open(dir, t.schema, SMALL); RecordWriter w = rec.newWriter()) {
            for (long s = 0; s < 1000; s++) {
                assertThat(t.write(w, s)).isEqualTo(RecordWriter.OK);
            }
            assertThat(rec.appended()).isEqualTo(1000);
        }
        List<Long> seqs = readAllChecked(dir);
        assertThat(seqs).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(seqs.get(i)).isEqualTo(i);
        }
    }

    @Test
    void aQueueKeepsTheLayoutVersionItWasCreatedWith() {
        AllTypes t = new AllTypes();
        RecorderOptions v1 = RecorderOptions.defaults().diskGuardMinFreeBytes(0).recordChecksums(false);
        try (Recorder rec = Recorder.open(dir, t.schema, v1); RecordWriter w = rec.newWriter()) {
            assertThat(rec.format().checksummed()).isFalse();
            assertThat(t.write(w, 0)).isEqualTo(RecordWriter.OK);
        }
        try (Recorder rec = Recorder.open(dir, t.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0)); RecordWriter w = rec.newWriter()) {
            assertThat(rec.format().version()).as("reopened with checksums asked for").isEqualTo(ExcerptFormat.RECORD_ONLY);
            assertThat(t.write(w, 1)).isEqualTo(RecordWriter.OK);
        }
        assertThat(QueueSchemaStore.layoutVersion(dir)).isEqualTo(ExcerptFormat.RECORD_ONLY);
        assertThat(readAllChecked(dir)).containsExactly(0L, 1L);
        Path other = dir.resolve("new");
        try (Recorder rec = Recorder.open(other, t.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0))) {
            assertThat(rec.format().version()).as("a new queue with checksums").isEqualTo(ExcerptFormat.VERSIONED);
            assertThat(rec.format().excerptLength())
                    .isEqualTo(t.schema.recordLength() + ExcerptFormat.SCHEMA_VERSION_LENGTH + ExcerptFormat.CHECKSUM_LENGTH);
        }
        assertThat(QueueSchemaStore.layoutVersion(other)).isEqualTo(ExcerptFormat.VERSIONED);
        // A queue an earlier Parquetry created with checksums (layout 2) keeps its layout: records without their version.
        Path older = dir.resolve("older");
        QueueSchemaStore.storeOrCheck(older, t.schema, RecorderOptions.DEFAULT_ROLL_CYCLE, ExcerptFormat.CHECKSUMMED);
        try (Recorder rec = Recorder.open(older, t.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0)); RecordWriter w = rec.newWriter()) {
            assertThat(rec.format().version()).isEqualTo(ExcerptFormat.CHECKSUMMED);
            assertThat(rec.format().excerptLength()).isEqualTo(t.schema.recordLength() + ExcerptFormat.CHECKSUM_LENGTH);
            assertThat(t.write(w, 0)).isEqualTo(RecordWriter.OK);
            assertThat(t.write(w, 1)).isEqualTo(RecordWriter.OK);
        }
        assertThat(QueueSchemaStore.layoutVersion(older)).isEqualTo(ExcerptFormat.CHECKSUMMED);
        assertThat(readAllChecked(older)).containsExactly(0L, 1L);
    }

    @Test
    void queueStoresTheSchemaAndRefusesAnotherNamingBoth() {
        AllTypes t = new AllTypes();
        try (Recorder rec = Recorder.open(dir, t.schema, SMALL)) {
            assertThat(rec.schema()).isSameAs(t.schema);
        }
        assertThat(QueueSchemaStore.read(dir).fingerprint()).isEqualTo(t.schema.fingerprint());
        Schema other = Schema.parse("name: other\nversion: 3\nfields:\n  - {name: a, type: int32}\n", "other");
        assertThatThrownBy(() -> Recorder.open(dir, other, SMALL)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stored=all_types v1 fingerprint " + t.schema.fingerprintHex())
                .hasMessageContaining("given=other v3 fingerprint " + other.fingerprintHex());
        // The same schema reopens fine, and a description-only edit still matches.
        try (Recorder rec = Recorder.open(dir, Schema.parse(AllTypes.YAML.replace("sequence number", "seq no"), "edited"), SMALL)) {
            assertThat(rec.schema().fingerprint()).isEqualTo(t.schema.fingerprint());
        }
    }

    @Test
    void exceptionBeforeCommitRollsTheRecordBack() {
        AllTypes t = new AllTypes();
        try (Recorder rec = Recorder.open(dir, t.schema, SMALL); RecordWriter w = rec.newWriter()) {
            t.write(w, 0);
            try {
                assertThat(w.begin()).isEqualTo(RecordWriter.OK);
                w.setLong(t.seq, 99);
                throw new IllegalStateException("application failure between begin and commit");
            } catch (IllegalStateException expected) {
                // the application's own exception
            } finally {
                w.abort();
            }
            // A setter's own error rolls back too.
            assertThat(w.begin()).isEqualTo(RecordWriter.OK);
            w.setLong(t.seq, 98);
            assertThatThrownBy(() -> w.setChars(t.sym, "TOOLONGX")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("field=sym").hasMessageContaining("value=TOOLONGX");
            t.write(w, 1);
        }
        assertThat(readAllChecked(dir)).containsExactly(0L, 1L);
    }

    @Test
    void misuseIsAClearProgrammerError() throws Exception {
        AllTypes t = new AllTypes();
        Schema other = Schema.parse(AllTypes.YAML.replace("name: all_types", "name: other_types"), "other");
        Schema copy = Schema.parse(AllTypes.YAML, "copy");
        // Every case is checked and reported, not just the cases up to the first failure.
        try (Recorder rec = Recorder.open(dir, t.schema, SMALL); RecordWriter w = rec.newWriter()) {
            SoftAssertions softly = new SoftAssertions();
            softly.assertThatThrownBy(() -> w.setLong(t.seq, 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("without begin");
            w.begin();
            softly.assertThatThrownBy(() -> w.setInt(t.seq, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("field=seq").hasMessageContaining("type=int64");
            w.begin();
            softly.assertThatThrownBy(w::begin).isInstanceOf(IllegalStateException.class).hasMessageContaining("begin called twice");
            w.begin();
            softly.assertThatThrownBy(() -> w.setInt(t.i8, 200)).hasMessageContaining("field=i8").hasMessageContaining("value=200");
            w.begin();
            softly.assertThatThrownBy(() -> w.setLong(t.dec, 1_000_000_000_000_000_000L)).hasMessageContaining("field=dec");
            w.begin();
            softly.assertThatThrownBy(() -> w.setLong(other.field("seq"), 1)).hasMessageContaining("another schema");
            w.begin();
            w.setLong(copy.field("seq"), 1); // an equal layout loaded twice is fine
            w.abort();
            w.begin();
            softly.assertThatThrownBy(() -> w.setNull(t.seq)).hasMessageContaining("not nullable").hasMessageContaining("field=seq");
            w.begin();
            softly.assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("not set")
                    .hasMessageContaining("field=seq");
            softly.assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("commit without begin");
            ExecutorService other2 = Executors.newSingleThreadExecutor();
            try {
                Future<?> f = other2.submit(() -> w.begin());
                softly.assertThatThrownBy(f::get).hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("another thread");
            } finally {
                other2.shutdown();
            }
            softly.assertAll();
        }
        assertThat(readAllChecked(dir)).isEmpty();
    }

    @Test
    void unsetNullableFieldsAreNullAndStaleTextIsPadded() {
        AllTypes t = new AllTypes();
        try (Recorder rec = Recorder.open(dir, t.schema, SMALL); RecordWriter w = rec.newWriter()) {
            w.begin();
            w.setLong(t.seq, 5).setChars(t.sym, "ABCDEF").setChars(t.sym, "é");
            w.commit();
        }
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            AllTypes rt = new AllTypes(r.schema());
            assertThat(r.read((i, rec) -> {
                assertThat(rec.getString(rt.sym)).isEqualTo("é");
                assertThat(rec.charLength(rt.sym)).isEqualTo(2);
                assertThat(rec.isNull(rt.i32)).isTrue();
                assertThat(rec.isNull(rt.sym)).isFalse();
            }, 10)).isEqualTo(1);
        }
    }

    @Test
    void manyThreadsEachRecordPresentExactlyOnce() throws Exception {
        AllTypes t = new AllTypes();
        int threads = 4;
        int perThread = 20_000;
        try (Recorder rec = Recorder.open(dir, t.schema, SMALL)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> fs = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                long first = (long) k * perThread;
                fs.add(pool.submit(() -> {
                    try (RecordWriter w = rec.newWriter()) {
                        for (long s = first; s < first + perThread; s++) {
                            assertThat(t.write(w, s)).isEqualTo(RecordWriter.OK);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(rec.appended()).isEqualTo((long) threads * perThread);
        }
        List<Long> seqs = readAllChecked(dir);
        BitSet seen = new BitSet();
        for (long s : seqs) {
            assertThat(seen.get((int) s)).as("seq %d twice", s).isFalse();
            seen.set((int) s);
        }
        assertThat(seqs).hasSize(threads * perThread);
        assertThat(seen.cardinality()).isEqualTo(threads * perThread);
    }

    @Test
    void rejectsAppendWhenDiskGuardTrippedAndResumesWhenSpaceReturns() throws Exception {
        AllTypes t = new AllTypes();
        AtomicLong free = new AtomicLong(10L << 30);
        // Free space counts what the recorder has reserved and not yet written (up to reserveAhead, 64 MiB): the hysteresis
        // band is wider than that, so "inside the band" below holds whatever was reserved.
        RecorderOptions opts = RecorderOptions.defaults().diskGuardMinFreeBytes(1L << 30).diskGuardHysteresisBytes(200L << 20)
                .diskCheckInterval(Duration.ofMillis(5)).freeSpaceProbe(free::get);
        try (Recorder rec = Recorder.open(dir, t.schema, opts); RecordWriter w = rec.newWriter()) {
            assertThat(t.write(w, 0)).isEqualTo(RecordWriter.OK);
            free.set(500L << 20);
            Await.until(rec::diskGuardTripped);
            assertThat(t.write(w, 1)).isEqualTo(RecordWriter.REFUSED_DISK_GUARD);
            assertThat(t.write(w, 2)).isEqualTo(RecordWriter.REFUSED_DISK_GUARD);
            assertThat(w.refusedDiskGuard()).isEqualTo(2);
            free.set((1L << 30) + (50L << 20)); // above the threshold but inside the hysteresis band: still refused
            Thread.sleep(50);
            assertThat(rec.diskGuardTripped()).isTrue();
            free.set(2L << 30);
            Await.until(() -> !rec.diskGuardTripped());
            assertThat(t.write(w, 3)).isEqualTo(RecordWriter.OK);
            assertThat(rec.refusedDiskGuard()).isEqualTo(2);
        }
        assertThat(readAllChecked(dir)).containsExactly(0L, 3L);
    }

    @Test
    void closedRecorderRefusesAppendsWithAResultCode() {
        AllTypes t = new AllTypes();
        Recorder rec = Recorder.open(dir, t.schema, SMALL);
        RecordWriter w = rec.newWriter();
        assertThat(t.write(w, 0)).isEqualTo(RecordWriter.OK);
        w.close();
        assertThat(w.begin()).isEqualTo(RecordWriter.REFUSED_CLOSED);
        assertThat(w.refusedClosed()).isEqualTo(1);
        rec.close();
        assertThatThrownBy(rec::newWriter).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void statusFilePublishesCounters() throws Exception {
        AllTypes t = new AllTypes();
        try (Recorder rec = Recorder.open(dir, t.schema, SMALL.statusInterval(Duration.ofMillis(10)));
             RecordWriter w = rec.newWriter()) {
            for (int s = 0; s < 10; s++) {
                t.write(w, s);
            }
            StatusFile file = StatusFile.open(rec.statusFile(), false);
            Await.until(() -> file.snapshot().value(RecorderStatusDescriptor.APPENDED) == 10);
            StatusSnapshot st = file.snapshot();
            assertThat(st.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(st.alive(System.currentTimeMillis(), Duration.ofSeconds(5))).isTrue();
            assertThat(st.text(RecorderStatusDescriptor.TEXT_SCHEMA)).isEqualTo(t.schema.identity());
            assertThat(st.text(RecorderStatusDescriptor.TEXT_QUEUE)).isEqualTo(dir.toAbsolutePath().toString());
            assertThat(st.text(RecorderStatusDescriptor.TEXT_QUEUE_ID)).isEqualTo(rec.identity().id());
            assertThat(st.value(RecorderStatusDescriptor.LAST_APPEND_MS)).isPositive();
            assertThat(st.value(RecorderStatusDescriptor.HEAD_INDEX)).isEqualTo(w.lastIndex());
            assertThat(st.value(RecorderStatusDescriptor.WRITERS)).isEqualTo(1);
        }
        StatusFile st = StatusFile.open(dir.resolve(RecorderStatusDescriptor.DEFAULT_FILE_NAME), false);
        assertThat(st.heartbeatMillis()).isZero(); // clean stop
    }

    /**
     * A value over its bound is refused or truncated as its field says, and both are counted: by the writer, the recorder,
     * and in the status file (slots 10 and 11), across writers that closed.
     */
    @Test
    void statusFileCountsValuesRefusedAndTruncatedForTheirLength() throws Exception {
        Schema schema = Schema.parse("""
                name: logs
                version: 1
                fields:
                  - {name: seq, type: int64}
                  - {name: strict, type: string(4), nullable: true}
                  - {name: loose, type: string(4), overflow: truncate, nullable: true}
                """, "logs.yaml");
        Field seq = schema.field("seq");
        Field strict = schema.field("strict");
        Field loose = schema.field("loose");
        try (Recorder rec = Recorder.open(dir, schema, SMALL.statusInterval(Duration.ofMillis(10)))) {
            try (RecordWriter w = rec.newWriter()) {
                w.begin();
                assertThat(w.setLong(seq, 1).setString(strict, "12345").commit()).isEqualTo(RecordWriter.REFUSED_TOO_LONG);
                w.begin();
                assertThat(w.setLong(seq, 2).setString(loose, "ab€").commit()).as("a cut at a character boundary").isEqualTo(RecordWriter.OK);
                assertThat(w.refusedTooLong()).isEqualTo(1);
                assertThat(w.truncated()).isEqualTo(1);
            }
            try (RecordWriter w = rec.newWriter()) {
                w.begin();
                assertThat(w.setLong(seq, 3).setString(strict, "1234").commit()).isEqualTo(RecordWriter.OK);
                w.begin();
                assertThat(w.setLong(seq, 4).setString(strict, "1234").appendString(strict, "5").commit()).isEqualTo(RecordWriter.REFUSED_TOO_LONG);
            }
            assertThat(rec.refusedTooLong()).isEqualTo(2);
            assertThat(rec.truncated()).isEqualTo(1);
            assertThat(rec.appended()).isEqualTo(2);
            StatusFile file = StatusFile.open(rec.statusFile(), false);
            Await.until(() -> file.snapshot().value(RecorderStatusDescriptor.REFUSED_TOO_LONG) == 2);
            assertThat(file.snapshot().value(RecorderStatusDescriptor.TRUNCATED)).isEqualTo(1);
            assertThat(file.snapshot().minorVersion()).isEqualTo(io.parquetry.status.StatusFileDescriptor.MINOR_VERSION);
        }
        List<String> loosed = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            while (r.read((index, rec) -> loosed.add(rec.getLong(seq) + ":" + (rec.isNull(loose) ? "null" : rec.getString(loose, sb))), 10) > 0) {
                // read all
            }
        }
        assertThat(loosed).as("only the accepted records, the long value cut before the 3-byte character").containsExactly("2:ab", "3:null");
    }

    @Test
    void secondLiveProcessGetsAStatusFileOfItsOwn() throws Exception {
        AllTypes t = new AllTypes();
        // Another live process (our parent stands in for it) publishing the shared status file right now.
        long other = ProcessHandle.current().parent().orElseThrow().pid();
        Path shared = dir.resolve(RecorderStatusDescriptor.DEFAULT_FILE_NAME);
        java.nio.file.Files.createDirectories(dir);
        StatusFile.create(shared, io.parquetry.status.StatusFileDescriptor.KIND_RECORDER, other, System.currentTimeMillis())
                .heartbeat(System.currentTimeMillis());
        try (Recorder rec = Recorder.open(dir, t.schema, SMALL)) {
            assertThat(rec.statusFile()).isEqualTo(dir.resolve("recorder-" + ProcessHandle.current().pid() + ".status"));
        }
        assertThat(StatusFile.open(shared, false).pid()).as("the other process's file is left alone").isEqualTo(other);
        // A stale shared file (its process gone or silent) is simply taken over.
        StatusFile.open(shared, true).heartbeat(System.currentTimeMillis() - 60_000);
        try (Recorder rec = Recorder.open(dir, t.schema, SMALL)) {
            assertThat(rec.statusFile()).isEqualTo(shared);
        }
    }

    @Test
    void msyncModeAdvancesTheSyncedIndex() throws Exception {
        AllTypes t = new AllTypes();
        try (Recorder rec = Recorder.open(dir, t.schema, SMALL.syncInterval(Duration.ofMillis(20)));
             RecordWriter w = rec.newWriter()) {
            assertThat(rec.syncedIndex()).isEqualTo(-1);
            for (int s = 0; s < 100; s++) {
                t.write(w, s);
            }
            long last = w.lastIndex();
            Await.until(() -> rec.syncedIndex() >= last);
        }
    }

    @Test
    void rollCycleIsConfigurableAndValidated() throws Exception {
        assertThatThrownBy(() -> RecorderOptions.defaults().rollCycle("HOURLYISH")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rollCycle=HOURLYISH").hasMessageContaining("FAST_HOURLY");
        AllTypes t = new AllTypes();
        try (Recorder rec = Recorder.open(dir, t.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0).rollCycle("FAST_HOURLY"));
             RecordWriter w = rec.newWriter()) {
            t.write(w, 0);
        }
        try (QueueReader r = QueueReader.open(dir)) {
            assertThat(r.cycleLengthMillis()).isEqualTo(3_600_000L);
            assertThat(r.cycleFiles().values()).isNotEmpty().allMatch(p -> p.getFileName().toString().endsWith("F.cq4"));
        }
    }

    @Test
    void readerRefusesMissingQueuesAndQueuesWithoutSchema() throws Exception {
        assertThatThrownBy(() -> QueueReader.open(dir.resolve("nope"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queue=" + dir.resolve("nope"));
        assertThatThrownBy(() -> QueueReader.open(dir)).isInstanceOf(IllegalStateException.class).hasMessageContaining("no schema");
        Files.writeString(QueueSchemaStore.file(dir), "# layout-version: 9\nname: x\n");
        assertThatThrownBy(() -> QueueReader.open(dir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("layoutVersion=9").hasMessageContaining("supported=1");
    }

}
