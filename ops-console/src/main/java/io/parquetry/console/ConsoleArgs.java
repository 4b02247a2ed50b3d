package io.parquetry.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The console's command line: {@code --config FILE} or {@code --config=FILE} anywhere among Spring's own
 * {@code --property=value} arguments, and {@code --help}. Without {@code --config}, the file named by
 * {@code PARQUETRY_CONSOLE_CONFIG} (which {@code bin/parquetry} sets to {@code conf/console.yaml}), if any.
 *
 * @param configFile the config file, or null for none
 * @param springArgs what Spring Boot is given: every other argument, and the config file as an additional location
 * @param help true when usage was asked for
 */
public record ConsoleArgs(Path configFile, List<String> springArgs, boolean help) {

    public static final String USAGE = String.join("\n",
            "Usage: parquetry console [--config FILE] [--spring.property=value ...]",
            "Starts the ops console on http://127.0.0.1:8765/ (server.address, server.port).",
            "  --config FILE   the console's configuration (default: $PARQUETRY_CONSOLE_CONFIG, bin/parquetry sets conf/console.yaml)",
            "  --name=value    any Spring Boot property, e.g. --server.port=8767; options may come in any order",
            "  -h, --help      this help");

    /**
     * Parses the arguments.
     *
     * @param defaultConfig the config file to use when none is given, or null
     * @throws IllegalArgumentException naming the argument: {@code --config} without a file, given twice, or naming a
     *     file that is not there
     */
    public static ConsoleArgs parse(String[] args, String defaultConfig) {
        Path config = null;
        boolean help = false;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            if (a.equals("--config")) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw new IllegalArgumentException("--config needs a file: --config FILE or --config=FILE");
                }
                value = args[++i];
            } else if (a.startsWith("--config=")) {
                value = a.substring("--config=".length());
            } else if (a.equals("--help") || a.equals("-h")) {
                help = true;
            } else {
                rest.add(a);
            }
            if (value != null) {
                if (config != null) {
                    throw new IllegalArgumentException("--config given twice: " + config + " and " + value);
                }
                if (value.isBlank()) {
                    throw new IllegalArgumentException("--config needs a file: --config FILE or --config=FILE");
                }
                config = Path.of(value);
            }
        }
        boolean explicit = config != null;
        if (config == null && defaultConfig != null && !defaultConfig.isBlank()) {
            config = Path.of(defaultConfig);
        }
        if (config != null && !help) {
            config = config.toAbsolutePath().normalize();
            if (!Files.isRegularFile(config)) {
                throw new IllegalArgumentException("config file not found: " + config + (explicit ? "" : " (from PARQUETRY_CONSOLE_CONFIG)"));
            }
            if (!Files.isReadable(config)) {
                throw new IllegalArgumentException("config file is not readable: " + config);
            }
            rest.add("--spring.config.additional-location=file:" + config);
        }
        return new ConsoleArgs(config, List.copyOf(rest), help);
    }
}
