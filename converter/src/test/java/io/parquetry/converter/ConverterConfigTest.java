package io.parquetry.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.converter.parquet.Codec;
import io.parquetry.converter.parquet.ParquetPartFile;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConverterConfigTest {

    private static final String BASE = "queue: /q\noutput: /out\n";

    private static ConverterConfig parse(String yaml) {
        return ConverterConfig.parse(yaml, "conv.yaml", ConverterConfig.Overrides.none());
    }

    private static void rejects(String yaml, String... fragments) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith("conv.yaml").contains(fragments));
    }

    @Test
    void defaultsAreDocumentedValues() {
        ConverterConfig c = parse(BASE + "source: a\n");
        assertThat(c.parquet().compression()).isEqualTo(Codec.ZSTD);
        assertThat(c.parquet().pageV2()).isTrue();
        assertThat(c.maxAge()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.stateDir()).isEqualTo(Path.of("/q/converter-a"));
        assertThat(c.statusFile()).isEqualTo(Path.of("/q/converter-a/converter.status"));
        assertThat(c.retention()).isFalse();
        assertThat(c.datasetOr("market_data")).isEqualTo("market_data");
    }

    @Test
    void everyKeyIsRead() {
        ConverterConfig c = parse(BASE + "dataset: md\nsource: host-1\nstateDir: /s\nstatusFile: /s/x.status\n"
                + "parquet: {compression: snappy, pageVersion: v1, rowGroupSize: 64MiB, pageSize: 512KiB, dictionary: false,"
                + " byteStreamSplit: true}\n"
                + "rotation: {maxRows: 1000, maxBytes: 1GiB, maxAge: 5m}\nretention: {enabled: true, keep: 2h}\n"
                + "pollInterval: 2ms\ncommitLogEntries: 50\nhadoop: {fs.defaultFS: 'file:///'}\n");
        assertThat(c.parquet().compression()).isEqualTo(Codec.SNAPPY);
        assertThat(c.parquet().pageV2()).isFalse();
        assertThat(c.parquet().rowGroupBytes()).isEqualTo(64L << 20);
        assertThat(c.parquet().pageBytes()).isEqualTo(512 << 10);
        assertThat(c.parquet().dictionary()).isFalse();
        assertThat(c.parquet().byteStreamSplit()).isTrue();
        assertThat(c.maxRows()).isEqualTo(1000);
        assertThat(c.maxBytes()).isEqualTo(1L << 30);
        assertThat(c.maxAge()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.retention()).isTrue();
        assertThat(c.retentionKeep()).isEqualTo(Duration.ofHours(2));
        assertThat(c.commitLogEntries()).isEqualTo(50);
        assertThat(c.hadoop()).containsEntry("fs.defaultFS", "file:///");
        assertThat(c.statusFile()).isEqualTo(Path.of("/s/x.status"));
    }

    @Test
    void overridesWinOverTheFile() {
        ConverterConfig c = ConverterConfig.parse(BASE + "parquet: {compression: gzip}\n", "conv.yaml",
                new ConverterConfig.Overrides(Path.of("/other"), "/o2", "ds", "src", "lz4_raw", null));
        assertThat(c.queue()).isEqualTo(Path.of("/other"));
        assertThat(c.output()).isEqualTo("/o2");
        assertThat(c.dataset()).isEqualTo("ds");
        assertThat(c.parquet().compression()).isEqualTo(Codec.LZ4_RAW);
    }

    @Test
    void rejectsBadValuesNamingFileLineKeyAndValue() {
        rejects(BASE + "parquet:\n  compression: brotlii\n", "conv.yaml:4", "parquet.compression=brotlii");
        rejects(BASE + "parquet: {pageVersion: v3}\n", "parquet.pageVersion=v3");
        rejects(BASE + "rotation:\n  maxAge: soon\n", "conv.yaml:4", "rotation.maxAge=soon");
        rejects(BASE + "rotation: {maxAge: 10ms}\n", "rotation.maxAge=10ms", "at least");
        rejects(BASE + "rotation: {maxRows: 0}\n", "rotation.maxRows=0", "out of range");
        rejects(BASE + "rotation: {maxRows: lots}\n", "rotation.maxRows=lots");
        rejects(BASE + "rotation: {maxBytes: 12 parsecs}\n", "rotation.maxBytes=12 parsecs");
        rejects(BASE + "parquet: {dictionary: maybe}\n", "parquet.dictionary=maybe");
        rejects(BASE + "source: 'a/b'\n", "conv.yaml:3", "source=a/b");
        rejects(BASE + "dataset: '../x'\n", "dataset=../x");
        rejects(BASE + "output2: /x\n", "conv.yaml:3", "unknown key: key=output2");
        rejects(BASE + "rotation: {maxrows: 5}\n", "unknown key: key=rotation.maxrows");
        rejects("output: /out\n", "missing required key: queue");
        rejects("queue: /q\n", "missing required key: output");
        rejects("queue: [a, b]\noutput: /o\n", "conv.yaml:1", "queue");
        rejects("queue: /q\noutput: /o\n  bad: indent\n", "YAML syntax error");
    }

    @Test
    void readsTheEncoderKeys() {
        ConverterConfig c = parse(BASE + "parquet:\n  encoderThreads: 3\n  bloomFilters: [symbol, order_id]\n  timestampUnit: micros\n"
                + "  rowGroupSize: 8MiB\n");
        assertThat(c.parquet().encoderThreads()).isEqualTo(3);
        assertThat(c.parquet().bloomFilterColumns()).containsExactly("symbol", "order_id");
        assertThat(c.parquet().timestampUnit()).isEqualTo(io.parquetry.schema.FieldType.TimeUnit.US);
        assertThat(c.parquet().rowGroupBytes()).isEqualTo(8L << 20);
        ConverterConfig d = parse(BASE + "parquet: {bloomFilters: 'symbol, exchange', timestampUnit: ms}\n");
        assertThat(d.parquet().bloomFilterColumns()).containsExactly("symbol", "exchange");
        assertThat(d.parquet().timestampUnit()).isEqualTo(io.parquetry.schema.FieldType.TimeUnit.MS);
        ConverterConfig defaults = parse(BASE);
        assertThat(defaults.parquet().encoderThreads()).isZero();
        assertThat(defaults.parquet().resolvedEncoderThreads()).isBetween(1, Runtime.getRuntime().availableProcessors());
        assertThat(defaults.parquet().bloomFilterColumns()).isEmpty();
        assertThat(defaults.parquet().timestampUnit()).isNull();
        assertThat(defaults.parquet().rowGroupBytes()).isEqualTo(16L << 20);
    }

    /** Without rowGroupSize a schema with string/binary fields gets 32 MiB row groups, others 16 MiB; a given size is for both. */
    @Test
    void rowGroupSizeDefaultsByKindOfSchemaAndAGivenOneIsForEvery() {
        io.parquetry.schema.Schema fixed = new io.parquetry.testing.AllTypes().schema;
        io.parquetry.schema.Schema variable = io.parquetry.testing.AllTypes.withVariableFields().schema;
        ConverterConfig defaults = parse(BASE);
        assertThat(defaults.parquet().rowGroupBytes(fixed)).isEqualTo(16L << 20);
        assertThat(defaults.parquet().rowGroupBytes(variable)).isEqualTo(32L << 20);
        ConverterConfig given = parse(BASE + "parquet: {rowGroupSize: 8MiB}\n");
        assertThat(given.parquet().rowGroupBytes(fixed)).isEqualTo(8L << 20);
        assertThat(given.parquet().rowGroupBytes(variable)).isEqualTo(8L << 20);
    }

    @Test
    void compressionLevelIsTheCodecsOwnAndRefusedWhereItMeansNothing() {
        assertThat(parse(BASE).parquet().compressionLevel()).as("default").isZero();
        assertThat(parse(BASE + "parquet: {compressionLevel: default}\n").parquet().compressionLevel()).isZero();
        assertThat(parse(BASE + "parquet: {compressionLevel: 2}\n").parquet().compressionLevel()).isEqualTo(2);
        assertThat(parse(BASE + "parquet: {compression: gzip, compressionLevel: 9}\n").parquet().compressionLevel()).isEqualTo(9);
        rejects(BASE + "parquet:\n  compressionLevel: 23\n", "conv.yaml:4", "parquet.compressionLevel=23", "zstd must be 1..22");
        rejects(BASE + "parquet: {compressionLevel: 0}\n", "parquet.compressionLevel=0", "1..22");
        rejects(BASE + "parquet: {compressionLevel: fast}\n", "parquet.compressionLevel=fast");
        rejects(BASE + "parquet: {compression: gzip, compressionLevel: 10}\n", "parquet.compressionLevel=10", "gzip must be 1..9");
        rejects(BASE + "parquet: {compression: snappy, compressionLevel: 1}\n", "parquet.compressionLevel=1", "not to snappy");
    }

    @Test
    void rejectsBadEncoderValuesNamingFileLineKeyAndValue() {
        rejects(BASE + "parquet:\n  encoderThreads: many\n", "conv.yaml:4", "parquet.encoderThreads=many", "auto or 1..256");
        rejects(BASE + "parquet: {encoderThreads: 0}\n", "parquet.encoderThreads=0");
        rejects(BASE + "parquet:\n  timestampUnit: seconds\n", "conv.yaml:4", "parquet.timestampUnit=seconds", "nanos, micros or millis");
        rejects(BASE + "parquet: {bloomFilters: [symbol, 'a b']}\n", "parquet.bloomFilters=a b", "not a column name");
        rejects(BASE + "parquet: {bloomFilters: [symbol, symbol]}\n", "parquet.bloomFilters=symbol", "listed twice");
        rejects(BASE + "parquet: {bloomFilters: {a: b}}\n", "must be a list of names", "key=parquet.bloomFilters");
        rejects(BASE + "parquet: {rowGroupSize: 2GiB}\n", "parquet.rowGroupSize=2GiB", "out of range");
    }

    @Test
    void bloomFilterColumnsAreCheckedAgainstTheSchema() {
        io.parquetry.schema.Schema schema = io.parquetry.schema.Schema.parse(
                "name: s\nversion: 1\nfields:\n  - {name: symbol, type: char(8)}\n  - {name: live, type: bool}\n", "s.yaml");
        ParquetPartFile.check(schema, parse(BASE + "parquet: {bloomFilters: [symbol]}\n").parquet());
        assertThatThrownBy(() -> ParquetPartFile.check(schema, parse(BASE + "parquet: {bloomFilters: [sym]}\n").parquet()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bloom filter column is not in the schema: column=sym");
        assertThatThrownBy(() -> ParquetPartFile.check(schema, parse(BASE + "parquet: {bloomFilters: [live]}\n").parquet()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bloom filter on a bool column is not supported: column=live");
    }

    @Test
    void shippedConfigLoads() {
        Path conf = Path.of(System.getProperty("parquetry.root", "..")).resolve("conf/converter.yaml");
        ConverterConfig c = ConverterConfig.load(conf, ConverterConfig.Overrides.none());
        assertThat(c.queue()).isEqualTo(Path.of("/var/lib/parquetry/queues/market-data"));
        assertThat(c.dataset()).isEqualTo("market_data");
    }

    @Test
    void operationsGuideDocumentsEveryKeyOnce() throws Exception {
        Path doc = Path.of(System.getProperty("parquetry.root", "..")).resolve("docs/OPERATIONS.md");
        java.util.List<String> documented = new java.util.ArrayList<>();
        boolean inTable = false;
        for (String line : java.nio.file.Files.readAllLines(doc)) {
            if (line.startsWith("## ")) {
                inTable = line.startsWith("## Converter configuration reference");
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\| `([^`]+)` \\|").matcher(line);
            if (inTable && m.find()) {
                documented.add(m.group(1));
            }
        }
        java.util.Set<String> expected = new java.util.TreeSet<>(ConverterConfig.keys());
        expected.add("hadoop.*");
        expected.add("table.*");
        assertThat(documented).doesNotHaveDuplicates();
        assertThat(new java.util.TreeSet<>(documented)).isEqualTo(expected);
    }

    @Test
    void missingFileIsNamed() {
        Path p = Path.of("/nonexistent/conv.yaml");
        assertThatThrownBy(() -> ConverterConfig.load(p, ConverterConfig.Overrides.none())).isInstanceOf(ConfigException.class)
                .hasMessageContaining(p.toString()).hasMessageContaining("does not exist");
    }
}
