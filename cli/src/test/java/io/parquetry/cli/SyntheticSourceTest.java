package io.parquetry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.parquetry.queue.QueueSchemaStore;
import io.parquetry.queue.RollCycleNames;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.schema.Field;
import io.parquetry.schema.RecordLayout;
import io.parquetry.schema.Schema;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SyntheticSourceTest {

    /** Every kind of variable field, small bounds included (a 4-byte character does not fit in 3). */
    private static final String VARIABLE_YAML = String.join("\n",
            "name: variable_values",
            "version: 1",
            "fields:",
            "  - {name: seq, type: int64}",
            "  - {name: note, type: string(300), nullable: true}",
            "  - {name: tiny, type: string(3)}",
            "  - {name: one, type: string(1), nullable: true}",
            "  - {name: big, type: string(8192)}",
            "  - {name: payload, type: binary(512), nullable: true}",
            "  - {name: small_blob, type: binary(2)}",
            "");

    @TempDir
    Path dir;

    @Test
    void codesFollowTheEnumerationInTheDescription() {
        assertThat(SyntheticSource.codeDomain("0 bid, 1 ask.")).isEqualTo(2);
        assertThat(SyntheticSource.codeDomain("0 new, 1 modify, 2 cancel, 3 trade.")).isEqualTo(4);
        assertThat(SyntheticSource.codeDomain("Exchange id (MIC registry index).")).isEqualTo(16);
        assertThat(SyntheticSource.codeDomain(null)).isEqualTo(16);
    }

    @Test
    void textPoolsSpanEmptyToTheBoundWithSmallMedianAndEveryUtf8Width() {
        for (int n : new int[] {1, 2, 3, 4, 5, 64, 2048, 8192, 1 << 20}) {
            String[] pool = ValuePools.text(n, 42);
            int[] lengths = ValuePools.utf8Lengths(pool);
            for (int j = 0; j < pool.length; j++) {
                assertThat(lengths[j]).as("N=%d value %d", n, j).isEqualTo(pool[j].getBytes(StandardCharsets.UTF_8).length)
                        .isBetween(0, n);
            }
            assertThat(lengths).as("N=%d", n).contains(0, n);
            int[] sorted = lengths.clone();
            Arrays.sort(sorted);
            if (n >= 64) {
                assertThat(sorted[sorted.length / 2]).as("median length, N=%d", n).isLessThanOrEqualTo(n / 8);
                assertThat(Arrays.stream(lengths).filter(l -> l == n).count()).as("values of exactly N=%d", n).isGreaterThan(2);
            }
            int widths = Arrays.stream(pool).mapToInt(SyntheticSourceTest::utf8Widths).reduce(0, (x, y) -> x | y);
            for (int width = 1; width <= 4; width++) {
                assertThat((widths & (1 << width)) != 0).as("%d-byte characters, N=%d", width, n).isEqualTo(width <= n);
            }
        }
        assertThat(ValuePools.text(2048, 1)).as("deterministic").isEqualTo(ValuePools.text(2048, 1));
    }

    @Test
    void binaryPoolsHoldEmptyFullZeroAndEveryByteValue() {
        byte[][] pool = ValuePools.binary(512, 7);
        int[] count = new int[256];
        boolean empty = false;
        boolean full = false;
        for (byte[] b : pool) {
            assertThat(b.length).isBetween(0, 512);
            empty |= b.length == 0;
            full |= b.length == 512;
            for (byte x : b) {
                count[x & 0xFF]++;
            }
        }
        assertThat(empty).isTrue();
        assertThat(full).isTrue();
        assertThat(count).doesNotContain(0);
        assertThat(pool[2]).as("all zeros").containsOnly((byte) 0);
    }

    @Test
    void aOneMebibyteBoundKeepsThePoolSmall() {
        long bytes = 0;
        for (byte[] b : ValuePools.binary(1 << 20, 3)) {
            bytes += b.length;
        }
        assertThat(bytes).isLessThan(2 * ValuePools.POOL_BYTES);
    }

    /**
     * What the recorder received, read back from the queue's excerpts with Chronicle's plain tailer and the layout's own
     * accessors (not the queue reader): every variable field has empty values, values of exactly N bytes, valid UTF-8
     * with 2-, 3- and 4-byte characters where N allows, nulls when nullable, never more than N bytes.
     */
    @Test
    void recordedVariableValuesCoverEmptyFullMultibyteAndNulls() throws Exception {
        Schema schema = Schema.parse(VARIABLE_YAML, "variable");
        int count = 30_000;
        RecordCommand.Result r = RecordCommand.record(schema, dir.resolve("q"), count, 2, 0, 5, RecorderOptions.defaults()
                .diskGuardMinFreeBytes(0), java.time.Duration.ZERO);
        assertThat(r.appended()).isEqualTo(count);
        assertThat(r.refused()).isZero();
        assertThat(r.tooLong()).isZero();

        Map<String, Stats> stats = new HashMap<>();
        long recordBytes = 0;
        for (byte[] record : records(dir.resolve("q"))) {
            recordBytes += record.length;
            for (Field f : schema.variableFields()) {
                Stats s = stats.computeIfAbsent(f.name(), k -> new Stats());
                if (f.nullable() && RecordLayout.isNull(record, 0, f.nullBit())) {
                    s.nulls++;
                    continue;
                }
                byte[] value = Arrays.copyOfRange(record, RecordLayout.valueStart(record, 0, f), RecordLayout.valueEnd(record, 0, f));
                assertThat(value.length).as(f.name()).isLessThanOrEqualTo(f.maxLength());
                s.lengths.add(value.length);
                if (f.kind() == io.parquetry.schema.FieldType.Kind.STRING) {
                    s.widths |= utf8Widths(strictUtf8(value));
                } else {
                    for (byte b : value) {
                        s.bytes[b & 0xFF]++;
                    }
                }
            }
        }
        assertThat(recordBytes).as("bytes of records, measured by the producers").isEqualTo(r.recordBytes());
        assertThat(r.summary()).contains(String.format(java.util.Locale.ROOT, "%.1f B each on average, %d to %,d", (double) recordBytes / count,
                schema.fixedLength(), schema.maxRecordLength())).contains("too long 0");
        for (Field f : schema.variableFields()) {
            Stats s = stats.get(f.name());
            assertThat(s.lengths).as(f.name()).contains(0, f.maxLength());
            if (f.nullable()) {
                assertThat(s.nulls).as("nulls of %s", f.name()).isBetween((long) count / SyntheticSource.NULL_ONE_IN / 2,
                        (long) count / SyntheticSource.NULL_ONE_IN * 2);
            }
            if (f.kind() == io.parquetry.schema.FieldType.Kind.STRING) {
                for (int width = 1; width <= Math.min(4, f.maxLength()); width++) {
                    assertThat(s.widths & (1 << width)).as("%s has %d-byte characters", f.name(), width).isNotZero();
                }
            }
        }
        assertThat(stats.get("payload").bytes).as("every byte value in binary(512)").doesNotContain(0);
        assertThat(stats.get("small_blob").bytes[0]).as("zero bytes in binary(2)").isPositive();
        List<Integer> notes = new ArrayList<>(stats.get("note").lengths);
        notes.sort(null);
        assertThat(notes.get(notes.size() / 2)).as("median length of a string(300)").isLessThan(60);
    }

    /** The shipped app-log schema gets log-like values: skewed levels, a few services, hex trace ids, JSON half the time. */
    @Test
    void appLogValuesLookLikeALog() throws Exception {
        Schema schema = Schema.load(root().resolve("conf/schemas/app-log.yaml"));
        assertThat(schema.fixedLength()).isEqualTo(78);
        assertThat(schema.maxRecordLength()).isEqualTo(78 + 2048 + 8192);
        int count = 20_000;
        RecordCommand.Result r = RecordCommand.record(schema, dir.resolve("q"), count, 1, 0, 1, RecorderOptions.defaults()
                .diskGuardMinFreeBytes(0), java.time.Duration.ZERO);
        assertThat(r.appended()).isEqualTo(count);
        System.out.println(r.summary());
        Field level = schema.field("level");
        Field service = schema.field("service");
        Field trace = schema.field("trace_id");
        Field message = schema.field("message");
        Field attributes = schema.field("attributes");
        Map<String, Integer> levels = new HashMap<>();
        Map<String, Integer> services = new HashMap<>();
        List<Integer> messageLengths = new ArrayList<>();
        int json = 0;
        int traces = 0;
        JsonFactory jf = new JsonFactory();
        for (byte[] rec : records(dir.resolve("q"))) {
            levels.merge(chars(rec, level), 1, Integer::sum);
            services.merge(chars(rec, service), 1, Integer::sum);
            if (!RecordLayout.isNull(rec, 0, trace.nullBit())) {
                assertThat(chars(rec, trace)).matches("[0-9a-f]{32}");
                traces++;
            }
            messageLengths.add(RecordLayout.valueEnd(rec, 0, message) - RecordLayout.valueStart(rec, 0, message));
            if (!RecordLayout.isNull(rec, 0, attributes.nullBit())) {
                json++;
                byte[] v = Arrays.copyOfRange(rec, RecordLayout.valueStart(rec, 0, attributes), RecordLayout.valueEnd(rec, 0, attributes));
                try (JsonParser p = jf.createParser(v)) {
                    while (p.nextToken() != null) {
                        // parses whole, or throws
                    }
                }
            }
        }
        assertThat(levels.keySet()).containsExactlyInAnyOrder("DEBUG", "INFO", "WARN", "ERROR");
        assertThat(levels.get("INFO")).isGreaterThan(count / 2);
        assertThat(levels.get("ERROR")).isLessThan(levels.get("WARN"));
        assertThat(services).hasSizeBetween(3, 12);
        assertThat(traces).isGreaterThan(count * 3 / 4);
        assertThat(json).as("attributes present about half the time").isBetween(count * 2 / 5, count * 3 / 5);
        messageLengths.sort(null);
        assertThat(messageLengths.get(count / 2)).as("median message length").isBetween(50, 110);
        assertThat(messageLengths.get(0)).isZero();
        assertThat(messageLengths.get(count - 1)).isEqualTo(2048);
        assertThat(r.summary()).contains("recorded 20,000 records (app_log v1").contains("B each on average, 78 to 10,318").contains("too long 0")
                .doesNotContain("truncated");
    }

    /** Generating and appending a record allocates nothing once warm, variable values included. */
    @Test
    void writingVariableRecordsAllocatesNothingAfterWarmUp() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(mx.isThreadAllocatedMemorySupported()).isTrue();
        mx.setThreadAllocatedMemoryEnabled(true);
        Schema schema = Schema.load(root().resolve("conf/schemas/app-log.yaml"));
        Schema variable = Schema.parse(VARIABLE_YAML, "v");
        SyntheticSource appLog = new SyntheticSource(schema, 3);
        SyntheticSource source = new SyntheticSource(variable, 3).forThread();
        try (Recorder a = Recorder.open(dir.resolve("a"), schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0));
             Recorder b = Recorder.open(dir.resolve("b"), variable, RecorderOptions.defaults().diskGuardMinFreeBytes(0));
             RecordWriter wa = a.newWriter(); RecordWriter wb = b.newWriter()) {
            long i = 0;
            for (; i < 300_000; i++) { // warm-up: let C2 compile the generator and the append path
                appLog.write(wa, i);
                source.write(wb, i);
            }
            long tid = Thread.currentThread().getId();
            int records = 500_000;
            long before = mx.getThreadAllocatedBytes(tid);
            for (long end = i + records; i < end; i++) {
                appLog.write(wa, i);
                source.write(wb, i);
            }
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            double perRecord = (double) allocated / (2.0 * records);
            System.out.printf("allocated %d bytes over %d records: %.4f B/record%n", allocated, 2 * records, perRecord);
            assertThat(perRecord).as("bytes allocated per generated and appended record").isLessThan(0.1);
            assertThat(wa.appended() + wb.appended()).isEqualTo(2 * i);
        }
    }

    private static final class Stats {
        final List<Integer> lengths = new ArrayList<>();
        final int[] bytes = new int[256];
        long nulls;
        int widths;
    }

    private static Path root() {
        return Path.of(System.getProperty("parquetry.root", ".."));
    }

    /** The records of a variable queue, each without what follows it (its schema version, its checksum): Chronicle's own tailer. */
    private static List<byte[]> records(Path queue) {
        List<byte[]> out = new ArrayList<>();
        int overhead = io.parquetry.queue.ExcerptFormat.of(QueueSchemaStore.layoutVersion(queue), QueueSchemaStore.read(queue)).overhead();
        try (SingleChronicleQueue q = ChronicleQueue.singleBuilder(queue).readOnly(true)
                .rollCycle(RollCycleNames.resolve(QueueSchemaStore.rollCycle(queue))).build(); ExcerptTailer t = q.createTailer()) {
            while (true) {
                try (DocumentContext dc = t.readingDocument()) {
                    if (!dc.isPresent()) {
                        return out;
                    }
                    Bytes<?> bytes = dc.wire().bytes();
                    byte[] b = new byte[(int) bytes.readRemaining() - overhead];
                    bytes.read(b, 0, b.length);
                    out.add(b);
                }
            }
        }
    }

    private static String chars(byte[] record, Field f) {
        int n = RecordLayout.charLength(record, f.offset(), f.length());
        return new String(record, f.offset(), n, StandardCharsets.UTF_8);
    }

    /** Decodes UTF-8, failing on anything malformed (String's constructor would replace it silently). */
    private static String strictUtf8(byte[] b) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(b)).toString();
    }

    /** Bit w set when {@code s} has a character of w bytes in UTF-8 (w = 1..4). */
    private static int utf8Widths(String s) {
        int widths = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            widths |= 1 << (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
            i += Character.charCount(cp);
        }
        return widths;
    }
}
