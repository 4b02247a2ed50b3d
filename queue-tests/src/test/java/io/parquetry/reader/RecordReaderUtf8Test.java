package io.parquetry.reader;

import static io.parquetry.reader.VariableRecordsTest.SCHEMA;
import static io.parquetry.reader.VariableRecordsTest.TEXT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.queue.ExcerptFormat;
import io.parquetry.schema.Field;
import io.parquetry.schema.RecordLayout;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordReader#getString(Field, StringBuilder)} of bytes a writer's {@code setBytes} put in a string field
 * unchecked: well-formed UTF-8 decodes as {@code new String(bytes, UTF_8)} does, and each maximal ill-formed part becomes
 * one U+FFFD (Unicode §3.9, the WHATWG decoder; String differs only on encoded surrogates), never an exception.
 */
class RecordReaderUtf8Test {

    private static final ExcerptFormat FORMAT = ExcerptFormat.of(ExcerptFormat.VARIABLE, SCHEMA);

    /** An excerpt whose string field {@code text} holds {@code value} and every other variable value is empty. */
    private static RecordReader holding(byte[] value) {
        int fixed = SCHEMA.fixedLength();
        byte[] e = new byte[fixed + value.length + ExcerptFormat.CHECKSUM_LENGTH];
        for (Field f : SCHEMA.variableFields()) {
            RecordLayout.putInt(e, f.offset(), f == TEXT || f.index() > TEXT.index() ? fixed + value.length : fixed);
        }
        System.arraycopy(value, 0, e, fixed, value.length);
        RecordLayout.putInt(e, fixed + value.length, ExcerptFormat.checksum(new CRC32C(), e, 0, fixed + value.length));
        RecordReader r = RawExcerpts.over(SCHEMA, FORMAT, e);
        assertThat(r.variableProblem()).isNull();
        return r;
    }

    private static String decode(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return holding(b).getString(TEXT, new StringBuilder()).toString();
    }

    @Test
    void wellFormedTextDecodesAsStringDoes() {
        for (String text : new String[] {"a", "é € 中 😀", "\u0000 \u007F \u0080", "\u07FF \u0800 \uFFFF", "\uD800\uDC00 \uDBFF\uDFFF"}) {
            assertThat(holding(text.getBytes(UTF_8)).getString(TEXT, new StringBuilder()).toString()).isEqualTo(text);
        }
    }

    @Test
    void codePointsBeyondUnicodeBecomeReplacementCharactersNotAnException() {
        assertThat(decode(0xF7, 0xBF, 0xBF, 0xBF)).isEqualTo("\uFFFD".repeat(4));
        assertThat(decode(0xF4, 0x90, 0x80, 0x80)).as("U+110000").isEqualTo("\uFFFD".repeat(4));
        assertThat(decode(0xF8, 0x88, 0x80, 0x80, 0x80)).isEqualTo("\uFFFD".repeat(5));
        assertThat(decode(0x41, 0xFF, 0x42)).isEqualTo("A\uFFFDB");
    }

    @Test
    void overlongFormsAndEncodedSurrogatesBecomeReplacementCharacters() {
        assertThat(decode(0xC0, 0x80)).as("NUL, overlong").isEqualTo("\uFFFD\uFFFD");
        assertThat(decode(0xC1, 0xBF)).isEqualTo("\uFFFD\uFFFD");
        assertThat(decode(0xE0, 0x80, 0x80)).isEqualTo("\uFFFD\uFFFD\uFFFD");
        assertThat(decode(0xF0, 0x80, 0x80, 0x80)).isEqualTo("\uFFFD".repeat(4));
        assertThat(decode(0xED, 0xA0, 0x80)).as("U+D800 in three bytes").isEqualTo("\uFFFD\uFFFD\uFFFD");
        assertThat(decode(0xED, 0xBF, 0xBF, 0x41)).isEqualTo("\uFFFD\uFFFD\uFFFDA");
    }

    @Test
    void aCutSequenceIsOneReplacementCharacter() {
        assertThat(decode(0xF0, 0x90, 0x80, 0x41)).isEqualTo("\uFFFDA");
        assertThat(decode(0x41, 0xE2, 0x82)).isEqualTo("A\uFFFD");
        assertThat(decode(0xF0, 0x9F, 0x98)).isEqualTo("\uFFFD");
        assertThat(decode(0xE2, 0x41, 0x82)).isEqualTo("\uFFFDA\uFFFD");
        assertThat(decode(0x80, 0x41)).isEqualTo("\uFFFDA");
    }

    @Test
    void agreesWithStringOnTwoByteInputsButEncodedSurrogates() {
        StringBuilder into = new StringBuilder();
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b += 3) {
                byte[] v = {(byte) a, (byte) b};
                // String takes the start of an encoded surrogate (ED A0..BF) as one ill-formed part, Unicode as two.
                String expected = a == 0xED && b >= 0xA0 && b <= 0xBF ? "\uFFFD\uFFFD" : new String(v, UTF_8);
                assertThat(holding(v).getString(TEXT, into).toString()).as("%02x %02x", a, b).isEqualTo(expected);
            }
        }
    }
}
