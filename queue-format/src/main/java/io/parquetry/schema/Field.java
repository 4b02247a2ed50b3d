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

    Field(long schemaFingerprint, String schemaIdentity, String name, FieldType type, boolean nullable, String description, int index,
            int offset, int nullBit) {
        this.schemaFingerprint = schemaFingerprint;
        this.schemaIdentity = schemaIdentity;
        this.name = name;
        this.type = type;
        this.nullable = nullable;
        this.description = description;
        this.index = index;
        this.offset = offset;
        this.nullBit = nullBit;
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

    /** Byte offset of the value from the start of the record. */
    public int offset() {
        return offset;
    }

    /** Bytes the value occupies. */
    public int length() {
        return type.length();
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
