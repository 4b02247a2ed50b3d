package io.parquetry.cli;

import io.parquetry.converter.ConverterConfig;
import io.parquetry.converter.parquet.Codec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options that say which converter a command is about: a config file, or the same settings on the command line,
 * which override the file's. {@code convert} runs that converter; {@code skip-damaged} acts on its state directory;
 * {@code verify} checks its dataset against its checkpoint.
 */
final class ConverterOptions {

    @Option(names = "--config", description = "Converter config YAML (e.g. conf/converter.yaml). Options below override it.")
    Path config;

    @Option(names = "--queue", description = "Queue directory.")
    Path queue;

    @Option(names = "--output", description = "Output root: a path or Hadoop URI (file:, hdfs:, s3a:).")
    String output;

    @Option(names = "--dataset", description = "Dataset name (default: the schema's name).")
    String dataset;

    @Option(names = "--source", description = "Source id written into file names (default: host name).")
    String source;

    @Option(names = "--compression", description = Codec.CHOICES + ".")
    String compression;

    @Option(names = "--state-dir", description = "Checkpoint, commit log and lock directory (default: <queue>/converter-<source>).")
    Path stateDir;

    @Option(names = "--table", paramLabel = "KEY=VALUE", description = {"Also commit each file into a table, e.g. --table type=iceberg",
        "--table catalog=sqlite (the keys of the config's table: section; repeat for each; docs/TABLES.md)."})
    Map<String, String> table = new LinkedHashMap<>();

    ConverterConfig load() {
        ConverterConfig.Overrides o = new ConverterConfig.Overrides(queue, output, dataset, source, compression, stateDir, table);
        return config != null ? ConverterConfig.load(config, o) : ConverterConfig.fromOverrides(o);
    }

    /** The options as given, to repeat in a command line for the same converter. */
    String asArguments() {
        StringBuilder b = new StringBuilder();
        append(b, "--config", config);
        append(b, "--queue", queue);
        append(b, "--output", output);
        append(b, "--dataset", dataset);
        append(b, "--source", source);
        append(b, "--state-dir", stateDir);
        return b.toString().trim();
    }

    private static void append(StringBuilder b, String name, Object v) {
        if (v != null) {
            b.append(' ').append(name).append(' ').append(v);
        }
    }
}
