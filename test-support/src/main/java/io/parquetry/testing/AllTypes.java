package io.parquetry.testing;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.schema.Field;
import io.parquetry.schema.Schema;
import java.nio.charset.StandardCharsets;

/**
 * A test schema with every type, each nullable, plus a required sequence number; and a deterministic value for
 * every field of record {@code seq}, so a test can write records and check them wherever they land (queue, Parquet).
 * Every seventh record (seq % 7 == 3) has all its nullable fields null. {@link #withVariableFields()} adds a nullable
 * {@code string(64)}, a nullable {@code binary(32)} and a required {@code string(300)} (records of varying length).
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

    /** {@link #YAML} with variable fields after the fixed ones. */
    public static final String VARIABLE_YAML = YAML
            + "  - {name: txt, type: string(64), nullable: true}\n"
            + "  - {name: blob, type: binary(32), nullable: true}\n"
            + "  - {name: msg, type: string(300)}\n";

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
    /** The variable fields, or null for the schema without them. */
    public final Field txt;
    public final Field blob;
    public final Field msg;

    public AllTypes() {
        this(Schema.parse(YAML, "AllTypes"));
    }

    /** The schema with variable fields ({@link #VARIABLE_YAML}). */
    public static AllTypes withVariableFields() {
        return new AllTypes(Schema.parse(VARIABLE_YAML, "AllTypes"));
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
        boolean variable = schema.variable();
        txt = variable ? schema.field("txt") : null;
        blob = variable ? schema.field("blob") : null;
        msg = variable ? schema.field("msg") : null;
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

    /** Text of 0 to 64 bytes: ASCII, 2-, 3- and 4-byte UTF-8 characters; empty every eleventh record. */
    public static String text(long s) {
        if (s % 11 == 5) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        String[] parts = {"a", "é", "€", "\uD83D\uDE00"};
        int bytes = 0;
        for (int i = 0; i < (int) (s % 29); i++) {
            String p = parts[(int) ((s + i) & 3)];
            int b = p.getBytes(StandardCharsets.UTF_8).length;
            if (bytes + b > 64) {
                break;
            }
            sb.append(p);
            bytes += b;
        }
        return sb.toString();
    }

    /** 0 to 32 bytes, zero bytes and every byte value among them. */
    public static byte[] blob(long s) {
        byte[] b = new byte[(int) (s % 33)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (s * 31 + i * 17);
        }
        return b;
    }

    /** A message of 0 to 300 bytes, exactly 300 every hundredth record: the required variable field. */
    public static String message(long s) {
        int n = s % 100 == 7 ? 300 : (int) ((s * 2_654_435_761L >>> 33) % 120);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + (s + i) % 26));
        }
        return sb.toString();
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
                if (txt != null) {
                    w.setNull(txt).setNull(blob);
                }
            } else {
                byte[] r = bytes(s); // a fresh array: one AllTypes may be shared by several producing threads
                w.setBoolean(b, bool(s)).setInt(i8, int8(s)).setInt(i16, int16(s)).setInt(i32, int32(s)).setLong(i64, int64(s))
                        .setFloat(f32, float32(s)).setDouble(f64, float64(s)).setLong(ts, timestampMicros(s))
                        .setLong(dec, decimalUnscaled(s)).setChars(sym, chars(s)).setBytes(raw, r, 0, 4);
                if (txt != null) {
                    byte[] v = blob(s);
                    w.setString(txt, text(s)).setBytes(blob, v, 0, v.length);
                }
            }
            if (msg != null) {
                w.setString(msg, message(s));
            }
            rc = w.commit();
        } finally {
            w.abort();
        }
        return rc;
    }
}
