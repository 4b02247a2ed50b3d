package io.parquetry.reader;

import static io.parquetry.reader.VariableRecordsTest.BLOB;
import static io.parquetry.reader.VariableRecordsTest.CUT;
import static io.parquetry.reader.VariableRecordsTest.CUTB;
import static io.parquetry.reader.VariableRecordsTest.ID;
import static io.parquetry.reader.VariableRecordsTest.SCHEMA;
import static io.parquetry.reader.VariableRecordsTest.TEXT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A value's overflow is judged on the value the record keeps: a value set again replaces the one that was too long, and
 * a value written in pieces is cut once, where the whole text would be cut.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VariableValueReplacedTest {

    @TempDir
    Path dir;

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

    private List<String> texts() {
        List<String> out = new ArrayList<>();
        RawExcerpts.forEach(dir, (index, r) -> out.add(r.getLong(ID) + ":" + r.getString(TEXT, new StringBuilder()) + "|"
                + r.getString(CUT, new StringBuilder()) + "|" + r.valueLength(BLOB)));
        return out;
    }

    @Test
    void aTooLongValueSetAgainShorterIsWritten() {
        try (Recorder rec = Recorder.open(dir, SCHEMA, RecorderOptions.defaults().diskGuardMinFreeBytes(0)); RecordWriter w = rec.newWriter()) {
            assertThat(write(w, 1, x -> x.setString(TEXT, "far too long for sixteen").setString(TEXT, "fits")))
                    .isEqualTo(RecordWriter.OK);
            assertThat(write(w, 2, x -> x.setString(TEXT, "far too long for sixteen").setNull(TEXT))).isEqualTo(RecordWriter.OK);
            assertThat(write(w, 3, x -> x.setBytes(BLOB, new byte[300], 0, 300).setBytes(BLOB, new byte[3], 0, 3)))
                    .isEqualTo(RecordWriter.OK);
            assertThat(write(w, 4, x -> x.setString(TEXT, "far too long for sixteen").appendString(TEXT, "!")))
                    .as("appending to a refused value keeps it refused").isEqualTo(RecordWriter.REFUSED_TOO_LONG);
            assertThat(write(w, 5, x -> x.setString(TEXT, "far too long for sixteen").setString(CUT, "ok")))
                    .as("another field set does not clear it").isEqualTo(RecordWriter.REFUSED_TOO_LONG);
            assertThat(w.refusedTooLong()).isEqualTo(2);
        }
        assertThat(texts()).containsExactly("1:fits||0", "2:||0", "3:||3");
    }

    @Test
    void aValueWrittenInPiecesIsCutOnceWhereTheWholeTextWouldBe() {
        try (Recorder rec = Recorder.open(dir, SCHEMA, RecorderOptions.defaults().diskGuardMinFreeBytes(0)); RecordWriter w = rec.newWriter()) {
            assertThat(write(w, 1, x -> x.appendString(CUT, "abcdefg€").appendString(CUT, "h"))).isEqualTo(RecordWriter.OK);
            byte[] euro = "€".getBytes(UTF_8);
            assertThat(write(w, 2, x -> x.appendString(CUT, "abcdef").appendBytes(CUT, euro, 0, 3).appendString(CUT, "z")))
                    .isEqualTo(RecordWriter.OK);
            assertThat(write(w, 3, x -> x.appendString(CUT, "abcdefghi").appendString(CUT, "j").appendString(CUT, "k")))
                    .isEqualTo(RecordWriter.OK);
            assertThat(w.truncated()).as("one value cut in each record").isEqualTo(3);
            assertThat(write(w, 4, x -> x.setString(CUT, "abcdefghijk").setString(CUT, "short"))).isEqualTo(RecordWriter.OK);
            assertThat(write(w, 5, x -> x.setBytes(CUTB, new byte[9], 0, 9).setBytes(CUTB, new byte[2], 0, 2)))
                    .isEqualTo(RecordWriter.OK);
            assertThat(w.truncated()).as("the values kept were not cut").isEqualTo(3);
            assertThat(write(w, 6, x -> x.setString(CUT, "abcdefghijk").appendString(CUT, "l"))).isEqualTo(RecordWriter.OK);
            assertThat(w.truncated()).isEqualTo(4);
        }
        assertThat(texts()).containsExactly("1:|abcdefg|0", "2:|abcdef|0", "3:|abcdefgh|0", "4:|short|0", "5:||0", "6:|abcdefgh|0");
    }
}
