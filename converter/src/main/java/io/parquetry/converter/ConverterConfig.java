package io.parquetry.converter;

import io.parquetry.converter.parquet.Codec;
import io.parquetry.converter.parquet.ParquetOptions;
import io.parquetry.platform.Host;
import io.parquetry.platform.YamlMapping;
import io.parquetry.schema.FieldType;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A converter's configuration, validated once at start-up. Keys (YAML, see {@code conf/converter.yaml}):
 *
 * <pre>
 * queue        required  queue directory written by a recorder
 * output       required  where datasets live: a path or a Hadoop URI (file:, hdfs:, s3a:)
 * dataset      schema name  dataset directory under output
 * source       host name    distinguishes writers of one dataset; letters, digits, '.', '_', '-'
 * stateDir     &lt;queue&gt;/converter-&lt;source&gt;   checkpoint, commit log, quarantine, lock
 * statusFile   &lt;stateDir&gt;/converter.status
 * parquet.compression   zstd     {@value Codec#CHOICES}
 * parquet.compressionLevel default  one of the codec's levels; unset: its default (levels and defaults: {@link Codec})
 * parquet.pageVersion   v2       v1 | v2
 * parquet.rowGroupSize  16MiB    raw record bytes per row group (1MiB..1GiB); 32MiB for a schema with string/binary fields
 * parquet.pageSize      1MiB
 * parquet.dictionary    true
 * parquet.encoderThreads auto    threads encoding row groups, 1..256; auto: one per available processor, but no more
 *                                than (max heap / 2 - rowGroupSize) / (3 x rowGroupSize), and at least 1
 * parquet.bloomFilters  []       columns with a bloom filter per row group
 * parquet.timestampUnit (schema) nanos | micros | millis: convert finer timestamps to this unit
 * parquet.byteStreamSplit false  BYTE_STREAM_SPLIT for float columns where it pays (v2 pages)
 * rotation.maxRows      50000000
 * rotation.maxBytes     256MiB   estimated file size
 * rotation.maxAge       60s      an idle queue's records become visible within this
 * retention.enabled     false    delete converted queue cycles
 * retention.keep        24h      ... older than this
 * pollInterval          5ms      longest sleep when the queue is idle
 * commitLogEntries      1000     recent commits kept for the console
 * hadoop.*                       extra Hadoop configuration properties
 * table.*                        commit each file into a table too (table.type: iceberg; docs/TABLES.md); none by default
 * </pre>
 */
public record ConverterConfig(Path queue, String output, String dataset, String source, Path stateDir, Path statusFile,
        ParquetOptions parquet, long maxRows, long maxBytes, Duration maxAge, boolean retention, Duration retentionKeep,
        Duration pollInterval, int commitLogEntries, Map<String, String> hadoop, Map<String, String> table, CommitMode commitMode,
        String origin) {

    /**
     * How a file becomes visible. RENAME: written under a hidden in-progress name, synced, then renamed (atomic on local
     * disks and HDFS). DIRECT: written under its final name and made visible only when its stream closes, as object
     * stores do (S3A completes a multipart upload at close; a rename there is a copy and a delete, not atomic).
     */
    public enum CommitMode {
        RENAME, DIRECT;

        private static final java.util.Set<String> OBJECT_STORES = java.util.Set.of("s3a", "s3", "s3n", "gs", "abfs", "abfss", "wasb",
                "wasbs", "oss", "cos", "obs");

        static CommitMode forOutput(String output) {
            String scheme = URI.create(output.replace(" ", "%20")).getScheme();
            return scheme != null && OBJECT_STORES.contains(scheme.toLowerCase(Locale.ROOT)) ? DIRECT : RENAME;
        }
    }

    private static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern DATASET = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    /** A schema field name (the schema itself is checked against the list when a file is created). */
    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final int MAX_ENCODER_THREADS = 256;

    /**
     * Command-line overrides; null fields keep the file's value. {@code table} entries are set over the file's
     * {@code table:} keys ({@code type=iceberg}); an empty map keeps them.
     */
    public record Overrides(Path queue, String output, String dataset, String source, String compression, Path stateDir,
            Map<String, String> table) {

        public Overrides(Path queue, String output, String dataset, String source, String compression, Path stateDir) {
            this(queue, output, dataset, source, compression, stateDir, Map.of());
        }

        public static Overrides none() {
            return new Overrides(null, null, null, null, null, null);
        }
    }

    /** Loads and validates a config file, then applies overrides (also validated). */
    public static ConverterConfig load(Path file, Overrides o) {
        return from(YamlMapping.load(file, ConfigException::new), o);
    }

    /** Builds a config from overrides alone (no file), e.g. {@code convert --queue q --output out}. */
    public static ConverterConfig fromOverrides(Overrides o) {
        return from(YamlMapping.empty("command line", ConfigException::new), o);
    }

    /** Parses config text; {@code source} names it in errors. */
    public static ConverterConfig parse(String yaml, String source, Overrides o) {
        return from(YamlMapping.parse(yaml, source, ConfigException::new), o);
    }

    private static ConverterConfig from(YamlMapping y, Overrides o) {
        String queueText = o.queue() != null ? o.queue().toString() : y.has("queue") ? y.requiredString("queue") : null;
        y.string("queue", null);
        if (queueText == null) {
            throw new ConfigException(y.source() + ": missing required key: queue (or --queue)");
        }
        Path queue = Path.of(queueText);
        String output = o.output() != null ? o.output() : y.string("output", null);
        if (o.output() != null) {
            y.string("output", null);
        }
        if (output == null) {
            throw new ConfigException(y.source() + ": missing required key: output (or --output)");
        }
        try {
            URI uri = new URI(output);
            if (uri.getScheme() != null && uri.getScheme().length() > 1 && uri.getPath() == null) {
                throw y.error("output", output, "not a hierarchical URI");
            }
        } catch (URISyntaxException e) {
            throw y.error("output", output, "not a path or URI (" + e.getReason() + ")");
        }
        String fileDataset = y.string("dataset", null);
        String dataset = o.dataset() != null ? o.dataset() : fileDataset;
        if (dataset != null && !DATASET.matcher(dataset).matches()) {
            throw y.error("dataset", dataset, "dataset must be letters, digits, '.', '_' or '-' (no '/')");
        }
        String fileSource = y.string("source", null);
        String source = o.source() != null ? o.source() : fileSource;
        if (source == null) {
            source = defaultSource();
        } else if (!SOURCE.matcher(source).matches()) {
            throw y.error("source", source, "source must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        String fileState = y.string("stateDir", null);
        String stateText = o.stateDir() != null ? o.stateDir().toString() : fileState;
        Path stateDir = stateText != null ? Path.of(stateText) : queue.resolve("converter-" + source);
        String statusText = y.string("statusFile", null);
        Path statusFile = statusText != null ? Path.of(statusText) : stateDir.resolve("converter.status");

        YamlMapping p = y.section("parquet");
        String fileCodec = p.string("compression", ParquetOptions.defaults().compression().spelling());
        String codecText = o.compression() != null ? o.compression() : fileCodec;
        Codec codec = Codec.named(codecText);
        if (codec == null) {
            throw p.error("compression", codecText, Codec.unknownRule());
        }
        String pageVersion = p.string("pageVersion", "v2").toLowerCase(Locale.ROOT);
        if (!pageVersion.equals("v1") && !pageVersion.equals("v2")) {
            throw p.error("pageVersion", pageVersion, "must be v1 or v2");
        }
        boolean rowGroupGiven = p.has("rowGroupSize");
        long rowGroup = p.size("rowGroupSize", ParquetOptions.DEFAULT_ROW_GROUP_BYTES, 1L << 20, ParquetOptions.MAX_ROW_GROUP_BYTES);
        long page = p.size("pageSize", ParquetOptions.DEFAULT_PAGE_BYTES, 4L << 10, 64L << 20);
        boolean dictionary = p.bool("dictionary", true);
        int threads = encoderThreads(p);
        java.util.List<String> bloom = p.nameList("bloomFilters", COLUMN, "column name");
        FieldType.TimeUnit unit = timestampUnit(p);
        boolean byteStreamSplit = p.bool("byteStreamSplit", false);
        int level = compressionLevel(p, codec);
        p.checkNoUnknownKeys();
        ParquetOptions.Builder pb = ParquetOptions.builder();
        if (rowGroupGiven) {
            pb.rowGroupBytes(rowGroup); // for every schema; else each kind of schema gets its own default
        }
        ParquetOptions parquet = pb.compression(codec, level).pageV2(pageVersion.equals("v2"))
                .pageBytes((int) page).dictionary(dictionary).encoderThreads(threads).bloomFilterColumns(bloom).timestampUnit(unit)
                .byteStreamSplit(byteStreamSplit).build();

        YamlMapping r = y.section("rotation");
        long maxRows = r.longValue("maxRows", 50_000_000L, 1, Long.MAX_VALUE);
        long maxBytes = r.size("maxBytes", 256L << 20, 1L << 10, 64L << 30);
        Duration maxAge = r.duration("maxAge", Duration.ofSeconds(60), Duration.ofMillis(100));
        r.checkNoUnknownKeys();

        YamlMapping ret = y.section("retention");
        boolean retention = ret.bool("enabled", false);
        Duration keep = ret.duration("keep", Duration.ofHours(24), Duration.ofSeconds(1));
        ret.checkNoUnknownKeys();

        String commitText = y.string("commitMode", "auto").toLowerCase(Locale.ROOT);
        CommitMode commit = switch (commitText) {
            case "auto" -> CommitMode.forOutput(output);
            case "rename" -> CommitMode.RENAME;
            case "direct" -> CommitMode.DIRECT;
            default -> throw y.error("commitMode", commitText, "must be auto, rename or direct");
        };
        Duration poll = y.duration("pollInterval", Duration.ofMillis(5), Duration.ofMillis(1));
        int commitLog = (int) y.longValue("commitLogEntries", 1000, 10, 1_000_000);
        Map<String, String> hadoop = new LinkedHashMap<>(y.section("hadoop").asStringMap());
        Map<String, String> table = new LinkedHashMap<>(y.section("table").asStringMap());
        table.putAll(o.table());
        if (!table.isEmpty() && !table.containsKey("type")) {
            throw y.error("table", table.toString(), "a table section needs its type (e.g. type: iceberg)");
        }
        y.checkNoUnknownKeys();
        return new ConverterConfig(queue, output, dataset, source, stateDir, statusFile, parquet, maxRows, maxBytes, maxAge, retention,
                keep, poll, commitLog, Map.copyOf(hadoop), Map.copyOf(table), commit, y.source());
    }

    /** {@code parquet.compressionLevel}: unset or {@code default} is 0, the codec's own default. */
    private static int compressionLevel(YamlMapping p, Codec codec) {
        String text = p.string("compressionLevel", "default").trim().toLowerCase(Locale.ROOT);
        if (text.equals("default")) {
            return 0;
        }
        int level;
        try {
            level = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            level = -1;
        }
        if (!codec.hasLevel(level)) {
            throw p.error("compressionLevel", text, codec.levelRule());
        }
        return level;
    }

    private static int encoderThreads(YamlMapping p) {
        String text = p.string("encoderThreads", "auto").trim().toLowerCase(Locale.ROOT);
        if (text.equals("auto")) {
            return 0;
        }
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= MAX_ENCODER_THREADS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw p.error("encoderThreads", text, "must be auto or 1.." + MAX_ENCODER_THREADS);
    }

    private static FieldType.TimeUnit timestampUnit(YamlMapping p) {
        String text = p.string("timestampUnit", null);
        if (text == null) {
            return null;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "nanos", "ns" -> FieldType.TimeUnit.NS;
            case "micros", "us" -> FieldType.TimeUnit.US;
            case "millis", "ms" -> FieldType.TimeUnit.MS;
            default -> throw p.error("timestampUnit", text, "must be nanos, micros or millis");
        };
    }

    static String defaultSource() {
        String clean = Host.name().replaceAll("[^A-Za-z0-9._-]", "_");
        return clean.length() > 64 ? clean.substring(0, 64) : clean;
    }

    /** Every key the converter reads (dotted; free-form {@code hadoop.*} and {@code table.*} not included), for the docs' reference. */
    public static java.util.Set<String> keys() {
        YamlMapping y = YamlMapping.parse("queue: /q\noutput: /o\n", "keys", ConfigException::new);
        from(y, Overrides.none());
        return y.allAsked();
    }

    /** The dataset name: configured, else the schema's name. */
    public String datasetOr(String schemaName) {
        return dataset != null ? dataset : schemaName;
    }
}
