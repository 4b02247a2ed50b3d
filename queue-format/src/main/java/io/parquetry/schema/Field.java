package io.parquetry.schema;

/**
 * One field of a {@link Schema}, resolved to its place in the record: this object is the pre-resolved handle that
 * writers and readers take on the hot path, so they never look a name up. A handle is valid with any schema of the
 * same fingerprint (the same layout); writers and readers refuse one of another.
 */
public final class Field {

    private final long schemaFingerprint;
    private final String schemaIdentity;
    private final String name;
    private final FieldType type;
    private final boolean nullable;
    private final String description;
    private final int index;
    private final int offset;
    private final int nullBit;
    private final long decimalBound;
    private final Overflow overflow;
    /** For a variable field: where its value starts when it is the first one, the schema's fixed length. */
    private final int variableStart;
    /** For a variable field: the end slot of the variable field before it, or -1 for the first. */
    private final int previousEndSlot;
    private final int id;
    private final String was;
    private final FieldDefault defaultValue;

    Field(long schemaFingerprint, String schemaIdentity, String name, FieldType type, boolean nullable, String description, int index,
            int offset, int nullBit, Overflow overflow, int variableStart, int previousEndSlot, int id, String was, FieldDefault defaultValue) {
        this.id = id;
        this.was = was;
        this.defaultValue = defaultValue;
        this.schemaFingerprint = schemaFingerprint;
        this.schemaIdentity = schemaIdentity;
        this.name = name;
        this.type = type;
        this.nullable = nullable;
        this.description = description;
        this.index = index;
        this.offset = offset;
        this.nullBit = nullBit;
        this.overflow = overflow;
        this.variableStart = variableStart;
        this.previousEndSlot = previousEndSlot;
        long bound = 1;
        for (int i = 0; i < type.precision(); i++) {
            bound *= 10;
        }
        this.decimalBound = type.kind() == FieldType.Kind.DECIMAL ? bound : Long.MAX_VALUE;
    }

    /** The fingerprint of the schema that made this handle: a writer or reader of another refuses it. */
    public long schemaFingerprint() {
        return schemaFingerprint;
    }

    /** The identity of the schema that made this handle, for messages. */
    public String schemaIdentity() {
        return schemaIdentity;
    }

    public String name() {
        return name;
    }

    public FieldType type() {
        return type;
    }

    public FieldType.Kind kind() {
        return type.kind();
    }

    public boolean nullable() {
        return nullable;
    }

    public String description() {
        return description;
    }

    /** Position in declaration order, from 0. */
    public int index() {
        return index;
    }

    /**
     * Byte offset from the start of the record of the value, or for {@code string(N)} and {@code binary(N)} of its end
     * slot (the offset, from the record's start, just past its value: {@link RecordLayout#valueEnd}).
     */
    public int offset() {
        return offset;
    }

    /** Bytes the field occupies in the record's fixed part ({@link FieldType#length()}). */
    public int length() {
        return type.length();
    }

    /** True for {@code string(N)} and {@code binary(N)}: the value lies after the record's fixed part. */
    public boolean variable() {
        return type.variable();
    }

    /** The largest value in bytes ({@link FieldType#maxLength()}). */
    public int maxLength() {
        return type.maxLength();
    }

    /** What a writer does with a value longer than {@link #maxLength()} (variable fields). */
    public Overflow overflow() {
        return overflow;
    }

    /** For a variable field, where its value starts when no variable field precedes it: the schema's fixed length. */
    public int variableStart() {
        return variableStart;
    }

    /** For a variable field, the end slot offset of the variable field declared before it, or -1 when it is the first. */
    public int previousEndSlot() {
        return previousEndSlot;
    }

    /**
     * The field's id: the same in every version of the schema in one queue, whatever its name (docs/FORMAT.md §2.1), and the
     * Parquet field id of its column. A schema read on its own numbers its fields 1..n in declaration order.
     */
    public int id() {
        return id;
    }

    /** The field's name in the schema's previous version, when this version renamed it ({@code was:}); else null. */
    public String was() {
        return was;
    }

    /** The declared default ({@code default:}), or null: what records of versions without this field read as. */
    public FieldDefault defaultValue() {
        return defaultValue;
    }

    /** Bit of the null bitmap that marks this field null (1 = null), or -1 when the field is not nullable. */
    public int nullBit() {
        return nullBit;
    }

    /** For a decimal, 10^precision: an unscaled value must lie strictly between its negation and it. */
    public long decimalBound() {
        return decimalBound;
    }

    @Override
    public String toString() {
        return name + " " + type + (nullable ? " nullable" : "");
    }
}
