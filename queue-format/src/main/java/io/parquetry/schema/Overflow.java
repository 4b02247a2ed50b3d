package io.parquetry.schema;

import java.util.Locale;

/**
 * What a writer does with a {@code string(N)} or {@code binary(N)} value longer than N bytes: the field's
 * {@code overflow} key in a schema file. Writer behaviour only: it is not part of the layout or the fingerprint.
 */
public enum Overflow {
    /** The record is refused at commit ({@code RecordWriter.REFUSED_TOO_LONG}, counted): nothing is written. The default. */
    REFUSE,
    /** The value is cut to N bytes, a string at a UTF-8 character boundary at or before N, and counted. */
    TRUNCATE;

    /** The spelling in a schema file. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the value and the choices */
    public static Overflow parse(String spelling) {
        for (Overflow o : values()) {
            if (o.spelling().equals(spelling)) {
                return o;
            }
        }
        throw new IllegalArgumentException("overflow must be refuse or truncate: overflow=" + spelling);
    }
}
