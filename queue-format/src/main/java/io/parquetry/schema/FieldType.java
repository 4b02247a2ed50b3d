package io.parquetry.schema;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The type of a field: a {@link Kind} plus its parameters (width of {@code char(N)}/{@code bytes(N)}, bound of
 * {@code string(N)}/{@code binary(N)}, precision and scale of a decimal, unit of a timestamp). Immutable;
 * {@link #toString()} is the canonical spelling.
 */
public final class FieldType {

    /** The schema types (docs/FORMAT.md §3). The code is stable and used on the hot path for type checks. */
    public enum Kind {
        BOOL(1), INT8(1), INT16(2), INT32(4), INT64(8), FLOAT32(4), FLOAT64(8), TIMESTAMP(8), DECIMAL(8), CHAR(-1), BYTES(-1),
        /** UTF-8 text of 0..N bytes, stored after the record's fixed part (docs/FORMAT.md §3). */
        STRING(-1),
        /** Bytes, 0..N of them, stored after the record's fixed part. */
        BINARY(-1);

        private final int fixedLength;

        Kind(int fixedLength) {
            this.fixedLength = fixedLength;
        }
    }

    /** Units of {@code timestamp(unit)}. */
    public enum TimeUnit {
        NS, US, MS
    }

    /** Largest precision of {@code decimal(p,s)}: the unscaled value is an int64. */
    public static final int MAX_DECIMAL_PRECISION = 18;
    /** Largest N of {@code char(N)} and {@code bytes(N)}. */
    public static final int MAX_WIDTH = 65_535;
    /**
     * Largest N of {@code string(N)} and {@code binary(N)}: 1 MiB. A value is an event's text or payload, not a blob: each
     * writer holds a buffer of the largest record its schema allows, and the converter holds a row group of them.
     */
    public static final int MAX_VARIABLE_LENGTH = 1 << 20;
    /**
     * Bytes a {@code string(N)} or {@code binary(N)} field takes in the record's fixed part: the little-endian offset, from
     * the record's start, where its value ends (docs/FORMAT.md §3).
     */
    public static final int END_SLOT_LENGTH = 4;

    private static final Pattern PARAMETERISED = Pattern.compile("([a-z0-9]+)\\s*\\(\\s*([^)]*?)\\s*\\)");

    private final Kind kind;
    private final int length;
    private final int precision;
    private final int scale;
    private final TimeUnit unit;

    private FieldType(Kind kind, int length, int precision, int scale, TimeUnit unit) {
        this.kind = kind;
        this.length = length;
        this.precision = precision;
        this.scale = scale;
        this.unit = unit;
    }

    public static FieldType of(Kind kind) {
        if (kind.fixedLength < 0 || kind == Kind.TIMESTAMP || kind == Kind.DECIMAL) {
            throw new IllegalArgumentException("type needs parameters: kind=" + kind);
        }
        return new FieldType(kind, kind.fixedLength, 0, 0, null);
    }

    public static FieldType timestamp(TimeUnit unit) {
        return new FieldType(Kind.TIMESTAMP, 8, 0, 0, unit);
    }

    public static FieldType decimal(int precision, int scale) {
        if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
            throw new IllegalArgumentException("decimal precision must be 1.." + MAX_DECIMAL_PRECISION + ": precision=" + precision);
        }
        if (scale < 0 || scale > precision) {
            throw new IllegalArgumentException("decimal scale must be 0..precision (" + precision + "): scale=" + scale);
        }
        return new FieldType(Kind.DECIMAL, 8, precision, scale, null);
    }

    public static FieldType chars(int width) {
        checkWidth("char", width);
        return new FieldType(Kind.CHAR, width, 0, 0, null);
    }

    public static FieldType bytes(int width) {
        checkWidth("bytes", width);
        return new FieldType(Kind.BYTES, width, 0, 0, null);
    }

    /** {@code string(N)}: UTF-8 text of at most {@code maxBytes} bytes. */
    public static FieldType string(int maxBytes) {
        checkBound("string", maxBytes);
        return new FieldType(Kind.STRING, maxBytes, 0, 0, null);
    }

    /** {@code binary(N)}: at most {@code maxBytes} bytes. */
    public static FieldType binary(int maxBytes) {
        checkBound("binary", maxBytes);
        return new FieldType(Kind.BINARY, maxBytes, 0, 0, null);
    }

    private static void checkBound(String name, int bound) {
        if (bound < 1 || bound > MAX_VARIABLE_LENGTH) {
            throw new IllegalArgumentException(name + "(N) needs 1 <= N <= " + MAX_VARIABLE_LENGTH + " (the largest value, in bytes): N=" + bound);
        }
    }

    private static void checkWidth(String name, int width) {
        if (width < 1 || width > MAX_WIDTH) {
            throw new IllegalArgumentException(name + "(N) needs 1 <= N <= " + MAX_WIDTH + ": N=" + width);
        }
    }

    /**
     * Parses a type as spelled in a schema file ({@code int64}, {@code char(8)}, {@code decimal(18, 8)},
     * {@code timestamp(ns)}). Case and white space inside the parentheses are forgiven.
     *
     * @throws IllegalArgumentException naming the bad spelling or parameter
     */
    public static FieldType parse(String spelling) {
        String s = spelling.trim().toLowerCase(Locale.ROOT);
        switch (s) {
            case "bool":
                return of(Kind.BOOL);
            case "int8":
                return of(Kind.INT8);
            case "int16":
                return of(Kind.INT16);
            case "int32":
                return of(Kind.INT32);
            case "int64":
                return of(Kind.INT64);
            case "float32":
                return of(Kind.FLOAT32);
            case "float64":
                return of(Kind.FLOAT64);
            default:
                break;
        }
        Matcher m = PARAMETERISED.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("unknown type: type=" + spelling + " (expected one of bool, int8, int16, int32, int64,"
                    + " float32, float64, timestamp(ns|us|ms), decimal(p,s), char(N), bytes(N), string(N), binary(N))");
        }
        String base = m.group(1);
        String args = m.group(2);
        switch (base) {
            case "char":
                return chars(parseInt(spelling, args));
            case "bytes":
                return bytes(parseInt(spelling, args));
            case "string":
                return string(parseInt(spelling, args));
            case "binary":
                return binary(parseInt(spelling, args));
            case "timestamp":
                for (TimeUnit u : TimeUnit.values()) {
                    if (u.name().toLowerCase(Locale.ROOT).equals(args)) {
                        return timestamp(u);
                    }
                }
                throw new IllegalArgumentException("timestamp unit must be ns, us or ms: type=" + spelling);
            case "decimal":
                String[] ps = args.split("\\s*,\\s*", -1);
                if (ps.length != 2) {
                    throw new IllegalArgumentException("decimal needs (precision, scale): type=" + spelling);
                }
                return decimal(parseInt(spelling, ps[0]), parseInt(spelling, ps[1]));
            default:
                throw new IllegalArgumentException("unknown type: type=" + spelling);
        }
    }

    private static int parseInt(String spelling, String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("type parameter is not a whole number: type=" + spelling + ", parameter=" + s, e);
        }
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Bytes the field occupies in the record's fixed part: its value's width, or for {@code string(N)} and
     * {@code binary(N)} the {@link #END_SLOT_LENGTH} bytes of its end offset.
     */
    public int length() {
        return variable() ? END_SLOT_LENGTH : length;
    }

    /** True for {@code string(N)} and {@code binary(N)}: the value's bytes follow the record's fixed part. */
    public boolean variable() {
        return kind == Kind.STRING || kind == Kind.BINARY;
    }

    /** The largest value in bytes: N of {@code char(N)}, {@code bytes(N)}, {@code string(N)}, {@code binary(N)}, else the width. */
    public int maxLength() {
        return length;
    }

    public int precision() {
        return precision;
    }

    public int scale() {
        return scale;
    }

    public TimeUnit unit() {
        return unit;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldType && toString().equals(o.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        switch (kind) {
            case TIMESTAMP:
                return "timestamp(" + unit.name().toLowerCase(Locale.ROOT) + ")";
            case DECIMAL:
                return "decimal(" + precision + "," + scale + ")";
            case CHAR:
                return "char(" + length + ")";
            case BYTES:
                return "bytes(" + length + ")";
            case STRING:
                return "string(" + length + ")";
            case BINARY:
                return "binary(" + length + ")";
            default:
                return kind.name().toLowerCase(Locale.ROOT);
        }
    }
}
