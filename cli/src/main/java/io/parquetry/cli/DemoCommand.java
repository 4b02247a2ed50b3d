package io.parquetry.cli;

import io.parquetry.converter.ConversionResult;
import io.parquetry.converter.ConverterConfig;
import io.parquetry.converter.ConverterService;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.schema.Schema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parquetry demo}: the main job with embedded defaults: capture synthetic market data, convert it, show it. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Record synthetic market data into a fresh queue under --work, convert it to Parquet, and show the result.")
final class DemoCommand implements Callable<Integer> {

    /** Characters of a text value shown in a row. */
    private static final int SHOWN = 60;

    @Option(names = "--work", defaultValue = "work/demo",
            description = "Working directory; its queue/ and out/ are emptied first, only if they hold nothing but a previous demo's files "
                    + "(default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--count", defaultValue = "10000000", description = "Records to capture (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--schema", description = "Schema YAML (default: the embedded market-data schema).")
    Path schemaFile;

    @Option(names = "--compression", defaultValue = "zstd", description = "Parquet compression (default: ${DEFAULT-VALUE}).")
    String compression;

    @Option(names = "--progress", defaultValue = "5s", converter = UnitConverters.DurationConverter.class,
            description = "Print progress to stderr this often; 0 = never (default: ${DEFAULT-VALUE}).")
    java.time.Duration progress;

    @Override
    public Integer call() throws Exception {
        // The demo prints its own report; the converter's start-up line would land in the middle of it.
        org.slf4j.Logger ours = org.slf4j.LoggerFactory.getLogger("io.parquetry");
        if (ours instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        Schema schema = schemaFile != null ? Schema.load(schemaFile)
                : Schema.parse(new String(DemoCommand.class.getResourceAsStream("/market-data.yaml").readAllBytes(), StandardCharsets.UTF_8),
                        "embedded market-data.yaml");
        Path queue = work.resolve("queue");
        Path out = work.resolve("out");
        DemoWork.refuseUnlessDemoOutput(queue, out);
        deleteRecursively(queue);
        deleteRecursively(out);
        System.out.printf(Locale.ROOT, "parquetry demo: %,d synthetic %s records -> %s -> %s%n", count, schema.name(), queue, out);

        System.out.println("1. capture (recorder, 1 thread, as fast as it goes)");
        RecordCommand.Result r = RecordCommand.record(schema, queue, count, 1, 0, 1, RecorderOptions.defaults(), progress);
        System.out.println("   " + r.summary());
        System.out.println("   " + r.queueLine());

        System.out.println("2. convert (converter, --until-idle, " + compression + ")");
        ConverterConfig cfg = ConverterConfig.fromOverrides(new ConverterConfig.Overrides(queue, out.toString(), null, "demo", compression,
                null));
        long start = System.nanoTime();
        ConversionResult c;
        try (Progress p = Progress.start(progress, System.err, new ConvertCommand.StatusProgress(cfg.statusFile(), start))) {
            c = ConverterService.run(cfg, true);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.println("   " + ConvertCommand.summary(c, secs));

        System.out.println("3. result");
        List<Path> files;
        try (Stream<Path> s = Files.walk(out)) {
            files = s.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
        for (Path f : files.subList(0, Math.min(files.size(), 5))) {
            System.out.printf(Locale.ROOT, "   %s  %,d bytes%n", out.relativize(f), Files.size(f));
        }
        if (files.size() > 5) {
            System.out.printf("   ... and %d more%n", files.size() - 5);
        }
        if (!files.isEmpty()) {
            System.out.println("   first rows, read back with parquet-hadoop:");
            printRows(files.get(0), 3, schema);
        }
        String scan = "read_parquet('" + out.toAbsolutePath() + "/**/*.parquet')";
        System.out.println("   query it, e.g. with DuckDB:  " + (schema.fields().stream().anyMatch(f -> f.name().equals("symbol"))
                && schema.fields().stream().anyMatch(f -> f.name().equals("price"))
                ? "SELECT symbol, count(*), avg(price) FROM " + scan + " GROUP BY symbol;"
                : "SELECT count(*) FROM " + scan + ";"));
        System.out.println("   watch a converter live with the ops console: bin/parquetry console (see README)");
        return 0;
    }

    private static void printRows(Path file, int n, Schema schema) throws java.io.IOException {
        HadoopInputFile in = HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration());
        try (ParquetReader<Group> reader = new ParquetReader.Builder<Group>(in, new PlainParquetConfiguration()) {
            @Override
            protected ReadSupport<Group> getReadSupport() {
                return new GroupReadSupport();
            }
        }.build()) {
            for (int i = 0; i < n; i++) {
                Group g = reader.read();
                if (g == null) {
                    break;
                }
                StringBuilder row = new StringBuilder("   { ");
                for (io.parquetry.schema.Field f : schema.fields()) {
                    row.append(f.name()).append(": ").append(format(g, f)).append(f.index() + 1 < schema.fields().size() ? ", " : " }");
                }
                System.out.println(row);
            }
        }
    }

    /** A value as a person reads it: decimals scaled, timestamps as instants, text as text. */
    private static String format(Group g, io.parquetry.schema.Field f) {
        if (g.getFieldRepetitionCount(f.name()) == 0) {
            return "null";
        }
        return switch (f.kind()) {
            case DECIMAL -> java.math.BigDecimal.valueOf(g.getLong(f.name(), 0), f.type().scale()).toPlainString();
            case TIMESTAMP -> switch (f.type().unit()) {
                case NS -> java.time.Instant.ofEpochSecond(0, g.getLong(f.name(), 0)).toString();
                case US -> java.time.Instant.ofEpochSecond(0, g.getLong(f.name(), 0) * 1000).toString();
                default -> java.time.Instant.ofEpochMilli(g.getLong(f.name(), 0)).toString();
            };
            case STRING -> shortened(g.getString(f.name(), 0));
            case BINARY, BYTES -> hex(g.getBinary(f.name(), 0).getBytes());
            default -> g.getValueToString(f.index(), 0);
        };
    }

    /** Long text cut for a one-line row: the first {@value #SHOWN} characters, and how long it was. */
    private static String shortened(String s) {
        String oneLine = s.replace("\n", "\\n").replace("\t", "\\t");
        int cps = oneLine.codePointCount(0, oneLine.length());
        if (cps <= SHOWN) {
            return '"' + oneLine + '"';
        }
        return '"' + oneLine.substring(0, oneLine.offsetByCodePoints(0, SHOWN)) + "\u2026\" (" + s.getBytes(StandardCharsets.UTF_8).length + " B)";
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder("0x");
        for (int i = 0; i < Math.min(b.length, 16); i++) {
            sb.append(String.format(Locale.ROOT, "%02x", b[i]));
        }
        return b.length > 16 ? sb.append("\u2026 (").append(b.length).append(" B)").toString() : sb.toString();
    }

    static void deleteRecursively(Path p) throws java.io.IOException {
        if (Files.exists(p)) {
            org.apache.commons.io.file.PathUtils.deleteDirectory(p);
        }
    }
}
