package io.parquetry.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaTest {

    static Path confSchema(String name) {
        return Paths.get(System.getProperty("parquetry.root", "..")).resolve("conf/schemas").resolve(name);
    }

    @Test
    void marketDataSchemaHasTheDocumentedLayout() {
        Schema s = Schema.load(confSchema("market-data.yaml"));
        assertThat(s.name()).isEqualTo("market_data");
        assertThat(s.recordLength()).isEqualTo(52);
        assertThat(s.bitmapLength()).isZero();
        assertThat(s.fields()).extracting(Field::name)
                .containsExactly("timestamp_ns", "symbol", "order_id", "side", "price", "quantity", "order_type", "exchange");
        assertThat(s.field("symbol").offset()).isEqualTo(8);
        assertThat(s.field("order_id").offset()).isEqualTo(16);
        assertThat(s.field("price").type()).isEqualTo(FieldType.decimal(18, 8));
        assertThat(s.field("exchange").offset()).isEqualTo(48);
    }

    @Test
    void nullBitmapComesFirstOneBitPerNullableField() {
        Schema s = Schema.parse("name: t\nversion: 1\nfields:\n  - {name: a, type: int32, nullable: true}\n  - {name: b, type: int64}\n"
                + "  - {name: c, type: char(3), nullable: true}\n", "inline");
        assertThat(s.bitmapLength()).isEqualTo(1);
        assertThat(s.field("a").offset()).isEqualTo(1);
        assertThat(s.field("a").nullBit()).isZero();
        assertThat(s.field("b").nullBit()).isEqualTo(-1);
        assertThat(s.field("c").nullBit()).isEqualTo(1);
        assertThat(s.recordLength()).isEqualTo(1 + 4 + 8 + 3);
    }

    @Test
    void fingerprintIgnoresDescriptionsButNotLayout() {
        String base = "name: t\nversion: 1\nfields:\n  - {name: a, type: int32, description: one}\n";
        Schema a = Schema.parse(base, "a");
        Schema b = Schema.parse(base.replace("one", "two"), "b");
        Schema c = Schema.parse(base.replace("int32", "int64"), "c");
        Schema d = Schema.parse(base.replace("version: 1", "version: 2"), "d");
        assertThat(a.fingerprint()).isEqualTo(b.fingerprint());
        assertThat(a.fingerprint()).isNotEqualTo(c.fingerprint()).isNotEqualTo(d.fingerprint());
        assertThat(Schema.parse(a.toYaml(), "again").canonicalForm()).isEqualTo(a.canonicalForm());
    }

    @Test
    void everyTypeParsesToItsCanonicalSpelling() {
        assertThat(FieldType.parse("DECIMAL( 10 , 2 )").toString()).isEqualTo("decimal(10,2)");
        assertThat(FieldType.parse("timestamp(us)").length()).isEqualTo(8);
        assertThat(FieldType.parse("bytes(16)").length()).isEqualTo(16);
        for (String t : new String[] {"bool", "int8", "int16", "int32", "int64", "float32", "float64"}) {
            assertThat(FieldType.parse(t).toString()).isEqualTo(t);
        }
    }

    private static void rejects(String yaml, String... fragments) {
        assertThatThrownBy(() -> Schema.parse(yaml, "bad.yaml")).isInstanceOf(SchemaException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith("bad.yaml").contains(fragments));
    }

    @Test
    void rejectsUnknownTypeNamingLineFieldAndValue() {
        rejects("name: t\nversion: 1\nfields:\n  - name: px\n    type: decimel(18,8)\n", "bad.yaml:5", "px", "decimel(18,8)");
    }

    @Test
    void rejectsDuplicateFieldIgnoringCase() {
        rejects("name: t\nversion: 1\nfields:\n  - {name: px, type: int32}\n  - {name: PX, type: int64}\n", "bad.yaml:5", "duplicate",
                "PX");
    }

    @Test
    void rejectsBadCharWidth() {
        rejects("name: t\nversion: 1\nfields:\n  - {name: sym, type: char(0)}\n", "bad.yaml:4", "sym", "N=0");
        rejects("name: t\nversion: 1\nfields:\n  - {name: sym, type: char(x)}\n", "sym", "char(x)");
    }

    @Test
    void rejectsBadDecimalParameters() {
        rejects("name: t\nversion: 1\nfields:\n  - {name: px, type: 'decimal(19,2)'}\n", "px", "precision=19");
        rejects("name: t\nversion: 1\nfields:\n  - {name: px, type: 'decimal(5,6)'}\n", "px", "scale=6");
        rejects("name: t\nversion: 1\nfields:\n  - {name: px, type: 'decimal(5)'}\n", "px", "decimal(5)");
    }

    @Test
    void rejectsEmptySchemaAndEmptyFile() {
        rejects("name: t\nversion: 1\nfields: []\n", "no fields");
        rejects("", "empty");
        rejects("name: t\nversion: 1\n", "no fields", "fields");
    }

    @Test
    void rejectsReservedAndInvalidNames() {
        rejects("name: t\nversion: 1\nfields:\n  - {name: dt, type: int32}\n", "bad.yaml:4", "reserved", "name=dt");
        rejects("name: t\nversion: 1\nfields:\n  - {name: __x, type: int32}\n", "reserved", "__x");
        rejects("name: t\nversion: 1\nfields:\n  - {name: 'bad-name', type: int32}\n", "bad.yaml:4", "name=bad-name");
        rejects("name: 'my schema'\nversion: 1\nfields:\n  - {name: a, type: int32}\n", "name=my schema");
    }

    @Test
    void rejectsYamlSyntaxErrorsWithLine() {
        rejects("name: t\nversion: 1\nfields:\n  - {name: a, type: int32\n  - b\n", "bad.yaml:", "YAML syntax error");
        rejects("name: t\nname: u\nversion: 1\nfields:\n  - {name: a, type: int32}\n", "bad.yaml:2", "duplicate", "key=name");
    }

    @Test
    void rejectsUnknownKeysAndBadValues() {
        rejects("name: t\nversion: 1\nfields:\n  - {name: a, type: int32, nulable: true}\n", "bad.yaml:4", "key=nulable");
        rejects("name: t\nversion: 1\nfields:\n  - {name: a, type: int32, nullable: yes please}\n", "nullable=yes please");
        rejects("name: t\nversion: one\nfields:\n  - {name: a, type: int32}\n", "bad.yaml:2", "version=one");
        rejects("name: t\nversion: 0\nfields:\n  - {name: a, type: int32}\n", "version=0");
        rejects("name: t\nversion: 1\nfields:\n  - {name: a}\n", "bad.yaml:4", "field 'a': missing key: type");
        rejects("name: t\nversion: 1\nfields:\n  - {name: a, type: bool}\n  - {type: bool}\n", "bad.yaml:5", "field 2 of 2: missing key: name");
    }

    @Test
    void loadNamesAMissingFile(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> Schema.load(missing)).isInstanceOf(SchemaException.class).hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
        Path file = dir.resolve("ok.yaml");
        Files.writeString(file, "name: t\nversion: 1\nfields:\n  - {name: a, type: bool}\n");
        assertThat(Schema.load(file).recordLength()).isEqualTo(1);
    }
}
