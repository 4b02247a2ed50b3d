package io.parquetry.schema;

/**
 * A field as a schema declares it, before it has a place in a record. {@code overflow} matters only for
 * {@code string(N)} and {@code binary(N)}; it is {@link Overflow#REFUSE} when not given.
 */
public record FieldSpec(String name, FieldType type, boolean nullable, String description, Overflow overflow) {

    public FieldSpec {
        overflow = overflow == null ? Overflow.REFUSE : overflow;
    }

    public FieldSpec(String name, FieldType type, boolean nullable, String description) {
        this(name, type, nullable, description, Overflow.REFUSE);
    }
}
