package io.parquetry.converter.parquet;

import io.parquetry.schema.Field;
import io.parquetry.schema.FieldSpec;
import io.parquetry.schema.FieldType.Kind;
import io.parquetry.schema.FieldType;
import io.parquetry.schema.RecordLayout;
import io.parquetry.schema.Schema;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Random schemas and records for encoder tests: every type, nullable or not, and per segment of rows (one segment per
 * row group) a random null pattern (none, all, random, runs) and value pattern (constant, low or high cardinality,
 * sequence, small range, sawtooth, extremes). {@link #expected} holds each value as a reader should return it (timestamps
 * already converted to the written unit), null for a null.
 *
 * <p>{@code string(N)} and {@code binary(N)} values take every length from 0 to N: strings are valid UTF-8 made of
 * random code points of 1 to 4 bytes (supplementary ones too), binary values hold zero bytes, runs of 0xFF and every byte
 * value; a value set of a few values (dictionary) or unique values (none), short and long bounds (long ones past the
 * statistics' truncation). Records of such a schema lie back to back, {@link #offset(int) record i} at {@code starts[i]}.
 */
final class RandomRecords {

    final Schema schema;
    final int rows;
    final byte[] records;
    /** Where each record starts in {@link #records}, and at {@code [rows]} where the last ends. */
    final int[] starts;
    /** [row][field]: Boolean, Long (ints, decimals, timestamps), Float, Double, byte[] (trimmed for char), or null. */
    final Object[][] expected;

    private RandomRecords(Schema schema, int rows, byte[] records, int[] starts, Object[][] expected) {
        this.schema = schema;
        this.rows = rows;
        this.records = records;
        this.starts = starts;
        this.expected = expected;
    }

    /** Records made by a test itself, with the values a reader should return ({@code expected[row][field]}, null for null). */
    static RandomRecords of(Schema schema, byte[] records, Object[][] expected) {
        return new RandomRecords(schema, expected.length, records, strided(expected.length, schema.fixedLength()), expected);
    }

    /**
     * Records of {@code schema} holding {@code values[row][field]} (Boolean, Long, Float, Double, byte[], or null for null),
     * laid out as a writer would: fixed-length records one after the other, or records with variable fields back to back.
     * Timestamps are expected in their declared unit.
     */
    static RandomRecords layOut(Schema schema, Object[][] values) {
        int rows = values.length;
        int len = schema.fixedLength();
        byte[] fixed = new byte[rows * len];
        ByteBuffer b = ByteBuffer.wrap(fixed).order(ByteOrder.LITTLE_ENDIAN);
        byte[][][] variable = new byte[rows][schema.fields().size()][];
        Object[][] expected = new Object[rows][schema.fields().size()];
        for (int row = 0; row < rows; row++) {
            for (Field f : schema.fields()) {
                Object v = values[row][f.index()];
                if (v == null) {
                    if (!f.nullable()) {
                        throw new IllegalArgumentException("null for a field that is not nullable: " + f);
                    }
                    RecordLayout.markNull(fixed, row * len, f.nullBit());
                } else if (f.variable()) {
                    variable[row][f.index()] = (byte[]) v;
                } else {
                    put(b, row * len + f.offset(), f, v);
                }
                expected[row][f.index()] = v == null ? null : expectedOf(f, v, null);
            }
        }
        return schema.variable() ? variableRecords(schema, fixed, variable, expected)
                : new RandomRecords(schema, rows, fixed, strided(rows, len), expected);
    }

    private static int[] strided(int rows, int length) {
        int[] starts = new int[rows + 1];
        for (int i = 0; i <= rows; i++) {
            starts[i] = i * length;
        }
        return starts;
    }

    /** Where record {@code row} starts in {@link #records}. */
    int offset(int row) {
        return starts[row];
    }

    /** A schema whose first field is {@code seq int64} (the row number), then 4 to 16 random fields, variable ones in two cases of three. */
    static Schema randomSchema(Random r) {
        return randomSchema(r, r.nextInt(3) != 0);
    }

    /** As {@link #randomSchema(Random)}; {@code variable}: {@code string(N)} and {@code binary(N)} fields may be drawn. */
    static Schema randomSchema(Random r, boolean variable) {
        List<FieldSpec> specs = new ArrayList<>();
        specs.add(new FieldSpec("seq", FieldType.of(Kind.INT64), false, "row number"));
        int n = 4 + r.nextInt(13);
        for (int i = 0; i < n; i++) {
            FieldType t = variable && r.nextInt(4) == 0 ? randomVariableType(r) : randomType(r);
            specs.add(new FieldSpec("c" + i, t, r.nextBoolean(), ""));
        }
        return new Schema("random", "random", 1, "", specs);
    }

    /** {@code string(N)} or {@code binary(N)}, N small (1..8), middling (up to 100) or past the statistics' truncation (to 2000). */
    static FieldType randomVariableType(Random r) {
        int bound = switch (r.nextInt(3)) {
            case 0 -> 1 + r.nextInt(8);
            case 1 -> 1 + r.nextInt(100);
            default -> PartFileWriter.TRUNCATE_LENGTH + 1 + r.nextInt(2000 - PartFileWriter.TRUNCATE_LENGTH);
        };
        return r.nextBoolean() ? FieldType.string(bound) : FieldType.binary(bound);
    }

    static FieldType randomType(Random r) {
        return switch (r.nextInt(13)) {
            case 0 -> FieldType.of(Kind.BOOL);
            case 1 -> FieldType.of(Kind.INT8);
            case 2 -> FieldType.of(Kind.INT16);
            case 3 -> FieldType.of(Kind.INT32);
            case 4 -> FieldType.of(Kind.INT64);
            case 5 -> FieldType.of(Kind.FLOAT32);
            case 6 -> FieldType.of(Kind.FLOAT64);
            case 7 -> FieldType.timestamp(FieldType.TimeUnit.values()[r.nextInt(3)]);
            case 8 -> {
                int p = 1 + r.nextInt(FieldType.MAX_DECIMAL_PRECISION);
                yield FieldType.decimal(p, r.nextInt(p + 1));
            }
            case 9, 10 -> FieldType.chars(r.nextBoolean() ? 1 + r.nextInt(8) : 9 + r.nextInt(24));
            case 11 -> FieldType.chars(8);
            default -> FieldType.bytes(1 + r.nextInt(20));
        };
    }

    /**
     * @param segmentRows rows per segment (choose the row group's row count so patterns line up with row groups)
     * @param timestampUnit the unit timestamps are written in (null: as declared), for the expected values
     */
    static RandomRecords generate(Schema schema, int rows, int segmentRows, FieldType.TimeUnit timestampUnit, Random r) {
        int len = schema.fixedLength();
        // Variable values, [row][field]: laid after their record's fixed part once every field has its values.
        byte[][][] values = schema.variable() ? new byte[rows][schema.fields().size()][] : null;
        byte[] records = new byte[rows * len];
        r.nextBytes(records); // garbage under null values and in the bitmap's spare bits
        ByteBuffer b = ByteBuffer.wrap(records).order(ByteOrder.LITTLE_ENDIAN);
        Object[][] expected = new Object[rows][schema.fields().size()];
        for (int row = 0; row < rows; row++) {
            for (int byteIndex = 0; byteIndex < schema.bitmapLength(); byteIndex++) {
                records[row * len + byteIndex] = 0;
            }
        }
        for (Field f : schema.fields()) {
            for (int s = 0; s < rows; s += segmentRows) {
                int end = Math.min(rows, s + segmentRows);
                boolean[] nulls = f.nullable() ? nullPattern(r, end - s) : new boolean[end - s];
                ValueSource source = f.index() == 0 ? (i, rr) -> (long) i : valueSource(f, r);
                for (int row = s; row < end; row++) {
                    int at = row * len;
                    if (nulls[row - s]) {
                        records[at + (f.nullBit() >>> 3)] |= (byte) (1 << (f.nullBit() & 7));
                        continue;
                    }
                    Object v = source.next(row, r);
                    if (f.variable()) {
                        values[row][f.index()] = (byte[]) v;
                    } else {
                        put(b, at + f.offset(), f, v);
                    }
                    expected[row][f.index()] = expectedOf(f, v, timestampUnit);
                }
            }
        }
        if (values == null) {
            return new RandomRecords(schema, rows, records, strided(rows, len), expected);
        }
        return variableRecords(schema, records, values, expected);
    }

    /** Each record's fixed part from {@code fixed}, then its variable values, their end slots set. */
    private static RandomRecords variableRecords(Schema schema, byte[] fixed, byte[][][] values, Object[][] expected) {
        int rows = values.length;
        int len = schema.fixedLength();
        long total = 0;
        for (byte[][] row : values) {
            total += len;
            for (byte[] v : row) {
                total += v == null ? 0 : v.length;
            }
        }
        byte[] out = new byte[Math.toIntExact(total)];
        int[] starts = new int[rows + 1];
        int at = 0;
        for (int row = 0; row < rows; row++) {
            starts[row] = at;
            System.arraycopy(fixed, row * len, out, at, len);
            int end = len;
            for (Field f : schema.variableFields()) {
                byte[] v = values[row][f.index()];
                if (v != null) {
                    System.arraycopy(v, 0, out, at + end, v.length);
                    end += v.length;
                }
                RecordLayout.putInt(out, at + f.offset(), end);
            }
            at += end;
        }
        starts[rows] = at;
        return new RandomRecords(schema, rows, out, starts, expected);
    }

    private interface ValueSource {
        Object next(int row, Random r);
    }

    private static boolean[] nullPattern(Random r, int n) {
        boolean[] nulls = new boolean[n];
        switch (r.nextInt(5)) {
            case 0 -> {
                // none
            }
            case 1 -> Arrays.fill(nulls, true);
            case 2 -> {
                double p = new double[] {0.05, 0.5, 0.95}[r.nextInt(3)];
                for (int i = 0; i < n; i++) {
                    nulls[i] = r.nextDouble() < p;
                }
            }
            default -> {
                boolean state = r.nextBoolean();
                for (int i = 0; i < n;) {
                    int run = 1 + r.nextInt(r.nextBoolean() ? 10 : 300);
                    for (int k = 0; k < run && i < n; k++, i++) {
                        nulls[i] = state;
                    }
                    state = !state;
                }
            }
        }
        return nulls;
    }

    private static ValueSource valueSource(Field f, Random r) {
        Kind kind = f.kind();
        int pattern = r.nextInt(6);
        return switch (kind) {
            case BOOL -> pattern < 2 ? constant(r.nextBoolean()) : (i, rr) -> rr.nextBoolean();
            case INT8, INT16, INT32, INT64, DECIMAL, TIMESTAMP -> integers(f, pattern, r);
            case FLOAT32 -> floats(pattern, r, false);
            case FLOAT64 -> floats(pattern, r, true);
            case CHAR -> chars(f.length(), pattern, r);
            case BYTES -> bytes(f.length(), pattern, r);
            case STRING -> variable(f.maxLength(), pattern, r, true);
            case BINARY -> variable(f.maxLength(), pattern, r, false);
        };
    }

    private static ValueSource constant(Object v) {
        return (i, r) -> v;
    }

    /** Bounds a value of this field may take (decimals within their precision, timestamps within readers' range). */
    private static long[] bounds(Field f) {
        return switch (f.kind()) {
            case INT8 -> new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE};
            case INT16 -> new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
            case INT32 -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            case DECIMAL -> new long[] {-(f.decimalBound() - 1), f.decimalBound() - 1};
            case TIMESTAMP -> {
                // about +-126 years around 1970 in any unit: every reader's timestamp range
                long max = switch (f.type().unit()) {
                    case NS -> 4_000_000_000_000_000_000L;
                    case US -> 4_000_000_000_000_000L;
                    case MS -> 4_000_000_000_000L;
                };
                yield new long[] {-max, max};
            }
            default -> new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
        };
    }

    private static long uniform(Random r, long lo, long hi) {
        if (lo == Long.MIN_VALUE && hi == Long.MAX_VALUE) {
            return r.nextLong();
        }
        return lo + (long) (r.nextDouble() * ((double) hi - (double) lo));
    }

    private static ValueSource integers(Field f, int pattern, Random r) {
        long[] b = bounds(f);
        long lo = b[0];
        long hi = b[1];
        switch (pattern) {
            case 0 -> {
                long c = r.nextBoolean() ? (r.nextBoolean() ? lo : hi) : uniform(r, lo, hi);
                return constant(c);
            }
            case 1 -> {
                long[] set = new long[1 + r.nextInt(8)];
                for (int i = 0; i < set.length; i++) {
                    set[i] = switch (r.nextInt(4)) {
                        case 0 -> lo;
                        case 1 -> hi;
                        case 2 -> 0;
                        default -> uniform(r, lo, hi);
                    };
                }
                return (i, rr) -> set[rr.nextInt(set.length)];
            }
            case 2 -> {
                return (i, rr) -> uniform(rr, lo, hi);
            }
            case 3 -> {
                // A sequence; for int64 it may wrap from MAX to MIN (delta encoding's overflow).
                long step = r.nextInt(5) == 0 ? -1 - r.nextInt(1000) : r.nextInt(2000);
                long start = f.kind() == Kind.INT64 && r.nextBoolean() ? Long.MAX_VALUE - r.nextInt(500) * Math.max(1, Math.abs(step))
                        : uniform(r, lo / 2, hi / 2);
                return (i, rr) -> {
                    long v = start + step * (long) i;
                    return f.kind() == Kind.INT64 ? v : Math.max(lo, Math.min(hi, v));
                };
            }
            case 4 -> {
                if (r.nextBoolean()) {
                    // A sawtooth with noise, as a price that jumps back: wide deltas that repeat (byte-aligned widths pay).
                    int period = 2 + r.nextInt(3000);
                    int step = 1 + r.nextInt(period);
                    long unit = Math.max(1, (hi / 2 - lo / 2) / (2L * period) >> r.nextInt(40));
                    int noise = 1 + r.nextInt(1000);
                    return (i, rr) -> Math.max(lo, Math.min(hi, lo / 2 + (long) i * step % period * unit + rr.nextInt(noise)));
                }
                long base = uniform(r, lo / 2, hi / 2);
                int range = 1 + r.nextInt(3000);
                return (i, rr) -> Math.max(lo, Math.min(hi, base + rr.nextInt(range)));
            }
            default -> {
                long[] walk = {uniform(r, lo / 2, hi / 2)};
                return (i, rr) -> {
                    walk[0] = Math.max(lo, Math.min(hi, walk[0] + rr.nextInt(2001) - 1000));
                    return walk[0];
                };
            }
        }
    }

    private static final double[] SPECIAL_DOUBLES = {Double.NaN, 0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
        Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 1.0, -1.0};

    private static ValueSource floats(int pattern, Random r, boolean dbl) {
        ValueSource d = switch (pattern) {
            case 0 -> constant(SPECIAL_DOUBLES[r.nextInt(SPECIAL_DOUBLES.length)]);
            case 1 -> (i, rr) -> SPECIAL_DOUBLES[rr.nextInt(SPECIAL_DOUBLES.length)];
            case 2 -> (i, rr) -> rr.nextGaussian() * 1e6;
            case 3 -> (i, rr) -> rr.nextInt(20) == 0 ? SPECIAL_DOUBLES[rr.nextInt(SPECIAL_DOUBLES.length)] : rr.nextGaussian();
            case 4 -> (i, rr) -> 100.0 + (rr.nextInt(2000) - 1000) / 100.0;
            default -> {
                double[] walk = {r.nextGaussian() * 100};
                yield (i, rr) -> walk[0] += rr.nextGaussian() * 0.01;
            }
        };
        return dbl ? d : (i, rr) -> (float) (double) (Double) d.next(i, rr);
    }

    private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .-_";

    private static byte[] word(Random r, int maxLen) {
        byte[] w = new byte[r.nextInt(maxLen + 1)];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) LETTERS.charAt(r.nextInt(LETTERS.length()));
        }
        return w;
    }

    private static ValueSource chars(int width, int pattern, Random r) {
        return switch (pattern) {
            case 0 -> constant(r.nextBoolean() ? new byte[0] : word(r, width));
            case 1, 2 -> {
                byte[][] set = new byte[1 + r.nextInt(pattern == 1 ? 4 : 40)][];
                for (int i = 0; i < set.length; i++) {
                    set[i] = switch (r.nextInt(3)) {
                        case 0 -> new byte[0];
                        case 1 -> {
                            byte[] full = word(r, width);
                            full = Arrays.copyOf(full, width);
                            for (int k = 0; k < width; k++) {
                                full[k] = full[k] == 0 ? (byte) 'Z' : full[k];
                            }
                            yield full;
                        }
                        default -> word(r, width);
                    };
                }
                yield (i, rr) -> set[rr.nextInt(set.length)];
            }
            default -> (i, rr) -> word(rr, width);
        };
    }

    private static ValueSource bytes(int width, int pattern, Random r) {
        return switch (pattern) {
            case 0 -> constant(new byte[width]);
            case 1, 2 -> {
                byte[][] set = new byte[1 + r.nextInt(pattern == 1 ? 4 : 40)][];
                for (int i = 0; i < set.length; i++) {
                    set[i] = new byte[width];
                    if (r.nextBoolean()) {
                        r.nextBytes(set[i]);
                    } else {
                        Arrays.fill(set[i], (byte) 0xFF);
                    }
                }
                yield (i, rr) -> set[rr.nextInt(set.length)];
            }
            default -> (i, rr) -> {
                byte[] v = new byte[width];
                rr.nextBytes(v);
                return v;
            };
        };
    }

    /**
     * Values of 0..bound bytes: a constant (often empty or of the full bound), a set of a few (dictionary) or of 40, unique
     * values, or unique values sharing a long prefix (past the truncation of statistics).
     */
    private static ValueSource variable(int bound, int pattern, Random r, boolean text) {
        return switch (pattern) {
            case 0 -> constant(value(r, bound, text));
            case 1, 2 -> {
                byte[][] set = new byte[1 + r.nextInt(pattern == 1 ? 4 : 40)][];
                for (int i = 0; i < set.length; i++) {
                    set[i] = value(r, bound, text);
                }
                yield (i, rr) -> set[rr.nextInt(set.length)];
            }
            case 3 -> {
                byte[] prefix = value(r, bound, text);
                yield (i, rr) -> {
                    byte[] tail = value(rr, bound - prefix.length, text);
                    byte[] v = Arrays.copyOf(prefix, prefix.length + tail.length);
                    System.arraycopy(tail, 0, v, prefix.length, tail.length);
                    return v;
                };
            }
            default -> (i, rr) -> value(rr, bound, text);
        };
    }

    /** A value of at most {@code bound} bytes: empty, exactly {@code bound} bytes, or of a random length. */
    private static byte[] value(Random r, int bound, boolean text) {
        int length = switch (r.nextInt(6)) {
            case 0 -> 0;
            case 1 -> bound;
            default -> r.nextInt(bound + 1);
        };
        return text ? utf8(r, length) : binary(r, length);
    }

    /** Valid UTF-8 of exactly {@code length} bytes: random code points of 1 to 4 bytes, ASCII where a wider one does not fit. */
    static byte[] utf8(Random r, int length) {
        StringBuilder sb = new StringBuilder();
        int bytes = 0;
        while (bytes < length) {
            int cp = switch (r.nextInt(4)) {
                case 0 -> 0x20 + r.nextInt(0x5F); // ASCII
                case 1 -> 0x80 + r.nextInt(0x780); // 2 bytes
                case 2 -> {
                    int c = 0x800 + r.nextInt(0x10000 - 0x800); // 3 bytes, not a surrogate
                    yield c >= 0xD800 && c <= 0xDFFF ? 0x4E2D : c;
                }
                default -> 0x10000 + r.nextInt(0x110000 - 0x10000); // 4 bytes: a supplementary character
            };
            int width = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + width > length) {
                cp = 'a' + r.nextInt(26);
                width = 1;
            }
            sb.appendCodePoint(cp);
            bytes += width;
        }
        byte[] v = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (v.length != length) {
            throw new AssertionError("UTF-8 of " + v.length + " bytes, wanted " + length);
        }
        return v;
    }

    /** {@code length} bytes: random, zeros, 0xFF, or every byte value in turn. */
    private static byte[] binary(Random r, int length) {
        byte[] v = new byte[length];
        switch (r.nextInt(4)) {
            case 0 -> r.nextBytes(v);
            case 1 -> {
                // zeros
            }
            case 2 -> Arrays.fill(v, (byte) 0xFF);
            default -> {
                int start = r.nextInt(256);
                for (int i = 0; i < length; i++) {
                    v[i] = (byte) (start + i);
                }
            }
        }
        return v;
    }

    private static void put(ByteBuffer b, int at, Field f, Object v) {
        switch (f.kind()) {
            case BOOL -> b.put(at, (byte) ((Boolean) v ? 1 : 0));
            case INT8 -> b.put(at, (byte) (long) (Long) v);
            case INT16 -> b.putShort(at, (short) (long) (Long) v);
            case INT32 -> b.putInt(at, (int) (long) (Long) v);
            case INT64, DECIMAL, TIMESTAMP -> b.putLong(at, (Long) v);
            case FLOAT32 -> b.putFloat(at, (Float) v);
            case FLOAT64 -> b.putDouble(at, (Double) v);
            default -> {
                byte[] bytes = (byte[]) v;
                for (int k = 0; k < f.length(); k++) {
                    b.put(at + k, k < bytes.length ? bytes[k] : 0);
                }
            }
        }
    }

    private static Object expectedOf(Field f, Object v, FieldType.TimeUnit unit) {
        if (f.kind() == Kind.TIMESTAMP) {
            FieldType.TimeUnit own = f.type().unit();
            long divisor = ParquetSchemas.nanosPer(ParquetSchemas.writtenUnit(own, unit)) / ParquetSchemas.nanosPer(own);
            return Math.floorDiv((Long) v, divisor);
        }
        if (f.kind() == Kind.CHAR) {
            byte[] bytes = (byte[]) v;
            int n = bytes.length;
            while (n > 0 && bytes[n - 1] == 0) {
                n--;
            }
            return Arrays.copyOf(bytes, n);
        }
        return v;
    }

    static String text(byte[] chars) {
        return new String(chars, StandardCharsets.UTF_8);
    }
}
