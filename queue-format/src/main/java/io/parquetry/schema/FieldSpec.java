package io.parquetry.schema;

/** A field as a schema declares it, before it has a place in a record. */
public record FieldSpec(String name, FieldType type, boolean nullable, String description) {
}
