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
 *   <li>{@code string(N)}: free text of 0 to N UTF-8 bytes, most of them short, some exactly N, a third with 2-, 3- and
 *   4-byte characters, some empty; {@code binary(N)}: 0 to N random bytes, zeros included, one value with every byte
 *   value ({@link ValuePools});</li>
 *   <li>log fields, by name: {@code level}/{@code severity} DEBUG, INFO, WARN, ERROR (mostly INFO); {@code *service*} a
 *   few service names; {@code *trace*}/{@code *span*} hex ids; a {@code string(N)} {@code *message*}/{@code msg} a
 *   templated log line (about 80 bytes median, a few stack traces), and one named {@code *attr*}/{@code *json*} or
 *   described as JSON a JSON object, null in half the records when nullable;</li>
 *   <li>a nullable field is null in one record of {@value #NULL_ONE_IN} (chosen by a hash of seed, record and field, so
 *   each nullable field has its own nulls), so readers meet nulls the way real capture data has them.</li>
 * </ul>
 * Writing allocates nothing: every text and byte value is made at construction and a record picks one. One source
 * serves one thread; {@link #forThread()} gives another thread its own, sharing the values.
 */
public final class SyntheticSource {

    private static final String[] WORDS = {"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "BRK.B", "JPM", "V", "XOM", "UNH",
        "ORCL", "AVGO", "COST", "NFLX"};
    private static final long START_EPOCH_NANOS = 1_763_700_000_000_000_000L;
    /** A nullable field is null in one record in this many, on average. */
    static final int NULL_ONE_IN = 8;
    private static final long NULL_SALT = 0x5DEECE66DL;

    private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("\\b(\\d{1,3}) [A-Za-z]");

    /** A nullable JSON attributes field is null in one record in this many: present about half the time. */
    static final int JSON_NULL_ONE_IN = 2;

    private final Field[] fields;
    private final int[] roles;
    private final int[] codes;
    private final int[] nullOneIn;
    private final byte[][][] words;
    /** Per variable field: its pool of texts (string) or byte values (binary), and their lengths in bytes. */
    private final String[][] texts;
    private final byte[][][] blobs;
    private final int[][] lengths;
    private final int fixedLength;
    private final int maxBytes;
    private final byte[] scratch;
    private final long seed;
    /** Bytes of the records this source committed (this thread's): the fixed part plus the values. */
    private long recordBytes;

    private static final int ROLE_SEQUENCE = 1;
    private static final int ROLE_CODE = 2;
    private static final int ROLE_QUANTITY = 3;
    private static final int ROLE_WALK = 4;
    private static final int ROLE_TIME = 5;
    private static final int ROLE_BOOL = 6;
    private static final int ROLE_WORD = 7;
    private static final int ROLE_RANDOM_BYTES = 8;
    private static final int ROLE_TEXT = 9;
    private static final int ROLE_BLOB = 10;

    public SyntheticSource(Schema schema, long seed) {
        this.seed = seed;
        this.fields = schema.fields().toArray(new Field[0]);
        this.roles = new int[fields.length];
        this.codes = new int[fields.length];
        this.nullOneIn = new int[fields.length];
        this.words = new byte[fields.length][][];
        this.texts = new String[fields.length][];
        this.blobs = new byte[fields.length][][];
        this.lengths = new int[fields.length][];
        this.fixedLength = schema.fixedLength();
        java.util.Arrays.fill(nullOneIn, NULL_ONE_IN);
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
                    String[] named = namedWords(f, fieldSeed(seed, k));
                    if (named != null) {
                        words[k] = ValuePools.utf8(named);
                        break;
                    }
                    words[k] = new byte[WORDS.length][];
                    for (int w = 0; w < WORDS.length; w++) {
                        byte[] b = WORDS[w].getBytes(StandardCharsets.US_ASCII);
                        words[k][w] = b.length <= f.length() ? b : java.util.Arrays.copyOf(b, f.length());
                    }
                    break;
                case STRING:
                    roles[k] = ROLE_TEXT;
                    texts[k] = texts(f, fieldSeed(seed, k));
                    lengths[k] = ValuePools.utf8Lengths(texts[k]);
                    if (isJson(f, n)) {
                        nullOneIn[k] = JSON_NULL_ONE_IN;
                    }
                    break;
                case BINARY:
                    roles[k] = ROLE_BLOB;
                    blobs[k] = ValuePools.binary(f.maxLength(), fieldSeed(seed, k));
                    lengths[k] = new int[blobs[k].length];
                    for (int j = 0; j < blobs[k].length; j++) {
                        lengths[k][j] = blobs[k][j].length;
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
        this.maxBytes = maxBytes;
        this.scratch = new byte[maxBytes];
    }

    /** Another thread's source: the same values (shared, never written), its own scratch and byte count. */
    private SyntheticSource(SyntheticSource o) {
        this.seed = o.seed;
        this.fields = o.fields;
        this.roles = o.roles;
        this.codes = o.codes;
        this.nullOneIn = o.nullOneIn;
        this.words = o.words;
        this.texts = o.texts;
        this.blobs = o.blobs;
        this.lengths = o.lengths;
        this.fixedLength = o.fixedLength;
        this.maxBytes = o.maxBytes;
        this.scratch = new byte[o.maxBytes];
    }

    /** A source for another producing thread, sharing this one's values (no pool is made again). */
    public SyntheticSource forThread() {
        return new SyntheticSource(this);
    }

    /** Bytes of the records this source has committed: each record's fixed part plus its variable values. */
    public long recordBytes() {
        return recordBytes;
    }

    /** The values a {@code char(N)} field gets by its name (log fields), or null for the ticker-like words. */
    private static String[] namedWords(Field f, long seed) {
        String n = f.name().toLowerCase(Locale.ROOT);
        if (n.equals("level") || n.endsWith("_level") || n.equals("severity")) {
            return ValuePools.levels(f.maxLength());
        }
        if (n.contains("service")) {
            return ValuePools.services(f.maxLength());
        }
        if (n.contains("trace") || n.contains("span")) {
            return ValuePools.hexIds(f.maxLength(), seed);
        }
        return null;
    }

    /** The pool of a {@code string(N)} field: log fields by name, else free text. */
    private static String[] texts(Field f, long seed) {
        String[] named = namedWords(f, seed);
        if (named != null) {
            return named;
        }
        String n = f.name().toLowerCase(Locale.ROOT);
        if (n.contains("message") || n.equals("msg")) {
            return ValuePools.logMessages(f.maxLength(), seed);
        }
        if (isJson(f, n)) {
            return ValuePools.jsonAttributes(f.maxLength(), seed);
        }
        return ValuePools.text(f.maxLength(), seed);
    }

    private static boolean isJson(Field f, String lowerName) {
        return lowerName.contains("attr") || lowerName.contains("json") || f.description().contains("JSON");
    }

    /** The seed of field {@code k}'s pool: the same on every thread, another for every field. */
    private static long fieldSeed(long seed, int k) {
        return mix(seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L * (k + 1));
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

    /**
     * Appends record {@code i}; returns the writer's result code: of {@code begin}, or of {@code commit}
     * ({@link RecordWriter#REFUSED_TOO_LONG} for a value longer than its field, which these values never are).
     */
    public int write(RecordWriter w, long i) {
        int rc = w.begin();
        if (rc != RecordWriter.OK) {
            return rc;
        }
        try {
            long bytes = fixedLength;
            for (int k = 0; k < fields.length; k++) {
                Field f = fields[k];
                long r = mix(seed * 0x9E3779B97F4A7C15L + i * 31 + k);
                if (f.nullable() && Long.remainderUnsigned(mix(r ^ NULL_SALT), nullOneIn[k]) == 0) {
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
                        byte[] word = words[k][(int) ((r >>> 1) % words[k].length)];
                        w.setBytes(f, word, 0, word.length);
                        break;
                    case ROLE_TEXT:
                        int t = (int) ((r >>> 1) % texts[k].length);
                        w.setString(f, texts[k][t]);
                        bytes += lengths[k][t];
                        break;
                    case ROLE_BLOB:
                        int b = (int) ((r >>> 1) % blobs[k].length);
                        w.setBytes(f, blobs[k][b], 0, lengths[k][b]);
                        bytes += lengths[k][b];
                        break;
                    case ROLE_RANDOM_BYTES:
                        for (int x = 0; x < f.length(); x++) {
                            scratch[x] = (byte) (mix(r + x) >>> 56);
                        }
                        w.setBytes(f, scratch, 0, f.length());
                        break;
                    default:
                        walk(w, f, i, r);
                        break;
                }
            }
            rc = w.commit();
            if (rc == RecordWriter.OK) {
                recordBytes += bytes;
            }
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
