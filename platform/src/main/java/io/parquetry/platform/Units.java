package io.parquetry.platform;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations and sizes as people write them in config files and on the command line, parsed one way everywhere, exactly
 * (no floating point) and with overflow refused rather than wrapped.
 *
 * <ul>
 *   <li>durations: a number with a unit, {@code 500ms}, {@code 30s}, {@code 1.5s}, {@code 5m}, {@code 1h}, {@code 7d}
 *   (also {@code us}); a bare number is refused: which unit was meant?</li>
 *   <li>sizes: a whole number of bytes, or with a unit {@code KiB}/{@code K}/{@code KB}, {@code MiB}/{@code M}/{@code MB},
 *   {@code GiB}, {@code TiB} (all powers of 1024), e.g. {@code 128MiB}, {@code 1048576}.</li>
 * </ul>
 */
public final class Units {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?");
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private Units() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException naming the text when it is not a duration or is too long to represent
     */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration (use e.g. 500ms, 1.5s, 30s, 5m, 1h, 7d): " + text);
        }
        long unitNanos = switch (m.group(2)) {
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> 86_400_000_000_000L;
        };
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos)).setScale(0, RoundingMode.HALF_UP);
        if (nanos.compareTo(MAX_NANOS) > 0) {
            // Duration itself holds more, but no setting here needs 292 years; this keeps toNanos() safe for callers.
            throw new IllegalArgumentException("duration too long (at most 292 years): " + text);
        }
        return Duration.ofNanos(nanos.longValueExact());
    }

    /**
     * Parses a size in bytes.
     *
     * @throws IllegalArgumentException naming the text when it is not a size or does not fit in a long
     */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace("_", ""));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size (use e.g. 1048576, 512KiB, 128MiB, 1GiB): " + text);
        }
        String unit = m.group(2) == null ? "b" : m.group(2);
        int shift = switch (unit.charAt(0)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size too large (at most " + Long.MAX_VALUE + " bytes): " + text, e);
        }
    }
}
