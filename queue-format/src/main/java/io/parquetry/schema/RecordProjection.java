package io.parquetry.schema;

import java.util.Arrays;

/**
 * Rewrites a record of one version of a schema as a record of a later version of it (docs/FORMAT.md §2.1), field by field
 * by {@linkplain Field#id() id}: a field the older version has is copied, widened where the type grew (integers
 * sign-extended, float32 to float64; decimals and bounded texts keep their bytes); a field it lacks takes its
 * {@code default}, or null. The converter writes every record of a file in the file's schema this way. Reusable and
 * allocation-free once made; one thread at a time.
 */
public final class RecordProjection {

    private final Schema from;
    private final Schema to;
    /** Per field of {@code to}: the field of {@code from} with its id, or null. */
    private final Field[] sources;
    private final Field[] targets;

    public RecordProjection(Schema from, Schema to) {
        this.from = from;
        this.to = to;
        this.targets = to.fields().toArray(new Field[0]);
        this.sources = new Field[targets.length];
        for (Field t : targets) {
            Field s = from.fieldById(t.id());
            if (s != null && !s.type().equals(t.type()) && !SchemaEvolution.widens(s.type(), t.type())) {
                throw new IllegalArgumentException("cannot project " + from.identity() + " into " + to.identity() + ": field " + t.name() + " is "
                        + s.type() + " in the one, " + t.type() + " in the other");
            }
            if (s != null && s.nullable() && !t.nullable()) {
                throw new IllegalArgumentException("cannot project " + from.identity() + " into " + to.identity() + ": field " + t.name()
                        + " is nullable in the one, required in the other");
            }
            if (s == null && !t.nullable() && t.defaultValue() == null) {
                throw new IllegalArgumentException("cannot project " + from.identity() + " into " + to.identity() + ": field " + t.name()
                        + " is required, has no default, and the older version lacks it");
            }
            sources[t.index()] = s;
        }
    }

    public Schema from() {
        return from;
    }

    public Schema to() {
        return to;
    }

    /**
     * Writes the record of {@link #from()} at {@code src[srcBase]} as a record of {@link #to()} at {@code dst[dstBase]}
     * ({@code to().maxRecordLength()} bytes of room).
     *
     * @return the new record's length
     */
    public int project(byte[] src, int srcBase, byte[] dst, int dstBase) {
        Arrays.fill(dst, dstBase, dstBase + to.fixedLength(), (byte) 0);
        int valueEnd = to.fixedLength();
        for (Field t : targets) {
            Field s = sources[t.index()];
            boolean isNull;
            if (s == null) {
                FieldDefault d = t.defaultValue();
                isNull = d == null;
                if (!isNull && !t.variable()) {
                    System.arraycopy(d.bytesView(), 0, dst, dstBase + t.offset(), t.length());
                } else if (!isNull) {
                    byte[] v = d.bytesView();
                    System.arraycopy(v, 0, dst, dstBase + valueEnd, v.length);
                    valueEnd += v.length;
                }
            } else {
                isNull = RecordLayout.isNull(src, srcBase, s.nullBit());
                if (!isNull && t.variable()) {
                    int start = RecordLayout.valueStart(src, srcBase, s);
                    int n = RecordLayout.valueEnd(src, srcBase, s) - start;
                    System.arraycopy(src, srcBase + start, dst, dstBase + valueEnd, n);
                    valueEnd += n;
                } else if (!isNull) {
                    copyWidened(src, srcBase + s.offset(), s, dst, dstBase + t.offset(), t);
                }
            }
            if (isNull) {
                RecordLayout.markNull(dst, dstBase, t.nullBit());
            }
            if (t.variable()) {
                RecordLayout.putInt(dst, dstBase + t.offset(), valueEnd);
            }
        }
        return valueEnd;
    }

    private static void copyWidened(byte[] src, int at, Field s, byte[] dst, int to, Field t) {
        switch (t.kind()) {
            case INT16:
            case INT32:
            case INT64: {
                long v = switch (s.kind()) {
                    case INT8 -> src[at];
                    case INT16 -> RecordLayout.getShort(src, at);
                    case INT32 -> RecordLayout.getInt(src, at);
                    default -> RecordLayout.getLong(src, at);
                };
                for (int i = 0; i < t.length(); i++) {
                    dst[to + i] = (byte) (v >>> (8 * i));
                }
                break;
            }
            case FLOAT64:
                if (s.kind() == FieldType.Kind.FLOAT32) {
                    RecordLayout.putDouble(dst, to, Float.intBitsToFloat(RecordLayout.getInt(src, at)));
                } else {
                    System.arraycopy(src, at, dst, to, 8);
                }
                break;
            default: // the same width, or a char(N) grown to char(M): its bytes, zero-padded (dst was cleared)
                System.arraycopy(src, at, dst, to, s.length());
                break;
        }
    }
}
