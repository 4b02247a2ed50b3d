package io.parquetry.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.queue.CycleFileDescriptor;
import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.QueueSchemaStore;
import io.parquetry.queue.SchemaHistory;
import io.parquetry.reader.QueueDamagedException;
import io.parquetry.reader.QueueReader;
import io.parquetry.reader.RecordReader;
import io.parquetry.schema.Field;
import io.parquetry.schema.Schema;
import io.parquetry.testing.DamagedQueues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A queue whose schema changes without a new queue (issue 23, docs/FORMAT.md §2.1): a newer compatible version is added
 * to the queue's history and its records carry it; every record reads back with the version that wrote it; an
 * incompatible change is refused in one line naming the queue, both versions and each change.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SchemaChangeTest {

    private static final RecorderOptions OPTS = RecorderOptions.defaults().diskGuardMinFreeBytes(0);
    private static final String ADVICE = " (an incompatible change needs a new queue directory: docs/OPERATIONS.md, \"Change a schema\")";

    static final String V1_FIELDS = """
              - {name: seq, type: int64}
              - {name: px, type: int32}
              - {name: name, type: char(8)}
              - {name: size, type: float32}
              - {name: note, type: int16}
              - {name: tag, type: string(8)}
              - {name: dec, type: "decimal(10,2)"}
            """;
    static final Schema V1 = schema(1, V1_FIELDS);

    @TempDir
    Path dir;

    static Schema schema(int version, String fields) {
        return Schema.parse("name: ticks\nversion: " + version + "\nfields:\n" + fields, "v" + version);
    }

    /** Writes a record of {@code s} whose every field holds a value made from {@code seq} (see {@link #check}). */
    static void write(RecordWriter w, Schema s, long seq) {
        w.begin();
        for (Field f : s.fields()) {
            switch (f.kind()) {
                case INT8, INT16, INT32 -> w.setInt(f, (int) (seq % 100) - 50);
                case INT64 -> w.setLong(f, f.name().equals("seq") ? seq : -seq * 1000);
                case DECIMAL -> w.setLong(f, -seq);
                case FLOAT32 -> w.setFloat(f, seq + 0.5f);
                case FLOAT64 -> w.setDouble(f, seq + 0.25);
                case CHAR -> w.setChars(f, "s" + seq);
                case STRING -> w.setString(f, "s" + seq);
                default -> throw new AssertionError(f);
            }
        }
        assertThat(w.commit()).isEqualTo(RecordWriter.OK);
    }

    /** Checks a record written by {@link #write} with its own schema's fields. */
    static long check(RecordReader rec) {
        Schema s = rec.schema();
        long seq = rec.getLong(s.field("seq"));
        for (Field f : s.fields()) {
            assertThat(rec.isNull(f)).as("%s of seq %d", f.name(), seq).isFalse();
            switch (f.kind()) {
                case INT8, INT16, INT32 -> assertThat(rec.getInt(f)).as(f.name()).isEqualTo((int) (seq % 100) - 50);
                case INT64 -> assertThat(rec.getLong(f)).as(f.name()).isEqualTo(f.name().equals("seq") ? seq : -seq * 1000);
                case DECIMAL -> assertThat(rec.getLong(f)).as(f.name()).isEqualTo(-seq);
                case FLOAT32 -> assertThat(rec.getFloat(f)).as(f.name()).isEqualTo(seq + 0.5f);
                case FLOAT64 -> assertThat(rec.getDouble(f)).as(f.name()).isEqualTo(seq + 0.25);
                case CHAR -> assertThat(rec.getString(f)).as(f.name()).isEqualTo("s" + seq);
                case STRING -> assertThat(rec.getString(f, new StringBuilder()).toString()).as(f.name()).isEqualTo("s" + seq);
                default -> throw new AssertionError(f);
            }
        }
        return seq;
    }

    /** Appends records {@code from .. to-1} of {@code s}, in a recorder of its own. */
    private void record(Schema s, long from, long to) {
        try (Recorder r = Recorder.open(dir, s, OPTS); RecordWriter w = r.newWriter()) {
            assertThat(r.format().schemaVersion()).isEqualTo(s.version());
            for (long i = from; i < to; i++) {
                write(w, s, i);
            }
        }
    }

    /** One record read back: its index, the version its record carries, its seq. */
    record Read(long index, int version, long seq) {
    }

    private static List<Read> readAll(QueueReader r) {
        List<Read> out = new ArrayList<>();
        while (r.read((index, rec) -> out.add(new Read(index, rec.schema().version(), check(rec))), 1000) > 0) {
            // keep reading
        }
        return out;
    }

    private List<Read> readAll() {
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            return readAll(r);
        }
    }

    private static void assertVersions(List<Read> reads, long from, long to, int version) {
        assertThat(reads.subList((int) from, (int) to)).allSatisfy(r -> assertThat(r.version()).as("seq %d", r.seq()).isEqualTo(version));
    }

    // --- compatible changes ---------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "add a nullable field|  - {name: venue, type: string(16), nullable: true}",
        "add a field with a default|  - {name: qty, type: int32, default: 7}",
        "drop a field|DROP tag",
        "required to nullable|px int32->int32, nullable: true",
        "widen int32 to int64|px int32->int64",
        "widen int16 to int32|note int16->int32",
        "widen float32 to float64|size float32->float64",
        "widen a decimal|dec \"decimal(10,2)\"->\"decimal(18,2)\"",
        "grow char(N)|name char(8)->char(12)",
        "grow string(N)|tag string(8)->string(64)",
        "rename with was|{name: name,->{name: sym, was: name,",
        "reorder|REORDER"})
    void aCompatibleNewVersionIsAddedAndBothVersionsReadBack(String kind, String change) throws Exception {
        String fields;
        if (change.startsWith("DROP ")) {
            fields = V1_FIELDS.replaceAll("(?m)^.*name: " + change.substring(5) + ",.*\n", "");
        } else if (change.equals("REORDER")) {
            List<String> lines = new ArrayList<>(V1_FIELDS.lines().toList());
            java.util.Collections.reverse(lines);
            fields = String.join("\n", lines) + "\n";
        } else if (change.contains("->")) {
            String[] ab = change.split("->");
            String[] from = ab[0].split(" ", 2);
            if (from.length == 2 && !ab[0].startsWith("{")) {
                fields = V1_FIELDS.replace("{name: " + from[0] + ", type: " + from[1] + "}", "{name: " + from[0] + ", type: " + ab[1] + "}");
            } else {
                fields = V1_FIELDS.replace(ab[0], ab[1]);
            }
        } else {
            fields = V1_FIELDS + "  " + change.strip() + "\n"; // the CSV source trims the line's indent
        }
        Schema v2 = schema(2, fields);
        assertThat(v2.fingerprint()).as("the change changed something").isNotEqualTo(schema(2, V1_FIELDS).fingerprint());

        record(V1, 0, 300);
        long lastV1;
        try (QueueReader r = QueueReader.open(dir)) {
            lastV1 = r.lastIndex();
        }
        record(v2, 300, 500);
        record(V1, 500, 600); // a process still on v1 appends again

        assertThat(QueueSchemaStore.versionFile(dir, 2)).exists();
        SchemaHistory h = QueueSchemaStore.history(dir);
        assertThat(h.versions()).extracting(SchemaHistory.Version::number).containsExactly(1, 2);
        assertThat(h.versions().get(1).afterIndex()).as("after-index: the queue's last index before v2").isEqualTo(lastV1);
        assertThat(h.versions().get(1).added()).isNotNull();
        assertThat(h.newest().schema().fingerprint()).isEqualTo(v2.fingerprint());
        assertThat(Files.readString(QueueSchemaStore.versionFile(dir, 2))).contains("# after-index: " + lastV1 + "\n", "# added: ");

        List<Read> reads = readAll();
        assertThat(reads).extracting(Read::seq).containsExactlyElementsOf(java.util.stream.LongStream.range(0, 600).boxed().toList());
        assertVersions(reads, 0, 300, 1);
        assertVersions(reads, 300, 500, 2);
        assertVersions(reads, 500, 600, 1);
        assertThat(reads.get(299).index()).isEqualTo(lastV1);
        assertThat(reads.get(300).index()).isGreaterThan(lastV1);
    }

    @Test
    void anEmptyQueueTakesANewVersionAfterIndexMinusOne() {
        try (Recorder r = Recorder.open(dir, V1, OPTS)) {
            assertThat(r.schema()).isSameAs(V1);
        }
        Schema v2 = schema(2, V1_FIELDS + "  - {name: venue, type: string(16), nullable: true}\n");
        record(v2, 0, 10);
        assertThat(QueueSchemaStore.history(dir).versions().get(1).afterIndex()).isEqualTo(-1);
        assertVersions(readAll(), 0, 10, 2);
    }

    @Test
    void descriptionOnlyEditsOfTheSameVersionChangeNothing() throws Exception {
        record(V1, 0, 10);
        String schemaFile = Files.readString(QueueSchemaStore.file(dir));
        Schema described = schema(1, V1_FIELDS.replace("{name: px, type: int32}", "{name: px, type: int32, description: \"the price\"}"));
        assertThat(described.fingerprint()).isEqualTo(V1.fingerprint());
        record(described, 10, 20);
        assertThat(Files.readString(QueueSchemaStore.file(dir))).isEqualTo(schemaFile);
        assertThat(QueueSchemaStore.history(dir).size()).isEqualTo(1);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("parquetry-schema-v"));
        }
        assertVersions(readAll(), 0, 20, 1);
    }

    @Test
    void aV1AndAV2WriterAppendAtOnceAndEveryRecordReadsWithItsVersion() {
        Schema v2 = schema(2, V1_FIELDS.replace("{name: px, type: int32}", "{name: px, type: int64}")
                + "  - {name: venue, type: string(16), nullable: true}\n");
        try (Recorder r1 = Recorder.open(dir, V1, OPTS); RecordWriter w1 = r1.newWriter()) {
            write(w1, V1, 0);
            try (Recorder r2 = Recorder.open(dir, v2, OPTS); RecordWriter w2 = r2.newWriter()) {
                for (long i = 1; i < 1000; i++) {
                    if (i % 3 == 0) {
                        write(w2, v2, i);
                    } else {
                        write(w1, V1, i);
                    }
                }
            }
            write(w1, V1, 1000);
        }
        List<Read> reads = readAll();
        assertThat(reads).hasSize(1001);
        for (int i = 0; i < reads.size(); i++) {
            assertThat(reads.get(i).seq()).isEqualTo(i);
            assertThat(reads.get(i).version()).as("seq %d", i).isEqualTo(i % 3 == 0 && i > 0 && i < 1000 ? 2 : 1);
        }
    }

    @Test
    void aReaderOpenedBeforeANewVersionReadsItsRecords() {
        record(V1, 0, 100);
        Schema v2 = schema(2, V1_FIELDS + "  - {name: qty, type: int32, default: 7}\n");
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            List<Read> first = readAll(r);
            assertThat(first).hasSize(100);
            assertThat(r.history().size()).isEqualTo(1);
            record(v2, 100, 150);
            record(V1, 150, 160);
            List<Read> rest = readAll(r);
            assertThat(rest).extracting(Read::seq).containsExactlyElementsOf(java.util.stream.LongStream.range(100, 160).boxed().toList());
            assertVersions(rest, 0, 50, 2);
            assertVersions(rest, 50, 60, 1);
            assertThat(r.schema().version()).as("the newest the reader knows").isEqualTo(2);
            assertThat(r.history().size()).isEqualTo(2);
        }
    }

    @Test
    void aRecordWhoseVersionTagIsCorruptedIsDamageNotARow() throws Exception {
        Schema v2 = schema(2, V1_FIELDS + "  - {name: qty, type: int32, default: 7}\n");
        record(V1, 0, 100);
        record(v2, 100, 200);
        Path file = DamagedQueues.cycleFiles(dir).get(0);
        List<Long> pos = DamagedQueues.recordPositions(file);
        assertThat(pos).hasSize(200);
        int k = 150;
        int excerptLength = CycleFileDescriptor.lengthOf(DamagedQueues.getInt(file, pos.get(k)));
        long at = pos.get(k) + CycleFileDescriptor.HEADER_LENGTH + ExcerptFormat.schemaVersionAt(excerptLength);
        assertThat(DamagedQueues.getInt(file, at)).isEqualTo(2);
        DamagedQueues.putInt(file, at, ~2);
        List<Read> reads = new ArrayList<>();
        QueueDamagedException damage;
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            damage = org.junit.jupiter.api.Assertions.assertThrows(QueueDamagedException.class, () -> {
                while (r.read((index, rec) -> reads.add(new Read(index, rec.schema().version(), check(rec))), 1000) > 0) {
                    // keep reading
                }
            });
        }
        assertThat(reads).extracting(Read::seq).containsExactlyElementsOf(java.util.stream.LongStream.range(0, k).boxed().toList());
        assertThat(damage.file()).isEqualTo(file);
        assertThat(damage.position()).isEqualTo(pos.get(k));
        assertThat(damage.lastGoodIndex()).isEqualTo(reads.get(k - 1).index());
        assertThat(damage.found()).contains("says it is of schema version " + ~2, "does not hold");
        assertThat(damage.getMessage()).doesNotContain("\n");
    }

    // --- refused changes --------------------------------------------------------------------------------------------------

    private void assertRefused(Schema given, String... changes) {
        record(V1, 0, 10);
        assertThatThrownBy(() -> Recorder.open(dir, given, OPTS)).isInstanceOf(IllegalStateException.class)
                .hasMessage("schema change refused: queue=" + dir + ", stored=" + V1.identity() + ", given=" + given.identity() + ": "
                        + String.join("; ", changes) + ADVICE);
        assertThat(QueueSchemaStore.versionFile(dir, given.version())).doesNotExist();
        assertThat(QueueSchemaStore.history(dir).size()).isEqualTo(1);
        assertVersions(readAll(), 0, 10, 1);
    }

    @Test
    void narrowingIsRefused() {
        assertRefused(schema(2, V1_FIELDS.replace("{name: seq, type: int64}", "{name: seq, type: int32}")),
                "field seq: type int64 changed to int32, which is not a widening");
    }

    @Test
    void aTypeChangeIsRefused() {
        assertRefused(schema(2, V1_FIELDS.replace("{name: px, type: int32}", "{name: px, type: float64}")),
                "field px: type int32 changed to float64, which is not a widening");
    }

    @Test
    void charToStringIsRefused() {
        assertRefused(schema(2, V1_FIELDS.replace("{name: name, type: char(8)}", "{name: name, type: string(8)}")),
                "field name: type char(8) changed to string(8), which is not a widening");
    }

    @Test
    void nullableToRequiredIsRefused() {
        String nullable = V1_FIELDS.replace("{name: px, type: int32}", "{name: px, type: int32, nullable: true}");
        Schema v1 = schema(1, nullable);
        try (Recorder r = Recorder.open(dir, v1, OPTS)) {
            assertThat(r.schema()).isSameAs(v1);
        }
        Schema v2 = schema(2, V1_FIELDS);
        assertThatThrownBy(() -> Recorder.open(dir, v2, OPTS)).isInstanceOf(IllegalStateException.class)
                .hasMessage("schema change refused: queue=" + dir + ", stored=" + v1.identity() + ", given=" + v2.identity()
                        + ": field px: nullable made required" + ADVICE);
    }

    @Test
    void addingARequiredFieldWithoutADefaultIsRefused() {
        assertRefused(schema(2, V1_FIELDS + "  - {name: qty, type: int32}\n"),
                "field qty: added as required without a default (make it nullable or give it a default)");
    }

    @Test
    void aWasNamingNoFieldIsRefused() {
        assertRefused(schema(2, V1_FIELDS + "  - {name: sym, type: char(8), nullable: true, was: nme}\n"),
                "field sym: was nme, but ticks v1 has no field nme");
    }

    @Test
    void reusingADroppedNameWithAnotherTypeIsRefused() {
        record(V1, 0, 10);
        Schema v2 = schema(2, V1_FIELDS.replace("  - {name: note, type: int16}\n", ""));
        record(v2, 10, 20);
        Schema v3 = schema(3, V1_FIELDS.replace("{name: note, type: int16}", "{name: note, type: char(4), nullable: true}"));
        assertThatThrownBy(() -> Recorder.open(dir, v3, OPTS)).isInstanceOf(IllegalStateException.class)
                .hasMessage("schema change refused: queue=" + dir + ", stored=" + v2.identity() + ", given=" + v3.identity()
                        + ": field note: reuses the name of a field dropped after v1 with type int16, now char(4)" + ADVICE);
    }

    @Test
    void everyChangeIsNamedInTheOneLine() {
        assertRefused(schema(2, V1_FIELDS.replace("{name: seq, type: int64}", "{name: seq, type: int32}")
                .replace("{name: size, type: float32}", "{name: size, type: float64}") + "  - {name: qty, type: int32}\n"),
                "field seq: type int64 changed to int32, which is not a widening",
                "field qty: added as required without a default (make it nullable or give it a default)");
    }

    @Test
    void anotherSchemaNameIsRefused() {
        record(V1, 0, 10);
        Schema other = Schema.parse("name: other\nversion: 2\nfields:\n" + V1_FIELDS, "other");
        assertThatThrownBy(() -> Recorder.open(dir, other, OPTS)).isInstanceOf(IllegalStateException.class)
                .hasMessage("queue holds records of another schema: queue=" + dir + ", stored=" + V1.identity() + ", given=" + other.identity()
                        + " (another schema needs a new queue directory)");
    }

    @Test
    void aVersionLowerThanTheNewestIsRefused() {
        record(V1, 0, 10);
        Schema v3 = schema(3, V1_FIELDS + "  - {name: qty, type: int32, default: 7}\n");
        record(v3, 10, 20);
        Schema v2 = schema(2, V1_FIELDS + "  - {name: venue, type: string(4), nullable: true}\n");
        assertThatThrownBy(() -> Recorder.open(dir, v2, OPTS)).isInstanceOf(IllegalStateException.class)
                .hasMessage("schema change refused: queue=" + dir + ", stored=" + v3.identity() + ", given=" + v2.identity()
                        + ": version 2 is lower than the queue's newest, 3" + ADVICE);
        record(V1, 20, 30); // the first version itself is still welcome
        assertVersions(readAll(), 20, 30, 1);
    }

    @Test
    void theSameVersionWithOtherFieldsIsRefused() {
        Schema changed = schema(1, V1_FIELDS + "  - {name: venue, type: string(4), nullable: true}\n");
        assertRefused(changed, "version 1 is in the queue already with other fields (fingerprint " + V1.fingerprintHex()
                + "): a changed schema needs a higher version");
    }

    @Test
    void aQueueOfLayoutTwoRefusesANewVersionForItsRecordsDoNotSayTheirs() {
        Schema fixedV1 = schema(1, V1_FIELDS.replace("  - {name: tag, type: string(8)}\n", ""));
        QueueSchemaStore.storeOrCheck(dir, fixedV1, RecorderOptions.DEFAULT_ROLL_CYCLE, ExcerptFormat.CHECKSUMMED);
        assertThat(QueueSchemaStore.layoutVersion(dir)).isEqualTo(ExcerptFormat.CHECKSUMMED);
        try (Recorder r = Recorder.open(dir, fixedV1, OPTS); RecordWriter w = r.newWriter()) {
            assertThat(r.format().version()).isEqualTo(ExcerptFormat.CHECKSUMMED);
            write(w, fixedV1, 0);
        }
        Schema v2 = schema(2, V1_FIELDS.replace("  - {name: tag, type: string(8)}\n", "") + "  - {name: qty, type: int32, default: 7}\n");
        assertThatThrownBy(() -> Recorder.open(dir, v2, OPTS)).isInstanceOf(IllegalStateException.class)
                .hasMessage("schema change refused: queue=" + dir + ", stored=" + fixedV1.identity() + ", given=" + v2.identity()
                        + ": the queue has layout version 2, whose records do not say their schema version (layout 4 and later do)" + ADVICE);
        assertThat(QueueSchemaStore.versionFile(dir, 2)).doesNotExist();
        assertVersions(readAll(), 0, 1, 1);
    }

    @Test
    void aQueueOfLayoutOneRefusesANewVersion() {
        Schema fixedV1 = schema(1, V1_FIELDS.replace("  - {name: tag, type: string(8)}\n", ""));
        try (Recorder r = Recorder.open(dir, fixedV1, RecorderOptions.defaults().diskGuardMinFreeBytes(0).recordChecksums(false))) {
            assertThat(r.format().version()).isEqualTo(ExcerptFormat.RECORD_ONLY);
        }
        Schema v2 = schema(2, V1_FIELDS.replace("  - {name: tag, type: string(8)}\n", "") + "  - {name: qty, type: int32, default: 7}\n");
        assertThatThrownBy(() -> Recorder.open(dir, v2, RecorderOptions.defaults().diskGuardMinFreeBytes(0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(": the queue has layout version 1, whose records do not say");
    }
}
