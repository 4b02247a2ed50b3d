package io.parquetry.reader;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.QueueSchemaStore;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.schema.Field;
import io.parquetry.schema.RecordLayout;
import io.parquetry.schema.Schema;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Records with {@code string(N)} and {@code binary(N)} fields written by a {@link RecordWriter} through a real recorder
 * and queue, read back by Chronicle's plain tailer and a {@link RecordReader}: the bytes of each value against
 * {@code String.getBytes(UTF_8)}, the overflow policies, the order and repetition of sets, nulls, and the excerpt's
 * length and checksum.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VariableRecordsTest {

    static final Schema SCHEMA = Schema.parse(String.join("\n",
            "name: notes",
            "version: 1",
            "fields:",
            "  - {name: id, type: int64}",
            "  - {name: text, type: string(16), nullable: true}",
            "  - {name: blob, type: binary(256), nullable: true}",
            "  - {name: cut, type: string(8), nullable: true, overflow: truncate}",
            "  - {name: cutb, type: binary(4), nullable: true, overflow: truncate}",
            "  - {name: sym, type: char(8), nullable: true}",
            ""), "notes");
    static final Field ID = SCHEMA.field("id");
    static final Field TEXT = SCHEMA.field("text");
    static final Field BLOB = SCHEMA.field("blob");
    static final Field CUT = SCHEMA.field("cut");
    static final Field CUTB = SCHEMA.field("cutb");
    static final Field SYM = SCHEMA.field("sym");
    /** Bitmap (1), id (8), four end slots (16), sym (8). */
    static final int FIXED = 33;
    /** What follows a record in its excerpt in a new queue (layout version 4): its schema version and its CRC32C. */
    static final int AFTER_RECORD = ExcerptFormat.SCHEMA_VERSION_LENGTH + ExcerptFormat.CHECKSUM_LENGTH;

    private static final RecorderOptions OPTIONS = RecorderOptions.defaults().diskGuardMinFreeBytes(0);

    @TempDir
    Path dir;

    private Recorder open() {
        return open(SCHEMA);
    }

    private Recorder open(Schema schema) {
        return Recorder.open(dir, schema, OPTIONS);
    }

    /** Writes one record: id, then what {@code fill} sets; returns what commit returned. */
    private static int write(RecordWriter w, long id, Consumer<RecordWriter> fill) {
        assertThat(w.begin()).isEqualTo(RecordWriter.OK);
        try {
            w.setLong(ID, id);
            fill.accept(w);
            return w.commit();
        } finally {
            w.abort();
        }
    }

    /** Writes records of the given fills, each expected to commit, and returns the excerpts the queue holds. */
    @SafeVarargs
    private List<byte[]> writeAll(Consumer<RecordWriter>... fills) {
        return writeAll(List.of(fills));
    }

    private List<byte[]> writeAll(List<Consumer<RecordWriter>> fills) {
        try (Recorder rec = open(); RecordWriter w = rec.newWriter()) {
            for (int i = 0; i < fills.size(); i++) {
                assertThat(write(w, i, fills.get(i))).as("commit of record %d", i).isEqualTo(RecordWriter.OK);
            }
        }
        List<byte[]> excerpts = RawExcerpts.copies(dir);
        assertThat(excerpts).hasSize(fills.size());
        return excerpts;
    }

    private RecordReader read(byte[] excerpt) {
        RecordReader r = RawExcerpts.over(SCHEMA, RawExcerpts.format(dir), excerpt);
        assertThat(r.matchesSchema()).isTrue();
        assertThat(r.variableProblem()).isNull();
        return r;
    }

    private static byte[] value(RecordReader r, Field f) {
        byte[] b = new byte[r.valueLength(f)];
        assertThat(r.getValue(f, b, 0)).isEqualTo(b.length);
        return b;
    }

    private static String string(RecordReader r, Field f) {
        return r.getString(f, new StringBuilder()).toString();
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void textOfOneToFourByteCharactersIsItsUtf8Bytes() {
        String[] texts = {"", "AAPL", "é ü ß ñ", "€ 中文 ₿", "😀𝄞🎉", "a€😀é"};
        List<byte[]> ex = writeAll(Arrays.stream(texts).<Consumer<RecordWriter>>map(t -> w -> w.setString(TEXT, t)).toList());
        for (int i = 0; i < texts.length; i++) {
            RecordReader r = read(ex.get(i));
            assertThat(value(r, TEXT)).as(texts[i]).isEqualTo(texts[i].getBytes(UTF_8));
            assertThat(string(r, TEXT)).isEqualTo(texts[i]);
            assertThat(r.getLong(ID)).isEqualTo(i);
        }
    }

    @Test
    void unpairedSurrogatesAreWrittenAsQuestionMarksAsStringGetBytesWritesThem() {
        String[] texts = {"a\uD800b", "a\uDC00b", "ab\uD83D", "\uDE00x", "\uDE00\uD83D", "\uD83D\uD83D\uDE00"};
        List<byte[]> ex = writeAll(Arrays.stream(texts).<Consumer<RecordWriter>>map(t -> w -> w.setString(TEXT, t).setString(CUT, t))
                .toList());
        for (int i = 0; i < texts.length; i++) {
            RecordReader r = read(ex.get(i));
            assertThat(value(r, TEXT)).as("string(16) of text %d", i).isEqualTo(texts[i].getBytes(UTF_8));
            assertThat(value(r, CUT)).as("string(8), truncating, of text %d", i).isEqualTo(texts[i].getBytes(UTF_8));
        }
    }

    /** Before the variable fields came, char(N) wrote an unpaired surrogate as a 3-byte sequence no decoder accepts. */
    @Test
    void charFieldWritesUnpairedSurrogatesAsStringGetBytesDoes() {
        String[] texts = {"a\uD800b", "a\uDC00b", "ab\uD83D", "\uDE00\uD83D", "x\uD83D\uDE00"};
        List<byte[]> ex = writeAll(Arrays.stream(texts).<Consumer<RecordWriter>>map(t -> w -> w.setChars(SYM, t)).toList());
        for (int i = 0; i < texts.length; i++) {
            RecordReader r = read(ex.get(i));
            byte[] got = new byte[8];
            int n = r.getBytes(SYM, got, 0);
            assertThat(Arrays.copyOf(got, n)).as("char(8) of text %d", i).isEqualTo(texts[i].getBytes(UTF_8));
        }
    }

    @Test
    void aValueOfExactlyNBytesIsKeptWhole() {
        String ascii = "0123456789abcdef";
        String multi = "€€€€€a"; // 5 * 3 + 1 = 16 bytes
        String four = "😀😀"; // 8 bytes into string(8)
        byte[] bin = new byte[256];
        Arrays.fill(bin, (byte) 7);
        List<byte[]> ex = writeAll(w -> w.setString(TEXT, ascii).setBytes(BLOB, bin, 0, 256).setString(CUT, four),
                w -> w.setString(TEXT, multi).setBytes(CUTB, bytes(1, 2, 3, 4), 0, 4));
        RecordReader r = read(ex.get(0));
        assertThat(string(r, TEXT)).isEqualTo(ascii);
        assertThat(value(r, BLOB)).isEqualTo(bin);
        assertThat(string(r, CUT)).isEqualTo(four);
        r = read(ex.get(1));
        assertThat(value(r, TEXT)).isEqualTo(multi.getBytes(UTF_8)).hasSize(16);
        assertThat(value(r, CUTB)).isEqualTo(bytes(1, 2, 3, 4));
    }

    @Test
    void aValueOneByteTooLongIsRefusedAtCommitAndNothingReachesTheQueue() {
        try (Recorder rec = open(); RecordWriter w = rec.newWriter()) {
            assertThat(write(w, 0, x -> x.setString(TEXT, "fine"))).isEqualTo(RecordWriter.OK);
            assertThat(write(w, 1, x -> x.setString(TEXT, "0123456789abcdefg"))).isEqualTo(RecordWriter.REFUSED_TOO_LONG).isEqualTo(-3);
            assertThat(w.refusedTooLong()).isEqualTo(1);
            assertThat(write(w, 2, x -> x.setString(TEXT, "€€€€€ab"))).as("17 bytes in 7 chars").isEqualTo(RecordWriter.REFUSED_TOO_LONG);
            assertThat(write(w, 3, x -> x.setBytes(BLOB, new byte[257], 0, 257))).isEqualTo(RecordWriter.REFUSED_TOO_LONG);
            assertThat(write(w, 4, x -> x.setBytes(BLOB, ByteBuffer.allocate(300), 0, 257))).isEqualTo(RecordWriter.REFUSED_TOO_LONG);
            assertThat(write(w, 5, x -> x.setBytes(BLOB, BytesStore.wrap(new byte[257]), 0, 257))).isEqualTo(RecordWriter.REFUSED_TOO_LONG);
            assertThat(write(w, 6, x -> x.setString(TEXT, "01234567").appendString(TEXT, "89abcdefg")))
                    .isEqualTo(RecordWriter.REFUSED_TOO_LONG);
            assertThat(write(w, 7, x -> x.setBytes(BLOB, new byte[200], 0, 200).appendBytes(BLOB, new byte[57], 0, 57)))
                    .isEqualTo(RecordWriter.REFUSED_TOO_LONG);
            assertThat(w.refusedTooLong()).isEqualTo(7);
            assertThat(w.truncated()).isZero();
            assertThat(write(w, 8, x -> x.setString(TEXT, "next"))).as("the record after is fine").isEqualTo(RecordWriter.OK);
            assertThat(w.appended()).isEqualTo(2);
            assertThat(rec.appended()).isEqualTo(2);
        }
        List<Long> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        RawExcerpts.forEach(dir, (index, r) -> {
            ids.add(r.getLong(ID));
            texts.add(string(r, TEXT));
        });
        assertThat(ids).containsExactly(0L, 8L);
        assertThat(texts).containsExactly("fine", "next");
    }

    @Test
    void truncateCutsAStringAtACharacterBoundaryAndBinaryAtN() {
        String[] texts = {"abcdefghij", "abcdef😀", "abcdefg😀", "abcdefg€", "abcdefgé", "abcdeféz", "€€€"};
        String[] kept = {"abcdefgh", "abcdef", "abcdefg", "abcdefg", "abcdefg", "abcdefé", "€€"};
        try (Recorder rec = open(); RecordWriter w = rec.newWriter()) {
            for (int i = 0; i < texts.length; i++) {
                String t = texts[i];
                assertThat(write(w, i, x -> x.setString(CUT, t))).isEqualTo(RecordWriter.OK);
            }
            assertThat(w.truncated()).isEqualTo(7);
            // The same texts as UTF-8 bytes, the 4-byte character straddling N: the cut backs off its continuation bytes.
            byte[] straddle = "abcdef😀".getBytes(UTF_8);
            assertThat(write(w, 100, x -> x.setBytes(CUT, straddle, 0, straddle.length))).isEqualTo(RecordWriter.OK);
            assertThat(write(w, 101, x -> x.setBytes(CUT, ByteBuffer.wrap(straddle), 0, straddle.length))).isEqualTo(RecordWriter.OK);
            assertThat(write(w, 102, x -> x.setBytes(CUT, BytesStore.wrap(straddle), 0, straddle.length))).isEqualTo(RecordWriter.OK);
            assertThat(write(w, 103, x -> x.setBytes(CUTB, bytes(1, 2, 3, 4, 5, 6), 0, 6))).isEqualTo(RecordWriter.OK);
            assertThat(write(w, 104, x -> x.setBytes(CUTB, bytes(0xF0, 0x9F, 0x98, 0x80, 0x80), 0, 5)))
                    .as("binary is cut at N, whatever its bytes").isEqualTo(RecordWriter.OK);
            assertThat(w.truncated()).isEqualTo(12);
            assertThat(w.refusedTooLong()).isZero();
        }
        List<byte[]> ex = RawExcerpts.copies(dir);
        assertThat(ex).hasSize(texts.length + 5);
        for (int i = 0; i < texts.length; i++) {
            RecordReader r = read(ex.get(i));
            assertThat(value(r, CUT)).as(texts[i]).isEqualTo(kept[i].getBytes(UTF_8));
        }
        for (int i = texts.length; i < texts.length + 3; i++) {
            assertThat(string(read(ex.get(i)), CUT)).isEqualTo("abcdef");
        }
        assertThat(value(read(ex.get(texts.length + 3)), CUTB)).isEqualTo(bytes(1, 2, 3, 4));
        assertThat(value(read(ex.get(texts.length + 4)), CUTB)).isEqualTo(bytes(0xF0, 0x9F, 0x98, 0x80));
    }

    @Test
    void truncationsAreCountedWhenTheRecordCommitsNotBefore() {
        try (Recorder rec = open(); RecordWriter w = rec.newWriter()) {
            assertThat(w.begin()).isEqualTo(RecordWriter.OK);
            w.setLong(ID, 1).setString(CUT, "far too long for eight");
            assertThat(w.truncated()).isZero();
            w.abort();
            assertThat(w.truncated()).as("an aborted record counts nothing").isZero();
            assertThat(write(w, 2, x -> x.setString(CUT, "far too long for eight").setBytes(CUTB, new byte[9], 0, 9)))
                    .isEqualTo(RecordWriter.OK);
            assertThat(w.truncated()).as("two values cut in one record").isEqualTo(2);
        }
    }

    @Test
    void settingAFieldTwiceKeepsOnlyTheLastValue(@TempDir Path other) {
        List<byte[]> ex = writeAll(
                w -> w.setString(TEXT, "a long first one").setBytes(BLOB, bytes(9, 9, 9), 0, 3).setString(TEXT, "ab"),
                w -> w.setString(TEXT, "ab").setBytes(BLOB, bytes(9), 0, 1).setString(TEXT, "longer now").setBytes(BLOB, bytes(), 0, 0),
                w -> w.setString(TEXT, "x").setNull(TEXT).setString(CUT, "12345678").setString(CUT, "1"),
                w -> w.setNull(TEXT).setString(TEXT, "back"));
        RecordReader r = read(ex.get(0));
        assertThat(string(r, TEXT)).isEqualTo("ab");
        assertThat(value(r, BLOB)).isEqualTo(bytes(9, 9, 9));
        assertThat(r.recordLength()).isEqualTo(FIXED + 2 + 3);
        assertThat(ex.get(0)).hasSize(FIXED + 2 + 3 + AFTER_RECORD);
        r = read(ex.get(1));
        assertThat(string(r, TEXT)).isEqualTo("longer now");
        assertThat(r.valueLength(BLOB)).isZero();
        assertThat(r.isNull(BLOB)).isFalse();
        assertThat(r.recordLength()).isEqualTo(FIXED + 10);
        r = read(ex.get(2));
        assertThat(r.isNull(TEXT)).isTrue();
        assertThat(r.valueLength(TEXT)).isZero();
        assertThat(string(r, CUT)).isEqualTo("1");
        assertThat(r.recordLength()).isEqualTo(FIXED + 1);
        r = read(ex.get(3));
        assertThat(r.isNull(TEXT)).isFalse();
        assertThat(string(r, TEXT)).isEqualTo("back");
        // The record holds nothing of the values it forgot: byte for byte the record of the last values alone.
        List<byte[]> direct = new ArrayList<>();
        try (Recorder rec = Recorder.open(other, SCHEMA, OPTIONS); RecordWriter w = rec.newWriter()) {
            write(w, 0, x -> x.setString(TEXT, "ab").setBytes(BLOB, bytes(9, 9, 9), 0, 3));
            write(w, 1, x -> x.setString(TEXT, "longer now").setBytes(BLOB, bytes(), 0, 0));
            write(w, 2, x -> x.setNull(TEXT).setString(CUT, "1"));
            write(w, 3, x -> x.setString(TEXT, "back"));
        }
        direct.addAll(RawExcerpts.copies(other));
        for (int i = 0; i < 4; i++) {
            assertThat(ex.get(i)).as("record %d", i).isEqualTo(direct.get(i));
        }
    }

    @Test
    void valuesSetOutOfOrderGiveTheRecordOfValuesSetInOrder() {
        byte[] payload = "payload".getBytes(UTF_8);
        List<byte[]> ex = writeAll(
                w -> w.setString(TEXT, "héllo").setBytes(BLOB, payload, 0, payload.length).setString(CUT, "cut").setBytes(CUTB, bytes(1, 2), 0, 2)
                        .setChars(SYM, "S"),
                w -> w.setChars(SYM, "S").setBytes(CUTB, bytes(1, 2), 0, 2).setString(CUT, "cut").setBytes(BLOB, payload, 0, payload.length)
                        .setString(TEXT, "héllo"),
                w -> w.setString(CUT, "cut").setString(TEXT, "héllo").setBytes(CUTB, bytes(1, 2), 0, 2).setChars(SYM, "S")
                        .setBytes(BLOB, payload, 0, payload.length));
        RecordReader r = read(ex.get(2));
        assertThat(string(r, TEXT)).isEqualTo("héllo");
        assertThat(value(r, BLOB)).isEqualTo(payload);
        assertThat(string(r, CUT)).isEqualTo("cut");
        assertThat(value(r, CUTB)).isEqualTo(bytes(1, 2));
        assertThat(r.getString(SYM)).isEqualTo("S");
        for (int i = 0; i < 3; i++) {
            RecordLayout.putLong(ex.get(i), ID.offset(), 0); // ids differ, and with them the checksum
            Arrays.fill(ex.get(i), ex.get(i).length - 4, ex.get(i).length, (byte) 0);
        }
        assertThat(ex.get(1)).isEqualTo(ex.get(0));
        assertThat(ex.get(2)).isEqualTo(ex.get(0));
    }

    @Test
    void appendStringAndAppendBytesBuildAValueInPieces() {
        byte[] euro = "€".getBytes(UTF_8);
        List<byte[]> ex = writeAll(
                w -> w.appendString(TEXT, "ab").appendString(TEXT, "€").appendString(TEXT, "").appendString(TEXT, "😀")
                        .appendBytes(BLOB, bytes(1, 2), 0, 2).appendBytes(BLOB, bytes(0, 3, 4), 1, 2),
                w -> w.setString(TEXT, "set").appendBytes(TEXT, euro, 0, euro.length).appendString(TEXT, "!")
                        .setBytes(BLOB, bytes(5), 0, 1).appendBytes(BLOB, bytes(6), 0, 1).setString(CUT, "x").appendString(CUT, "y"),
                w -> w.appendString(CUT, "abcdef").appendString(CUT, "gh"));
        RecordReader r = read(ex.get(0));
        assertThat(string(r, TEXT)).isEqualTo("ab€😀");
        assertThat(value(r, BLOB)).isEqualTo(bytes(1, 2, 3, 4));
        r = read(ex.get(1));
        assertThat(string(r, TEXT)).isEqualTo("set€!");
        assertThat(value(r, BLOB)).isEqualTo(bytes(5, 6));
        assertThat(string(r, CUT)).isEqualTo("xy");
        assertThat(string(read(ex.get(2)), CUT)).as("exactly N in pieces").isEqualTo("abcdefgh");
    }

    @Test
    void nullIsNotTheEmptyValueAndAnUnsetNullableFieldIsNull() {
        List<byte[]> ex = writeAll(
                w -> w.setNull(TEXT).setString(CUT, "").setBytes(BLOB, bytes(), 0, 0),
                w -> w.setString(TEXT, "").setNull(BLOB),
                w -> { });
        RecordReader r = read(ex.get(0));
        assertThat(r.isNull(TEXT)).isTrue();
        assertThat(r.isNull(CUT)).isFalse();
        assertThat(r.isNull(BLOB)).isFalse();
        assertThat(r.valueLength(TEXT)).isZero();
        assertThat(r.valueLength(CUT)).isZero();
        assertThat(string(r, CUT)).isEmpty();
        r = read(ex.get(1));
        assertThat(r.isNull(TEXT)).isFalse();
        assertThat(string(r, TEXT)).isEmpty();
        assertThat(r.isNull(BLOB)).isTrue();
        r = read(ex.get(2));
        for (Field f : new Field[] {TEXT, BLOB, CUT, CUTB, SYM}) {
            assertThat(r.isNull(f)).as(f.name()).isTrue();
        }
        assertThat(r.valueLength(TEXT)).isZero();
        assertThat(ex.get(2)).as("nothing after the fixed part").hasSize(FIXED + AFTER_RECORD);
    }

    @Test
    void anUnsetNonNullableVariableFieldFailsTheCommitNamingIt() {
        Schema s = Schema.parse("name: req\nversion: 1\nfields:\n  - {name: id, type: int64}\n  - {name: note, type: string(8), nullable: true}\n"
                + "  - {name: name, type: string(8)}\n  - {name: data, type: binary(8)}\n", "req");
        Field id = s.field("id");
        Field name = s.field("name");
        Field data = s.field("data");
        try (Recorder rec = open(s); RecordWriter w = rec.newWriter()) {
            assertThat(w.begin()).isEqualTo(RecordWriter.OK);
            w.setLong(id, 1).setBytes(data, bytes(1), 0, 1);
            assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class)
                    .hasMessage("non-nullable field not set before commit: field=name");
            assertThat(w.begin()).as("the record was rolled back").isEqualTo(RecordWriter.OK);
            w.setLong(id, 2).setString(name, "");
            assertThatThrownBy(w::commit).hasMessage("non-nullable field not set before commit: field=data");
            assertThat(w.begin()).isEqualTo(RecordWriter.OK);
            w.setLong(id, 3).setString(name, "").setBytes(data, bytes(), 0, 0);
            assertThatThrownBy(() -> w.setNull(name)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("field is not nullable: field=name, type=string(8)");
            assertThat(w.begin()).as("rolled back again").isEqualTo(RecordWriter.OK);
            w.setLong(id, 4).setString(name, "n").setBytes(data, bytes(), 0, 0);
            assertThat(w.commit()).isEqualTo(RecordWriter.OK);
        }
    }

    @Test
    void setBytesReadsHeapAndDirectByteBuffersAndBytesStoresWithoutMovingThem() {
        byte[] src = {10, 11, 12, 13, 14, 15};
        ByteBuffer heap = ByteBuffer.wrap(src).position(5);
        ByteBuffer direct = ByteBuffer.allocateDirect(8).put(src).position(1).limit(6);
        BytesStore<?, ?> onHeap = BytesStore.wrap(src);
        Bytes<?> offHeap = Bytes.allocateDirect(6);
        offHeap.write(src);
        try {
            List<byte[]> ex = writeAll(
                    w -> w.setBytes(BLOB, heap, 1, 4).setBytes(CUTB, heap, 0, 6),
                    w -> w.setBytes(BLOB, direct, 2, 3).setBytes(TEXT, direct, 0, 1),
                    w -> w.setBytes(BLOB, onHeap, 3, 3).setBytes(CUTB, onHeap, 0, 0),
                    w -> w.setBytes(BLOB, offHeap, 0, 6).setBytes(CUTB, offHeap, 5, 1));
            assertThat(heap.position()).isEqualTo(5);
            assertThat(heap.limit()).isEqualTo(6);
            assertThat(direct.position()).isEqualTo(1);
            assertThat(direct.limit()).isEqualTo(6);
            RecordReader r = read(ex.get(0));
            assertThat(value(r, BLOB)).isEqualTo(bytes(11, 12, 13, 14));
            assertThat(value(r, CUTB)).isEqualTo(bytes(10, 11, 12, 13));
            r = read(ex.get(1));
            assertThat(value(r, BLOB)).isEqualTo(bytes(12, 13, 14));
            assertThat(value(r, TEXT)).isEqualTo(bytes(10));
            r = read(ex.get(2));
            assertThat(value(r, BLOB)).isEqualTo(bytes(13, 14, 15));
            assertThat(r.valueLength(CUTB)).isZero();
            r = read(ex.get(3));
            assertThat(value(r, BLOB)).isEqualTo(src);
            assertThat(value(r, CUTB)).isEqualTo(bytes(15));
        } finally {
            offHeap.releaseLast();
        }
    }

    @Test
    void bytesOutsideTheSourceAreRefusedNamingTheFieldAndTheRecordIsRolledBack() {
        ByteBuffer limited = ByteBuffer.allocateDirect(8).limit(4);
        try (Recorder rec = open(); RecordWriter w = rec.newWriter()) {
            assertThat(w.begin()).isEqualTo(RecordWriter.OK);
            w.setLong(ID, 1).setString(TEXT, "kept?");
            assertThatThrownBy(() -> w.setBytes(BLOB, limited, 2, 3)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("bytes out of the source's bounds: field=blob, offset=2, length=3, limit=4");
            assertThatThrownBy(w::commit).as("rolled back").isInstanceOf(IllegalStateException.class)
                    .hasMessage("commit without begin: writer state=idle");
            assertThat(w.begin()).isEqualTo(RecordWriter.OK);
            assertThatThrownBy(() -> w.setBytes(BLOB, new byte[3], 2, 2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("bytes out of the source's bounds: field=blob, offset=2, length=2, size=3");
            assertThat(w.begin()).isEqualTo(RecordWriter.OK);
            assertThatThrownBy(() -> w.appendBytes(CUTB, new byte[3], -1, 2))
                    .hasMessage("bytes out of the source's bounds: field=cutb, offset=-1, length=2, size=3");
            assertThat(w.begin()).isEqualTo(RecordWriter.OK);
            assertThatThrownBy(() -> w.setBytes(SYM, new byte[3], 1, 3))
                    .hasMessage("bytes out of the source's bounds: field=sym, offset=1, length=3, size=3");
            assertThat(w.begin()).isEqualTo(RecordWriter.OK);
            assertThatThrownBy(() -> w.setBytes(BLOB, BytesStore.wrap(new byte[3]), 1, 3))
                    .hasMessage("bytes out of the source's bounds: field=blob, offset=1, length=3, capacity=3");
            assertThat(write(w, 2, x -> x.setBytes(BLOB, limited, 0, 4))).isEqualTo(RecordWriter.OK);
            assertThat(w.appended()).isEqualTo(1);
        }
    }

    @Test
    void binaryHoldsNoBytesOrEveryByteValue() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        byte[] zeros = new byte[100];
        List<byte[]> ex = writeAll(w -> w.setBytes(BLOB, all, 0, 256), w -> w.setBytes(BLOB, all, 0, 0), w -> w.setBytes(BLOB, zeros, 0, 100));
        assertThat(value(read(ex.get(0)), BLOB)).isEqualTo(all);
        RecordReader r = read(ex.get(1));
        assertThat(r.isNull(BLOB)).isFalse();
        assertThat(r.valueLength(BLOB)).isZero();
        assertThat(value(read(ex.get(2)), BLOB)).as("trailing zeros are value, not padding").isEqualTo(zeros);
    }

    /**
     * Layout version 4, every new queue's: the record, its schema version, the CRC32C of both. Layout version 3, a queue an
     * earlier Parquetry created for a schema with string/binary fields, which keeps its layout: the record, its CRC32C.
     */
    @ParameterizedTest
    @ValueSource(ints = {ExcerptFormat.VERSIONED, ExcerptFormat.VARIABLE})
    void everyExcerptIsItsRecordThenWhatItsLayoutPutsAfterItWithNoPadding(int layout) {
        if (layout != ExcerptFormat.versionFor(SCHEMA, true)) {
            QueueSchemaStore.storeOrCheck(dir, SCHEMA, RecorderOptions.DEFAULT_ROLL_CYCLE, layout);
        }
        List<Consumer<RecordWriter>> fills = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String t = "x".repeat(i % 17);
            int n = (i * 7) % 257;
            fills.add(w -> w.setString(TEXT, t).setBytes(BLOB, new byte[n], 0, n));
        }
        List<byte[]> ex = writeAll(fills);
        CRC32C crc = new CRC32C();
        ExcerptFormat format = RawExcerpts.format(dir);
        assertThat(format.version()).isEqualTo(layout);
        // What the checksum covers: the record, and in layout 4 the schema version right after it.
        int versionLength = layout == ExcerptFormat.VERSIONED ? ExcerptFormat.SCHEMA_VERSION_LENGTH : 0;
        for (int i = 0; i < ex.size(); i++) {
            byte[] e = ex.get(i);
            int values = i % 17 + (i * 7) % 257;
            int record = SCHEMA.fixedLength() + values;
            assertThat(e).as("excerpt %d", i).hasSize(record + versionLength + ExcerptFormat.CHECKSUM_LENGTH);
            RecordReader r = read(e);
            assertThat(r.recordLength()).isEqualTo(record);
            if (versionLength > 0) {
                assertThat(RecordLayout.getInt(e, record)).as("schema version of excerpt %d", i).isEqualTo(SCHEMA.version());
            }
            int checked = record + versionLength;
            assertThat(format.checkedLengthIn(e.length)).isEqualTo(checked);
            assertThat(ExcerptFormat.checksum(crc, e, 0, checked)).as("excerpt %d", i).isEqualTo(RecordLayout.getInt(e, checked));
            assertThat(r.recordChecksum()).as("the record's own bytes").isEqualTo(ExcerptFormat.checksum(crc, e, 0, record));
            assertThat(RecordLayout.checkVariable(e, 0, record, SCHEMA.variableFields())).isNull();
        }
    }

    @Test
    void gettersReadEveryValueWhereItLiesInTheQueue() {
        byte[] blob = {0, -1, 127, -128};
        writeAll(w -> w.setString(TEXT, "grüße 😀").setBytes(BLOB, blob, 0, 4).setString(CUT, "€").setNull(CUTB).setChars(SYM, "IBM"),
                w -> w.setString(TEXT, "second").setBytes(CUTB, bytes(1), 0, 1));
        StringBuilder reused = new StringBuilder("left over from before");
        ValueView view = new ValueView();
        List<String> seen = new ArrayList<>();
        int n = RawExcerpts.forEach(dir, (index, r) -> {
            assertThat(r.matchesSchema()).isTrue();
            assertThat(r.variableProblem()).isNull();
            assertThat(r.getString(TEXT, reused)).isSameAs(reused);
            seen.add(reused.toString());
            if (r.getLong(ID) == 0) {
                assertThat(r.valueLength(TEXT)).isEqualTo("grüße 😀".getBytes(UTF_8).length);
                assertThat(r.view(TEXT, view)).isSameAs(view);
                assertThat(view.length()).isEqualTo(r.valueLength(TEXT));
                assertThat(view.contentEquals("grüße 😀".getBytes(UTF_8))).isTrue();
                assertThat(view.contentEquals("grüße 😁".getBytes(UTF_8))).isFalse();
                assertThat(view.toString()).isEqualTo("grüße 😀");
                assertThat(view.byteAt(0)).isEqualTo((byte) 'g');
                assertThatThrownBy(() -> view.byteAt(view.length())).isInstanceOf(IndexOutOfBoundsException.class);
                byte[] dst = new byte[6];
                assertThat(r.getValue(BLOB, dst, 2)).isEqualTo(4);
                assertThat(dst).isEqualTo(bytes(0, 0, 0, -1, 127, -128));
                r.view(BLOB, view);
                byte[] copy = new byte[4];
                view.copyTo(copy, 0);
                assertThat(copy).isEqualTo(blob);
                assertThat(r.getString(CUT, reused).toString()).isEqualTo("€");
                assertThat(r.isNull(CUTB)).isTrue();
                assertThat(r.valueLength(CUTB)).isZero();
                assertThat(r.view(CUTB, view).length()).isZero();
                assertThat(r.getString(SYM)).isEqualTo("IBM");
            } else {
                assertThat(r.isNull(BLOB)).isTrue();
                assertThat(r.view(CUTB, view).contentEquals(bytes(1))).isTrue();
            }
            assertThatThrownBy(() -> r.getString(BLOB, reused)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("wrong getter for field type: field=blob, type=binary(256)");
            assertThatThrownBy(() -> r.valueLength(SYM)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("not a string(N) or binary(N) field: field=sym, type=char(8)");
        });
        assertThat(n).isEqualTo(2);
        assertThat(seen).containsExactly("grüße 😀", "second");
    }

    @Test
    void variableProblemFlagsARecordWhoseValuesDoNotFitItsExcerpt() {
        List<byte[]> ex = writeAll(w -> w.setString(TEXT, "abc").setBytes(BLOB, bytes(1, 2), 0, 2));
        ExcerptFormat format = RawExcerpts.format(dir);
        byte[] good = ex.get(0);
        assertThat(good).hasSize(FIXED + 5 + AFTER_RECORD);

        byte[] past = good.clone();
        RecordLayout.putInt(past, BLOB.offset(), good.length); // the end slot points past the schema version and checksum
        RecordReader r = RawExcerpts.over(SCHEMA, format, past);
        assertThat(r.matchesSchema()).isTrue();
        assertThat(r.variableProblem()).isEqualTo("field blob ends at 46, outside 36..38");

        byte[] intoVersion = good.clone();
        RecordLayout.putInt(intoVersion, BLOB.offset(), FIXED + 5 + ExcerptFormat.SCHEMA_VERSION_LENGTH); // the version is no value's
        assertThat(RawExcerpts.over(SCHEMA, format, intoVersion).variableProblem()).isEqualTo("field blob ends at 42, outside 36..38");

        byte[] far = good.clone();
        RecordLayout.putInt(far, TEXT.offset(), 1 << 20);
        assertThat(RawExcerpts.over(SCHEMA, format, far).variableProblem()).isEqualTo("field text ends at 1048576, outside 33..38");

        byte[] shortEnd = good.clone();
        RecordLayout.putInt(shortEnd, CUTB.offset(), 37);
        assertThat(RawExcerpts.over(SCHEMA, format, shortEnd).variableProblem()).isEqualTo("field cutb ends at 37, outside 38..38");

        byte[] nullWithBytes = good.clone();
        RecordLayout.markNull(nullWithBytes, 0, TEXT.nullBit());
        assertThat(RawExcerpts.over(SCHEMA, format, nullWithBytes).variableProblem()).isEqualTo("field text is null but holds 3 bytes");

        byte[] otherVersion = good.clone();
        RecordLayout.putInt(otherVersion, ExcerptFormat.schemaVersionAt(good.length), SCHEMA.version() + 1);
        RecordReader otherReader = RawExcerpts.over(SCHEMA, format, otherVersion);
        assertThat(otherReader.matchesSchema()).as("a record of another schema version").isFalse();
        assertThat(otherReader.variableProblem()).isEqualTo("a record of schema version 2, not 1");

        byte[] tooShort = Arrays.copyOf(good, FIXED + 3);
        RecordReader shortReader = RawExcerpts.over(SCHEMA, format, tooShort);
        assertThat(shortReader.matchesSchema()).isFalse();
        assertThat(shortReader.variableProblem()).isEqualTo("an excerpt of 36 bytes, not 41 to 325");
        assertThatThrownBy(() -> shortReader.valueLength(TEXT)).isInstanceOf(IllegalStateException.class);
    }
}
