package io.parquetry.cli;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.schema.Field;
import io.parquetry.schema.FieldType.Kind;
import io.parquetry.schema.Schema;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Deterministic synthetic values for any schema, so {@code parquetry record} can drive the real recorder API. Record
 * {@code i} with seed {@code s} always gets the same values, whatever the thread count. The values look like capture
 * data rather than noise, so compression figures mean something:
 * <ul>
 *   <li>fields named {@code *id}, {@code seq*} or {@code *sequence}: the record number {@code i};</li>
 *   <li>timestamps: a fixed start plus 1 µs per record; decimals and floats: a random walk around 100;</li>
 *   <li>other integers: small codes for int32/int8/int16 (0..N-1 when the description enumerates codes, as in
 *   "0 bid, 1 ask"; else 0..15), 1..1000 for int64; bools: random;</li>
 *   <li>{@code char(N)}: one of 16 ticker-like words; {@code bytes(N)}: random bytes;</li>
 *   <li>a nullable field is null in one record of {@value #NULL_ONE_IN} (chosen by a hash of seed, record and field, so
 *   each nullable field has its own nulls), so readers meet nulls the way real capture data has them.</li>
 * </ul>
 * Writing allocates nothing: the words are encoded once at construction.
 */
public final class SyntheticSource {

    private static final String[] WORDS = {"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "BRK.B", "JPM", "V", "XOM", "UNH",
        "ORCL", "AVGO", "COST", "NFLX"};
    private static final long START_EPOCH_NANOS = 1_763_700_000_000_000_000L;
    /** A nullable field is null in one record in this many, on average. */
    static final int NULL_ONE_IN = 8;
    private static final long NULL_SALT = 0x5DEECE66DL;

    private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("\\b(\\d{1,3}) [A-Za-z]");

    private final Field[] fields;
    private final int[] roles;
    private final int[] codes;
    private final byte[][][] words;
    private final byte[] scratch;
    private final long seed;

    private static final int ROLE_SEQUENCE = 1;
    private static final int ROLE_CODE = 2;
    private static final int ROLE_QUANTITY = 3;
    private static final int ROLE_WALK = 4;
    private static final int ROLE_TIME = 5;
    private static final int ROLE_BOOL = 6;
    private static final int ROLE_WORD = 7;
    private static final int ROLE_RANDOM_BYTES = 8;

    public SyntheticSource(Schema schema, long seed) {
        this.seed = seed;
        this.fields = schema.fields().toArray(new Field[0]);
        this.roles = new int[fields.length];
        this.codes = new int[fields.length];
        this.words = new byte[fields.length][][];
        int maxBytes = 1;
        for (int k = 0; k < fields.length; k++) {
            Field f = fields[k];
            String n = f.name().toLowerCase(Locale.ROOT);
            boolean sequenceName = n.endsWith("id") || n.startsWith("seq") || n.endsWith("sequence");
            switch (f.kind()) {
                case BOOL:
                    roles[k] = ROLE_BOOL;
                    break;
                case INT8:
                case INT16:
                case INT32:
                    roles[k] = sequenceName && f.kind() == Kind.INT32 ? ROLE_SEQUENCE : ROLE_CODE;
                    codes[k] = codeDomain(f.description());
                    break;
                case INT64:
                    roles[k] = sequenceName ? ROLE_SEQUENCE : ROLE_QUANTITY;
                    break;
                case TIMESTAMP:
                    roles[k] = ROLE_TIME;
                    break;
                case CHAR:
                    roles[k] = ROLE_WORD;
                    words[k] = new byte[WORDS.length][];
                    for (int w = 0; w < WORDS.length; w++) {
                        byte[] b = WORDS[w].getBytes(StandardCharsets.US_ASCII);
                        words[k][w] = b.length <= f.length() ? b : java.util.Arrays.copyOf(b, f.length());
                    }
                    break;
                case BYTES:
                    roles[k] = ROLE_RANDOM_BYTES;
                    maxBytes = Math.max(maxBytes, f.length());
                    break;
                default:
                    roles[k] = ROLE_WALK;
                    break;
            }
        }
        this.scratch = new byte[maxBytes];
    }

    /** The number of codes a description enumerates ("0 new, 1 modify, 2 cancel, 3 trade" gives 4), else 16. */
    static int codeDomain(String description) {
        java.util.regex.Matcher m = CODE.matcher(description == null ? "" : description);
        int max = -1;
        while (m.find()) {
            max = Math.max(max, Integer.parseInt(m.group(1)));
        }
        return max >= 1 ? Math.min(max + 1, 128) : 16;
    }

    /** SplitMix64: a good, stateless mix of (seed, record, field). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Appends record {@code i}; returns the writer's result code. */
    public int write(RecordWriter w, long i) {
        int rc = w.begin();
        if (rc != RecordWriter.OK) {
            return rc;
        }
        try {
            for (int k = 0; k < fields.length; k++) {
                Field f = fields[k];
                long r = mix(seed * 0x9E3779B97F4A7C15L + i * 31 + k);
                if (f.nullable() && Long.remainderUnsigned(mix(r ^ NULL_SALT), NULL_ONE_IN) == 0) {
                    w.setNull(f);
                    continue;
                }
                switch (roles[k]) {
                    case ROLE_SEQUENCE:
                        if (f.kind() == Kind.INT32) {
                            w.setInt(f, (int) i);
                        } else {
                            w.setLong(f, i);
                        }
                        break;
                    case ROLE_CODE:
                        w.setInt(f, (int) ((r >>> 1) % codes[k]));
                        break;
                    case ROLE_QUANTITY:
                        w.setLong(f, 1 + (r >>> 1) % 1000);
                        break;
                    case ROLE_TIME:
                        w.setLong(f, timestamp(f, i));
                        break;
                    case ROLE_BOOL:
                        w.setBoolean(f, (r & 1) != 0);
                        break;
                    case ROLE_WORD:
                        byte[] word = words[k][(int) ((r >>> 1) & 15)];
                        w.setBytes(f, word, 0, word.length);
                        break;
                    case ROLE_RANDOM_BYTES:
                        for (int b = 0; b < f.length(); b++) {
                            scratch[b] = (byte) (mix(r + b) >>> 56);
                        }
                        w.setBytes(f, scratch, 0, f.length());
                        break;
                    default:
                        walk(w, f, i, r);
                        break;
                }
            }
            w.commit();
        } finally {
            w.abort();
        }
        return rc;
    }

    private static long timestamp(Field f, long i) {
        switch (f.type().unit()) {
            case MS:
                return START_EPOCH_NANOS / 1_000_000 + i / 1000;
            case US:
                return START_EPOCH_NANOS / 1_000 + i;
            default:
                return START_EPOCH_NANOS + i * 1000;
        }
    }

    /** A bounded random walk around 100: the value drifts by the low bits of i, so neighbours are close. */
    private static void walk(RecordWriter w, Field f, long i, long r) {
        double v = 100.0 + ((i * 7919) % 2000 - 1000) / 100.0 + ((r >>> 11) % 100) / 1000.0;
        switch (f.kind()) {
            case DECIMAL:
                long scale = 1;
                for (int s = 0; s < f.type().scale(); s++) {
                    scale *= 10;
                }
                long unscaled = Math.round(v * scale);
                w.setLong(f, Math.min(unscaled, f.decimalBound() - 1));
                break;
            case FLOAT32:
                w.setFloat(f, (float) v);
                break;
            default:
                w.setDouble(f, v);
                break;
        }
    }
}
