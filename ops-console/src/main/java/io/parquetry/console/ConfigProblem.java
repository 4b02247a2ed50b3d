package io.parquetry.console;

/**
 * A configuration value the console cannot use, found while binding {@link ConsoleProperties}: it names the key and
 * the value, and {@link ConfigFailureAnalyzer} adds the file and line the key came from.
 */
public final class ConfigProblem extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String key;
    private final String value;
    private final String reason;

    public ConfigProblem(String key, String value, String reason) {
        super(key + "=" + value + ": " + reason);
        this.key = key;
        this.value = value;
        this.reason = reason;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }

    public String reason() {
        return reason;
    }
}
