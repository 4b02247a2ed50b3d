package io.parquetry.testing;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.schema.Field;
import io.parquetry.schema.Schema;
import java.nio.charset.StandardCharsets;

/**
 * A test schema with {@code string(N)} and {@code binary(N)} fields, required and nullable, plus a required sequence
 * number; and a deterministic value for every field of record {@code seq}, as {@link AllTypes} has for the fixed types.
 * The texts cycle through empty, ASCII, 2-, 3- and 4-byte UTF-8 characters and exactly N bytes; the byte values through
 * lengths 0 to N with zero bytes. Every seventh record (seq % 7 == 3) has its nullable fields null.
 */
public final class VariableTypes {

    public static final String YAML = String.join("\n",
            "name: var_types",
            "version: 1",
            "fields:",
            "  - {name: seq, type: int64, description: sequence number}",
            "  - {name: msg, type: string(64), description: a short text}",
            "  - {name: note, type: string(300), nullable: true}",
            "  - {name: blob, type: binary(40)}",
            "  - {name: opt_blob, type: binary(1000), nullable: true}",
            "");

    public static final int MSG_MAX = 64;
    public static final int NOTE_MAX = 300;
    public static final int BLOB_MAX = 40;
    public static final int OPT_BLOB_MAX = 1000;

    public final Schema schema;
    public final Field seq;
    public final Field msg;
    public final Field note;
    public final Field blob;
    public final Field optBlob;

    public VariableTypes() {
        this(Schema.parse(YAML, "VariableTypes"));
    }

    public VariableTypes(Schema schema) {
        this.schema = schema;
        seq = schema.field("seq");
        msg = schema.field("msg");
        note = schema.field("note");
        blob = schema.field("blob");
        optBlob = schema.field("opt_blob");
    }

    public static boolean isNullRow(long seq) {
        return seq % 7 == 3;
    }

    /**
     * Text of record {@code s} for a field of {@code maxBytes}: by {@code s % 6}, empty, ASCII, with 2-byte, 3-byte and
     * 4-byte characters, or exactly {@code maxBytes} bytes ending in a 4-byte character.
     */
    public static String text(long s, int maxBytes) {
        String t = switch ((int) (s % 6)) {
            case 0 -> "";
            case 1 -> "msg-" + s;
            case 2 -> "é ü ß Привет " + s;
            case 3 -> "€ 東京 注文 " + s;
            case 4 -> "😀 𝄞 𠜎 " + s;
            default -> {
                StringBuilder sb = new StringBuilder();
                while (sb.toString().getBytes(StandardCharsets.UTF_8).length < maxBytes - 4) {
                    sb.append((char) ('a' + (int) ((s + sb.length()) % 26)));
                }
                yield sb.append("😀").toString();
            }
        };
        return cut(t, maxBytes);
    }

    /** Bytes of record {@code s} for a field of {@code maxBytes}: {@code s % (maxBytes + 1)} of them, zeros included. */
    public static byte[] bytes(long s, int maxBytes) {
        byte[] b = new byte[(int) (s % (maxBytes + 1))];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (s * 31 + i * 7);
        }
        return b;
    }

    /** {@code t} cut to at most {@code maxBytes} UTF-8 bytes at a character boundary. */
    static String cut(String t, int maxBytes) {
        String out = t;
        while (out.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            out = out.substring(0, out.offsetByCodePoints(0, out.codePointCount(0, out.length()) - 1));
        }
        return out;
    }

    /** Writes record {@code s}; returns the writer's result code (of begin, or of commit). */
    public int write(RecordWriter w, long s) {
        int rc = w.begin();
        if (rc != RecordWriter.OK) {
            return rc;
        }
        try {
            w.setLong(seq, s).setString(msg, text(s, MSG_MAX));
            byte[] b = bytes(s, BLOB_MAX);
            w.setBytes(blob, b, 0, b.length);
            if (isNullRow(s)) {
                w.setNull(note).setNull(optBlob);
            } else {
                byte[] o = bytes(s * 13, OPT_BLOB_MAX);
                w.setString(note, text(s + 5, NOTE_MAX)).setBytes(optBlob, o, 0, o.length);
            }
            rc = w.commit();
        } finally {
            w.abort();
        }
        return rc;
    }
}
