package io.parquetry.testing;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.schema.Field;
import io.parquetry.schema.Schema;
import java.nio.charset.StandardCharsets;

/**
 * A test schema with every type, each nullable, plus a required sequence number; and a deterministic value for
 * every field of record {@code seq}, so a test can write records and check them wherever they land (queue, Parquet).
 * Every seventh record (seq % 7 == 3) has all its nullable fields null.
 */
public final class AllTypes {

    public static final String YAML = String.join("\n",
            "name: all_types",
            "version: 1",
            "fields:",
            "  - {name: seq, type: int64, description: sequence number}",
            "  - {name: b, type: bool, nullable: true}",
            "  - {name: i8, type: int8, nullable: true}",
            "  - {name: i16, type: int16, nullable: true}",
            "  - {name: i32, type: int32, nullable: true}",
            "  - {name: i64, type: int64, nullable: true}",
            "  - {name: f32, type: float32, nullable: true}",
            "  - {name: f64, type: float64, nullable: true}",
            "  - {name: ts, type: timestamp(us), nullable: true}",
            "  - {name: dec, type: 'decimal(18,4)', nullable: true}",
            "  - {name: sym, type: char(6), nullable: true}",
            "  - {name: raw, type: bytes(4), nullable: true}",
            "");

    public final Schema schema;
    public final Field seq;
    public final Field b;
    public final Field i8;
    public final Field i16;
    public final Field i32;
    public final Field i64;
    public final Field f32;
    public final Field f64;
    public final Field ts;
    public final Field dec;
    public final Field sym;
    public final Field raw;

    public AllTypes() {
        this(Schema.parse(YAML, "AllTypes"));
    }

    public AllTypes(Schema schema) {
        this.schema = schema;
        seq = schema.field("seq");
        b = schema.field("b");
        i8 = schema.field("i8");
        i16 = schema.field("i16");
        i32 = schema.field("i32");
        i64 = schema.field("i64");
        f32 = schema.field("f32");
        f64 = schema.field("f64");
        ts = schema.field("ts");
        dec = schema.field("dec");
        sym = schema.field("sym");
        raw = schema.field("raw");
    }

    public static boolean isNullRow(long seq) {
        return seq % 7 == 3;
    }

    public static boolean bool(long s) {
        return s % 2 == 0;
    }

    public static int int8(long s) {
        return (int) (s % 256) - 128;
    }

    public static int int16(long s) {
        return (int) (s * 7 % 65536) - 32768;
    }

    public static int int32(long s) {
        return (int) (s * 2_654_435_761L);
    }

    public static long int64(long s) {
        return s * 0x9E3779B97F4A7C15L;
    }

    public static float float32(long s) {
        return s * 0.5f - 3.25f;
    }

    public static double float64(long s) {
        return s * 1.0e-3 + Math.PI;
    }

    public static long timestampMicros(long s) {
        return 1_763_700_000_000_000L + s * 1_000;
    }

    /** Unscaled decimal(18,4): a price such as 1234.5678 is 12345678. */
    public static long decimalUnscaled(long s) {
        return (s % 2 == 0 ? 1 : -1) * (s * 10_001 % 999_999_999_999L);
    }

    /** ASCII and, every fifth record, a two-byte UTF-8 character; lengths 0 to 6 bytes. */
    public static String chars(long s) {
        String base = (s % 5 == 0 ? "é" : "") + "S" + s;
        int n = (int) (s % 6);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.toString().getBytes(StandardCharsets.UTF_8).length < n && i < base.length(); i++) {
            sb.append(base.charAt(i));
        }
        if (sb.toString().getBytes(StandardCharsets.UTF_8).length > 6) {
            sb.setLength(sb.length() - 1);
        }
        return sb.toString();
    }

    public static byte[] bytes(long s) {
        return new byte[] {(byte) s, (byte) (s >> 8), 0, (byte) 0xff};
    }

    /** Writes record {@code s}; returns the writer's result code. */
    public int write(RecordWriter w, long s) {
        int rc = w.begin();
        if (rc != RecordWriter.OK) {
            return rc;
        }
        try {
            w.setLong(seq, s);
            if (isNullRow(s)) {
                w.setNull(b).setNull(i8).setNull(i16).setNull(i32).setNull(i64).setNull(f32).setNull(f64).setNull(ts).setNull(dec)
                        .setNull(sym).setNull(raw);
            } else {
                byte[] r = bytes(s); // a fresh array: one AllTypes may be shared by several producing threads
                w.setBoolean(b, bool(s)).setInt(i8, int8(s)).setInt(i16, int16(s)).setInt(i32, int32(s)).setLong(i64, int64(s))
                        .setFloat(f32, float32(s)).setDouble(f64, float64(s)).setLong(ts, timestampMicros(s))
                        .setLong(dec, decimalUnscaled(s)).setChars(sym, chars(s)).setBytes(raw, r, 0, 4);
            }
            w.commit();
        } finally {
            w.abort();
        }
        return rc;
    }
}
