package io.parquetry.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A field's {@code default:} (docs/FORMAT.md §2.1): its canonical text and bytes per type, and one line naming a bad value. */
class FieldDefaultTest {

    private static FieldDefault parse(String type, String text) {
        return FieldDefault.parse(FieldType.parse(type), text);
    }

    private static byte[] le(long v, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    @Test
    void boolIsTrueOrFalse() {
        assertThat(parse("bool", "true").bytes()).containsExactly(1);
        assertThat(parse("bool", "false").bytes()).containsExactly(0);
    }

    @Test
    void integersAreLittleEndianInTheirWidth() {
        assertThat(parse("int8", "-5").bytes()).containsExactly(le(-5, 1));
        assertThat(parse("int8", "127").bytes()).containsExactly(le(127, 1));
        assertThat(parse("int16", "-300").bytes()).containsExactly(le(-300, 2));
        assertThat(parse("int32", "7").bytes()).containsExactly(le(7, 4));
        assertThat(parse("int32", "+7").text()).as("canonical").isEqualTo("7");
        assertThat(parse("int64", "-1").bytes()).containsExactly(le(-1, 8));
        assertThat(parse("int64", "9223372036854775807").bytes()).containsExactly(le(Long.MAX_VALUE, 8));
    }

    @Test
    void floatsKeepTheirWidth() {
        FieldDefault f = parse("float32", "0.1");
        assertThat(f.text()).isEqualTo("0.1");
        assertThat(f.bytes()).containsExactly(le(Float.floatToIntBits(0.1f), 4));
        FieldDefault d = parse("float64", "2.5e-3");
        assertThat(d.text()).isEqualTo("0.0025");
        assertThat(d.bytes()).containsExactly(le(Double.doubleToLongBits(0.0025), 8));
    }

    @Test
    void decimalsAreTheirUnscaledValueAtTheScale() {
        FieldDefault d = parse("decimal(10,2)", "1.5");
        assertThat(d.text()).isEqualTo("1.50");
        assertThat(d.bytes()).containsExactly(le(150, 8));
        assertThat(parse("decimal(10,2)", "-0.25").bytes()).containsExactly(le(-25, 8));
        assertThat(parse("decimal(10,2)", "99999999.99").bytes()).containsExactly(le(9_999_999_999L, 8));
    }

    @Test
    void timestampsAreAnInstantOrACountOfTheUnit() {
        long seconds = java.time.Instant.parse("2026-12-08T00:00:00Z").getEpochSecond();
        assertThat(parse("timestamp(ns)", "2026-12-08T00:00:00Z").bytes()).containsExactly(le(seconds * 1_000_000_000L, 8));
        assertThat(parse("timestamp(us)", "2026-12-08T00:00:00.000001Z").bytes()).containsExactly(le(seconds * 1_000_000L + 1, 8));
        assertThat(parse("timestamp(ms)", "2026-12-08T00:00:00.250Z").bytes()).containsExactly(le(seconds * 1000L + 250, 8));
        assertThat(parse("timestamp(ms)", "2026-12-08T00:00:00.250Z").text()).isEqualTo("2026-12-08T00:00:00.250Z");
        FieldDefault count = parse("timestamp(us)", "-123");
        assertThat(count.text()).isEqualTo("-123");
        assertThat(count.bytes()).containsExactly(le(-123, 8));
    }

    @Test
    void textsAreTheirUtf8Bytes() {
        assertThat(parse("char(4)", "ab").bytes()).containsExactly('a', 'b', 0, 0);
        assertThat(parse("char(4)", "").bytes()).containsExactly(0, 0, 0, 0);
        assertThat(parse("string(4)", "hé").bytes()).containsExactly("hé".getBytes(StandardCharsets.UTF_8));
        assertThat(parse("string(4)", "").bytes()).isEmpty();
    }

    @Test
    void bytesAreBase64() {
        assertThat(parse("bytes(2)", "AQI=").bytes()).containsExactly(1, 2);
        FieldDefault b = parse("binary(4)", "AQID");
        assertThat(b.bytes()).containsExactly(1, 2, 3);
        assertThat(b.text()).isEqualTo("AQID");
        assertThat(parse("binary(4)", "").bytes()).isEmpty();
    }

    @Test
    void theBytesAreACopy() {
        FieldDefault d = parse("int32", "7");
        d.bytes()[0] = 9;
        assertThat(d.bytes()).containsExactly(le(7, 4));
    }

    @ParameterizedTest(name = "{0} default={1}")
    @CsvSource(delimiter = ';', value = {
        "bool;yes;a bool default is true or false: default=yes",
        "bool;TRUE;a bool default is true or false: default=TRUE",
        "int8;128;default is out of range for int8 (-128..127): default=128",
        "int8;x;a int8 default is a whole number: default=x",
        "int16;-32769;default is out of range for int16 (-32768..32767): default=-32769",
        "int32;1.5;a int32 default is a whole number: default=1.5",
        "int32;2147483648;default is out of range for int32 (-2147483648..2147483647): default=2147483648",
        "int64;9223372036854775808;a int64 default is a whole number: default=9223372036854775808",
        "float32;abc;a float32 default is a decimal number such as 1.5 or -2e-3: default=abc",
        "float64;1,5;a float64 default is a decimal number such as 1.5 or -2e-3: default=1,5",
        "decimal(10,2);x;a decimal(10,2) default is a decimal number: default=x",
        "decimal(10,2);1.005;default has more digits after the point than decimal(10,2) keeps: default=1.005",
        "decimal(10,2);123456789.00;default has more digits than decimal(10,2) holds: default=123456789.00",
        "timestamp(us);yesterday;a timestamp default is an ISO-8601 instant such as 2026-12-08T00:00:00Z, or a whole count of us: default=yesterday",
        "timestamp(ms);1.5;a timestamp default is an ISO-8601 instant such as 2026-12-08T00:00:00Z, or a whole count of ms: default=1.5",
        "char(4);abcde;default is 5 UTF-8 bytes, longer than char(4): default=abcde",
        "string(4);héé;default is 5 UTF-8 bytes, longer than string(4): default=héé",
        "bytes(2);AQ==;default is 1 bytes, bytes(2) takes exactly 2: default=AQ==",
        "bytes(2);!!;a bytes(2) default is base64: default=!!",
        "binary(4);AQIDBAU=;default is 5 bytes, binary(4) takes at most 4: default=AQIDBAU=",
        "binary(4);#;a binary(4) default is base64: default=#"})
    void aBadValueIsRefusedInOneLineNamingIt(String type, String text, String message) {
        assertThatThrownBy(() -> parse(type, text)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void aTimestampDefaultOutOfItsUnitsRangeOrFinerThanItsUnitIsRefusedInOneLine() {
        assertThatThrownBy(() -> parse("timestamp(ns)", "9999-12-31T00:00:00Z")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("default is outside what timestamp(ns) holds (int64 nanoseconds since 1970: 1677-09-21 to 2262-04-11):"
                        + " default=9999-12-31T00:00:00Z");
        assertThatThrownBy(() -> parse("timestamp(ms)", "2026-12-08T00:00:00.0001Z")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("default is finer than timestamp(ms) keeps: default=2026-12-08T00:00:00.0001Z");
        assertThat(parse("timestamp(us)", "2026-12-08T00:00:00.000001Z").text()).isEqualTo("2026-12-08T00:00:00.000001Z");
    }

    @Test
    void aFloatDefaultMustBeANumberItsTypeHolds() {
        assertThatThrownBy(() -> parse("float32", "1e39")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("default is outside what float32 holds: default=1e39");
        assertThatThrownBy(() -> parse("float64", "1.5f")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a float64 default is a decimal number such as 1.5 or -2e-3: default=1.5f");
        assertThatThrownBy(() -> parse("float64", "NaN")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a float64 default is a decimal number such as 1.5 or -2e-3: default=NaN");
        assertThat(parse("float32", "3.4e38").text()).isEqualTo("3.4E38");
    }

    @Test
    void aCharDefaultMayNotEndWithAZeroCharacter() {
        assertThatThrownBy(() -> parse("char(4)", "a\0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a char(N) default may not end with a zero character: default=a\0");
    }

    @Test
    void aBadDefaultInASchemaFileNamesTheLineTheFieldAndTheValue() {
        assertThatThrownBy(() -> Schema.parse("name: t\nversion: 2\nfields:\n  - {name: seq, type: int64}\n  - {name: qty, type: int32, default: x}\n",
                "v2.yaml")).isInstanceOf(SchemaException.class).hasMessageContaining("field 'qty': a int32 default is a whole number: default=x")
                .hasMessageStartingWith("v2.yaml").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void wasAndDefaultSurviveTheYamlRoundTrip() {
        Schema s = Schema.parse("""
                name: t
                version: 3
                fields:
                  - {name: seq, type: int64}
                  - {name: sym, type: char(12), was: name}
                  - {name: on, type: bool, default: true}
                  - {name: qty, type: int32, default: "+7"}
                  - {name: f, type: float32, default: 0.10}
                  - {name: px, type: "decimal(10,2)", default: 1.5}
                  - {name: at, type: timestamp(us), default: "2026-12-08T00:00:00Z"}
                  - {name: tag, type: string(32), default: "a \\"quoted\\" line\\nand \\\\ more"}
                  - {name: raw, type: bytes(2), default: AQI=}
                  - {name: blob, type: binary(4), nullable: true, default: AQID, was: payload}
                """, "v3");
        Schema again = Schema.parse(s.toYaml(), "again");
        assertThat(again.canonicalForm()).isEqualTo(s.canonicalForm());
        assertThat(again.fingerprint()).isEqualTo(s.fingerprint());
        assertThat(again.field("sym").was()).isEqualTo("name");
        assertThat(again.field("blob").was()).isEqualTo("payload");
        assertThat(again.field("qty").defaultValue().text()).isEqualTo("7");
        assertThat(again.field("px").defaultValue().text()).isEqualTo("1.50");
        assertThat(again.field("tag").defaultValue().text()).isEqualTo("a \"quoted\" line\nand \\ more");
        assertThat(s.canonicalForm()).contains("sym char(12) was name\n", "qty int32 default 7\n", "px decimal(10,2) default 1.50\n",
                "tag string(32) default a \"quoted\" line\\nand \\\\ more\n", "blob binary(4) nullable was payload default AQID\n");
    }

    @Test
    void wasAndDefaultAreInTheFingerprint() {
        Schema plain = Schema.parse("name: t\nversion: 2\nfields:\n  - {name: qty, type: int32}\n", "a");
        assertThat(Schema.parse("name: t\nversion: 2\nfields:\n  - {name: qty, type: int32, default: 1}\n", "b").fingerprint())
                .isNotEqualTo(plain.fingerprint());
        assertThat(Schema.parse("name: t\nversion: 2\nfields:\n  - {name: qty, type: int32, was: n}\n", "c").fingerprint())
                .isNotEqualTo(plain.fingerprint());
        assertThat(Schema.parse("name: t\nversion: 2\nfields:\n  - {name: qty, type: int32, default: \"01\"}\n", "d").fingerprint())
                .as("the canonical default, not its spelling").isEqualTo(
                        Schema.parse("name: t\nversion: 2\nfields:\n  - {name: qty, type: int32, default: 1}\n", "e").fingerprint());
    }

    @Test
    void aSchemaWithoutWasOrDefaultKeepsTheFingerprintItHadBefore() {
        Schema md = Schema.load(SchemaTest.confSchema("market-data.yaml"));
        assertThat(md.fingerprintHex()).isEqualTo("ed1b5f53544b331c");
        assertThat(md.canonicalForm()).doesNotContain(" was ", " default ");
        assertThat(md.fields()).allSatisfy(f -> {
            assertThat(f.was()).isNull();
            assertThat(f.defaultValue()).isNull();
        });
    }
}
