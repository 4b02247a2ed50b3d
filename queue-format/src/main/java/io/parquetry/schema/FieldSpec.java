package io.parquetry.schema;

/**
 * A field as a schema declares it, before it has a place in a record. {@code overflow} matters only for
 * {@code string(N)} and {@code binary(N)}; it is {@link Overflow#REFUSE} when not given. {@code was} names the field in
 * the schema's previous version when it was renamed, and {@code defaultValue} is the value records written before the
 * field existed take (both null when not declared; docs/FORMAT.md §2.1).
 */
public record FieldSpec(String name, FieldType type, boolean nullable, String description, Overflow overflow, String was, String defaultValue) {

    public FieldSpec {
        overflow = overflow == null ? Overflow.REFUSE : overflow;
    }

    public FieldSpec(String name, FieldType type, boolean nullable, String description, Overflow overflow) {
        this(name, type, nullable, description, overflow, null, null);
    }

    public FieldSpec(String name, FieldType type, boolean nullable, String description) {
        this(name, type, nullable, description, Overflow.REFUSE);
    }
}
