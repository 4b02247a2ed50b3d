package io.parquetry.converter;

/** A configuration that cannot be used; the message names the file (and line), the key and the bad value. */
public final class ConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
