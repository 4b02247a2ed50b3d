package io.parquetry.testing;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.schema.Schema;

/**
 * Three compatible versions of one schema, {@code ticks}, and the values a record of each version holds for a seq, so
 * that a test can check every converted row against the version it was written in. v1 → v2: widen {@code px}, rename
 * {@code name} to {@code sym}, widen and make {@code size} nullable, add nullable {@code venue}, add {@code qty} with
 * {@code default: 7}, drop {@code note}. v2 → v3: grow {@code sym}'s bound, widen {@code qty}, add nullable
 * {@code exch}. A seq must stay below {@link #MAX_SEQ} (v1's {@code px} is an int32).
 */
public final class EvolvingTicks {

    /** The largest seq whose v1 values fit their v1 types. */
    public static final long MAX_SEQ = 700_000_000L;
    /** What v2 and v3 add to {@code px}: a value no int32 holds. */
    public static final long PX_HIGH = 1L << 40;
    /** What v3 adds to {@code qty}: a value no int32 holds. */
    public static final long QTY_HIGH = 1L << 33;

    private static final String V1 = """
            name: ticks
            version: 1
            fields:
              - {name: seq, type: int64}
              - {name: px, type: int32}
              - {name: name, type: char(8)}
              - {name: size, type: float32}
              - {name: note, type: int16}
            """;
    private static final String V2 = """
            name: ticks
            version: 2
            fields:
              - {name: seq, type: int64}
              - {name: px, type: int64}
              - {name: sym, type: char(12), was: name}
              - {name: size, type: float64, nullable: true}
              - {name: venue, type: string(16), nullable: true}
              - {name: qty, type: int32, default: 7}
            """;
    private static final String V3 = """
            name: ticks
            version: 3
            fields:
              - {name: seq, type: int64}
              - {name: px, type: int64}
              - {name: sym, type: char(16)}
              - {name: size, type: float64, nullable: true}
              - {name: venue, type: string(16), nullable: true}
              - {name: qty, type: int64, default: 7}
              - {name: exch, type: string(8), nullable: true}
            """;

    private EvolvingTicks() {
    }

    /** Version {@code version} (1, 2 or 3) of the schema. */
    public static Schema schema(int version) {
        return switch (version) {
            case 1 -> Schema.parse(V1, "ticks v1");
            case 2 -> Schema.parse(V2, "ticks v2");
            case 3 -> Schema.parse(V3, "ticks v3");
            default -> throw new IllegalArgumentException("no such version: version=" + version);
        };
    }

    /** Writes the record {@code seq} of {@code s}'s version: begin, the values, commit; returns the commit's result. */
    public static int write(RecordWriter w, Schema s, long seq) {
        if (seq < 0 || seq >= MAX_SEQ) {
            throw new IllegalArgumentException("seq out of range: seq=" + seq);
        }
        w.begin();
        w.setLong(s.field("seq"), seq);
        switch (s.version()) {
            case 1 -> {
                w.setInt(s.field("px"), (int) (seq * 3));
                w.setChars(s.field("name"), "n" + seq % 1_000_000);
                w.setFloat(s.field("size"), seq % 1000 + 0.5f);
                w.setInt(s.field("note"), 1);
            }
            case 2 -> {
                w.setLong(s.field("px"), seq * 3 + PX_HIGH);
                w.setChars(s.field("sym"), "s" + seq);
                if (seq % 2 == 0) {
                    w.setDouble(s.field("size"), seq % 1000 + 0.25);
                }
                w.setString(s.field("venue"), "XNAS");
                w.setInt(s.field("qty"), (int) (seq % 1_000_000));
            }
            default -> {
                w.setLong(s.field("px"), seq * 3 + PX_HIGH);
                w.setChars(s.field("sym"), "t" + seq);
                if (seq % 2 == 0) {
                    w.setDouble(s.field("size"), seq % 1000 + 0.25);
                }
                w.setString(s.field("venue"), "XLON");
                w.setLong(s.field("qty"), seq + QTY_HIGH);
                if (seq % 3 != 0) {
                    w.setString(s.field("exch"), "E" + seq % 10);
                }
            }
        }
        return w.commit();
    }

    /**
     * A SQL condition over the columns of version {@code newest} that holds for the row {@code seq} exactly when it has
     * the values {@link #write} gives a record of {@code version}, projected into {@code newest} (a file's columns are
     * those of the version it was written in, so a reader that matches columns by name, as DuckDB does, checks each file
     * against its own version).
     */
    public static String rowMatches(int version, int newest) {
        if (version > newest) {
            throw new IllegalArgumentException("a record is never written in an older version: version=" + version + ", newest=" + newest);
        }
        if (newest == 1) {
            return "px = seq * 3 AND name = 'n' || (seq % 1000000) AND size = (seq % 1000) + 0.5 AND note = 1";
        }
        String exch = newest < 3 ? "" : version < 3 ? " AND exch IS NULL" : " AND (seq % 3 = 0) = (exch IS NULL) AND (exch = 'E' || (seq % 10)) IS NOT FALSE";
        return switch (version) {
            case 1 -> "px = seq * 3 AND sym = 'n' || (seq % 1000000) AND size = (seq % 1000) + 0.5 AND venue IS NULL AND qty = 7" + exch;
            case 2 -> "px = seq * 3 + " + PX_HIGH + " AND sym = 's' || seq AND " + sizeMatches() + " AND venue = 'XNAS' AND qty = seq % 1000000"
                    + exch;
            case 3 -> "px = seq * 3 + " + PX_HIGH + " AND sym = 't' || seq AND " + sizeMatches() + " AND venue = 'XLON' AND qty = seq + "
                    + QTY_HIGH + exch;
            default -> throw new IllegalArgumentException("no such version: version=" + version);
        };
    }

    /** v2 and v3's size: even seqs have one, odd seqs none. */
    private static String sizeMatches() {
        return "(seq % 2 = 0) = (size IS NOT NULL) AND (size = (seq % 1000) + 0.25) IS NOT FALSE";
    }
}
