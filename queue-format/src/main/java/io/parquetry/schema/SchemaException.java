package io.parquetry.schema;

/**
 * A schema that cannot be used. The message names the source (file and line where known), the field and the bad
 * value, so an operator can fix the file without reading code.
 */
public final class SchemaException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String fieldName;

    public SchemaException(String message) {
        this(message, (String) null);
    }

    SchemaException(String message, String fieldName) {
        super(message);
        this.fieldName = fieldName;
    }

    /** The field at fault, when the error concerns one field. */
    public String fieldName() {
        return fieldName;
    }

    public SchemaException(String message, Throwable cause) {
        super(message, cause);
        this.fieldName = null;
    }
}
