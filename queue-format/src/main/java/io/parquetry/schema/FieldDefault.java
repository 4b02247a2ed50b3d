package io.parquetry.schema;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;

/**
 * A field's declared {@code default}: the value a record written before the field existed takes when it is read with a
 * later version of the schema (docs/FORMAT.md §2.1). Parsed once, when the schema is built, into its canonical text and
 * the bytes the field holds in a record: a fixed field's {@link FieldType#length()} bytes, or a {@code string(N)} /
 * {@code binary(N)} field's value bytes.
 *
 * <p>Spellings: {@code true}/{@code false}; whole numbers for integers; decimal numbers for floats and decimals (a
 * decimal's default may not have more digits after the point than its scale); an ISO-8601 instant
 * ({@code 2026-12-08T00:00:00Z}) or a whole count of the unit for timestamps; text for {@code char(N)} and
 * {@code string(N)}; base64 for {@code bytes(N)} (exactly N bytes) and {@code binary(N)}.
 */
public record FieldDefault(String text, byte[] bytes) {

    /** A decimal number as people write it: no hexadecimal, no {@code f}/{@code d} suffix, no NaN or Infinity. */
    private static final java.util.regex.Pattern DECIMAL_NUMBER = java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final java.util.Map<FieldType.TimeUnit, String> UNIT_NAMES = java.util.Map.of(FieldType.TimeUnit.NS, "nanoseconds",
            FieldType.TimeUnit.US, "microseconds", FieldType.TimeUnit.MS, "milliseconds");

    /**
     * @throws IllegalArgumentException naming the problem and the value, when {@code text} is not a value of {@code type}
     */
    public static FieldDefault parse(FieldType type, String text) {
        byte[] b = new byte[type.variable() ? 0 : type.length()];
        String canonical = text;
        switch (type.kind()) {
            case BOOL:
                if (!text.equals("true") && !text.equals("false")) {
                    throw new IllegalArgumentException("a bool default is true or false: default=" + text);
                }
                b[0] = (byte) (text.equals("true") ? 1 : 0);
                break;
            case INT8:
            case INT16:
            case INT32:
            case INT64: {
                long v = wholeNumber(type, text);
                long min = type.kind() == FieldType.Kind.INT64 ? Long.MIN_VALUE : -(1L << (type.length() * 8 - 1));
                long max = type.kind() == FieldType.Kind.INT64 ? Long.MAX_VALUE : (1L << (type.length() * 8 - 1)) - 1;
                if (v < min || v > max) {
                    throw new IllegalArgumentException("default is out of range for " + type + " (" + min + ".." + max + "): default=" + text);
                }
                for (int i = 0; i < type.length(); i++) {
                    b[i] = (byte) (v >>> (8 * i));
                }
                canonical = Long.toString(v);
                break;
            }
            case FLOAT32:
            case FLOAT64: {
                if (!DECIMAL_NUMBER.matcher(text).matches()) {
                    throw new IllegalArgumentException("a " + type + " default is a decimal number such as 1.5 or -2e-3: default=" + text);
                }
                double v = Double.parseDouble(text);
                if (Double.isInfinite(v) || type.kind() == FieldType.Kind.FLOAT32 && Float.isInfinite((float) v)) {
                    throw new IllegalArgumentException("default is outside what " + type + " holds: default=" + text);
                }
                if (type.kind() == FieldType.Kind.FLOAT32) {
                    RecordLayout.putFloat(b, 0, (float) v);
                    canonical = Float.toString((float) v);
                } else {
                    RecordLayout.putDouble(b, 0, v);
                    canonical = Double.toString(v);
                }
                break;
            }
            case DECIMAL: {
                BigDecimal v;
                try {
                    v = new BigDecimal(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("a " + type + " default is a decimal number: default=" + text, e);
                }
                BigDecimal scaled;
                try {
                    scaled = v.setScale(type.scale(), RoundingMode.UNNECESSARY);
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("default has more digits after the point than " + type + " keeps: default=" + text, e);
                }
                if (scaled.precision() > type.precision() && scaled.signum() != 0) {
                    throw new IllegalArgumentException("default has more digits than " + type + " holds: default=" + text);
                }
                RecordLayout.putLong(b, 0, scaled.unscaledValue().longValueExact());
                canonical = scaled.toPlainString();
                break;
            }
            case TIMESTAMP: {
                long v;
                if (text.matches("-?\\d+")) {
                    v = wholeNumber(type, text);
                    canonical = Long.toString(v);
                } else {
                    Instant at;
                    try {
                        at = Instant.parse(text);
                    } catch (DateTimeParseException e) {
                        throw new IllegalArgumentException("a timestamp default is an ISO-8601 instant such as 2026-12-08T00:00:00Z, or a whole count of "
                                + type.unit().name().toLowerCase(Locale.ROOT) + ": default=" + text, e);
                    }
                    long perSecond = switch (type.unit()) {
                        case NS -> 1_000_000_000L;
                        case US -> 1_000_000L;
                        case MS -> 1_000L;
                    };
                    long unitNanos = 1_000_000_000L / perSecond;
                    if (at.getNano() % unitNanos != 0) {
                        throw new IllegalArgumentException("default is finer than " + type + " keeps: default=" + text);
                    }
                    try {
                        v = Math.addExact(Math.multiplyExact(at.getEpochSecond(), perSecond), at.getNano() / unitNanos);
                    } catch (ArithmeticException e) {
                        throw new IllegalArgumentException("default is outside what " + type + " holds (int64 " + UNIT_NAMES.get(type.unit())
                                + " since 1970" + (type.unit() == FieldType.TimeUnit.NS ? ": 1677-09-21 to 2262-04-11" : "") + "): default=" + text, e);
                    }
                    canonical = at.toString();
                }
                RecordLayout.putLong(b, 0, v);
                break;
            }
            case CHAR:
            case STRING: {
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                if (utf8.length > type.maxLength()) {
                    throw new IllegalArgumentException("default is " + utf8.length + " UTF-8 bytes, longer than " + type + ": default=" + text);
                }
                if (type.kind() == FieldType.Kind.CHAR) {
                    if (utf8.length > 0 && utf8[utf8.length - 1] == 0) {
                        throw new IllegalArgumentException("a char(N) default may not end with a zero character: default=" + text);
                    }
                    System.arraycopy(utf8, 0, b, 0, utf8.length);
                } else {
                    b = utf8;
                }
                break;
            }
            case BYTES:
            case BINARY: {
                byte[] raw;
                try {
                    raw = Base64.getDecoder().decode(text);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("a " + type + " default is base64: default=" + text, e);
                }
                if (type.kind() == FieldType.Kind.BYTES ? raw.length != type.maxLength() : raw.length > type.maxLength()) {
                    throw new IllegalArgumentException("default is " + raw.length + " bytes, " + type + " takes "
                            + (type.kind() == FieldType.Kind.BYTES ? "exactly " : "at most ") + type.maxLength() + ": default=" + text);
                }
                b = raw;
                canonical = Base64.getEncoder().encodeToString(raw);
                break;
            }
            default:
                throw new IllegalArgumentException("no default for type " + type + ": default=" + text);
        }
        return new FieldDefault(canonical, b);
    }

    private static long wholeNumber(FieldType type, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a " + type + " default is a whole number: default=" + text, e);
        }
    }

    /** The bytes, a copy (the record keeps them; callers must not change the original). */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The bytes without a copy, for the projection's hot path. */
    byte[] bytesView() {
        return bytes;
    }
}
