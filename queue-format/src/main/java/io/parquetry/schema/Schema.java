package io.parquetry.schema;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The description of a record: a name, a version and ordered {@link Field}s.
 *
 * <pre>
 *  record layout (little-endian, no padding)
 *  +--------------------------+---------+---------+-----+---------+ - - - - - - - - - - - - - - - - - - - - - +
 *  | null bitmap (optional)   | field 0 | field 1 | ... | field n | variable values, in declaration order     |
 *  | ceil(nullable/8) bytes   |         |         |     |         | (only with string(N) / binary(N) fields)  |
 *  +--------------------------+---------+---------+-----+---------+ - - - - - - - - - - - - - - - - - - - - - +
 *  |&lt;------------------- fixed part: fixedLength() -------------&gt;|
 *  bit i of the bitmap (LSB first) is 1 when the i-th nullable field, in declaration order, is null.
 *  a string(N)/binary(N) field's place in the fixed part holds the 4-byte offset where its value ends (RecordLayout).
 * </pre>
 *
 * <p>A schema without {@code string(N)} or {@code binary(N)} fields has records of one length ({@link #recordLength()});
 * one with them has records of {@link #fixedLength()} to {@link #maxRecordLength()} bytes, and record layout version 2
 * ({@link #layoutVersion()}).
 *
 * <p>The {@linkplain #fingerprint() fingerprint} is the 64-bit FNV-1a hash of the {@linkplain #canonicalForm()
 * canonical form}, which holds everything that decides the bytes of a record (name, version, and each field's name,
 * type and nullability) and nothing else: editing a description does not change it.
 */
public final class Schema {

    /**
     * Version of the record layout rules above, part of the canonical form and so of the fingerprint. How records lie in a
     * queue's excerpts (a checksum after each, from layout version 2) is the queue's own layout version (docs/FORMAT.md §3).
     */
    public static final int LAYOUT_VERSION = 1;
    /** Version of the record layout rules for a schema with {@code string(N)} or {@code binary(N)} fields: the variable part. */
    public static final int VARIABLE_LAYOUT_VERSION = 2;
    /**
     * Largest record a schema may describe, all its variable values at their bound: 16 MiB less the 8 bytes that follow it
     * in its excerpt (its schema version and CRC32C, {@code ExcerptFormat.VERSIONED}), because Chronicle Queue takes an
     * excerpt of up to a quarter of its block, 16 MiB of the default 64 MiB. A writer holds a buffer of this size.
     */
    public static final int MAX_RECORD_LENGTH = (16 << 20) - 8;

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    /** Partition columns of the dataset layout, and our own prefix: a field may not shadow them. */
    private static final List<String> RESERVED = List.of("dt", "hour");
    private static final String RESERVED_PREFIX = "__";

    private final String name;
    private final int version;
    private final String description;
    private final List<Field> fields;
    private final Map<String, Field> byName;
    private final Field[] variableFields;
    private final int bitmapLength;
    private final int fixedLength;
    private final int maxRecordLength;
    private final int variableCount;
    private final int nullableCount;
    private final String canonical;
    private final long fingerprint;
    private final List<FieldSpec> specs;
    private final String source;
    private final int firstFieldCount;

    /**
     * @param source where the schema came from, for messages (a file name, or a label)
     * @throws SchemaException naming the source, the field and the bad value
     */
    public Schema(String source, String name, int version, String description, List<FieldSpec> specs) {
        this(source, name, version, description, specs, null, specs.size());
    }

    /**
     * @param ids each field's id ({@link Field#id()}), in declaration order; null numbers them 1..n
     * @param firstFieldCount the number of fields of the queue's first version: ids after it are a table's partition columns
     * @throws SchemaException naming the source, the field and the bad value
     */
    Schema(String source, String name, int version, String description, List<FieldSpec> specs, int[] ids, int firstFieldCount) {
        this.firstFieldCount = firstFieldCount;
        checkName(source, "schema name", name);
        if (version < 1) {
            throw new SchemaException(source + ": schema version must be a positive whole number: version=" + version);
        }
        if (specs.isEmpty()) {
            throw new SchemaException(source + ": schema '" + name + "' has no fields: fields=[]");
        }
        this.name = name;
        this.version = version;
        this.description = description == null ? "" : description;
        int nullable = 0;
        Map<String, FieldSpec> seen = new HashMap<>();
        for (FieldSpec spec : specs) {
            try {
                checkName(source, "field name", spec.name());
            } catch (SchemaException e) {
                throw new SchemaException(e.getMessage(), spec.name());
            }
            String lower = spec.name().toLowerCase(Locale.ROOT);
            if (RESERVED.contains(lower) || lower.startsWith(RESERVED_PREFIX)) {
                throw new SchemaException(source + ": field name is reserved (dt and hour are partition columns; '__' is ours): name="
                        + spec.name(), spec.name());
            }
            FieldSpec previous = seen.putIfAbsent(lower, spec);
            if (previous != null) {
                throw new SchemaException(source + ": duplicate field (names are compared ignoring case, as SQL engines do): name="
                        + spec.name() + " (already declared as " + previous.name() + ")", spec.name());
            }
            if (spec.nullable()) {
                nullable++;
            }
            if (spec.was() != null) {
                try {
                    checkName(source, "field was", spec.was());
                } catch (SchemaException e) {
                    throw new SchemaException(e.getMessage() + " (was: names the field in the previous version)", spec.name());
                }
            }
        }
        Map<String, FieldDefault> defaults = new HashMap<>();
        for (FieldSpec spec : specs) {
            if (spec.defaultValue() != null) {
                try {
                    defaults.put(spec.name(), FieldDefault.parse(spec.type(), spec.defaultValue()));
                } catch (IllegalArgumentException e) {
                    throw new SchemaException(source + ": field '" + spec.name() + "': " + e.getMessage(), spec.name());
                }
            }
        }
        this.nullableCount = nullable;
        this.bitmapLength = (nullable + 7) / 8;
        int variables = 0;
        for (FieldSpec spec : specs) {
            variables += spec.type().variable() ? 1 : 0;
        }
        this.variableCount = variables;
        StringBuilder sb = new StringBuilder();
        sb.append("schema ").append(name).append(" v").append(version).append(" layout ").append(layoutVersion()).append('\n');
        for (FieldSpec f : specs) {
            sb.append(f.name()).append(' ').append(f.type()).append(f.nullable() ? " nullable" : "");
            if (f.was() != null) {
                sb.append(" was ").append(f.was());
            }
            FieldDefault d = defaults.get(f.name());
            if (d != null) {
                sb.append(" default ").append(d.text().replace("\\", "\\\\").replace("\n", "\\n"));
            }
            sb.append('\n');
        }
        this.canonical = sb.toString();
        this.fingerprint = fnv1a64(canonical.getBytes(StandardCharsets.UTF_8));
        String identity = identity(name, version, fingerprint);
        List<Field> list = new ArrayList<>(specs.size());
        Map<String, Field> map = new HashMap<>();
        int fixed = bitmapLength;
        for (FieldSpec spec : specs) {
            fixed += spec.type().length();
        }
        this.fixedLength = fixed;
        int offset = bitmapLength;
        int bit = 0;
        int previousEnd = -1;
        long max = fixed;
        String crossing = null; // the variable field whose bound takes the largest record past MAX_RECORD_LENGTH
        for (int i = 0; i < specs.size(); i++) {
            FieldSpec s = specs.get(i);
            Field f = new Field(fingerprint, identity, s.name(), s.type(), s.nullable(), s.description() == null ? "" : s.description(), i, offset,
                    s.nullable() ? bit++ : -1, s.overflow(), fixed, s.type().variable() ? previousEnd : -1, ids == null ? i + 1 : ids[i], s.was(),
                    defaults.get(s.name()));
            list.add(f);
            map.put(s.name(), f);
            if (s.type().variable()) {
                previousEnd = offset;
                max += s.type().maxLength();
                if (crossing == null && max > MAX_RECORD_LENGTH) {
                    crossing = s.name();
                }
            }
            offset += s.type().length();
        }
        if (max > MAX_RECORD_LENGTH) {
            crossing = crossing != null ? crossing : specs.get(specs.size() - 1).name(); // a fixed part too long on its own
            throw new SchemaException(source + ": the largest record of schema '" + name + "' (every variable value at its bound) is " + max
                    + " bytes, more than " + MAX_RECORD_LENGTH + " (16 MiB with its version and checksum): lower a string(N) or binary(N) bound: field="
                    + crossing
                    + ", maxRecordLength=" + max, crossing);
        }
        this.maxRecordLength = (int) max;
        this.specs = List.copyOf(specs);
        this.source = source;
        this.fields = Collections.unmodifiableList(list);
        this.byName = map;
        this.variableFields = list.stream().filter(Field::variable).toArray(Field[]::new);
    }

    private static void checkName(String source, String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new SchemaException(source + ": " + what + " must be a letter or '_' followed by up to 63 letters, digits or '_': "
                    + what.substring(what.indexOf(' ') + 1) + "=" + value);
        }
    }

    /** Loads a YAML schema file; errors name the file, the line, the field and the value. */
    public static Schema load(Path file) {
        return SchemaYaml.load(file, Schema::declared);
    }

    /** Parses YAML text; {@code source} names it in errors. */
    public static Schema parse(String yaml, String source) {
        return SchemaYaml.parse(yaml, source, Schema::declared);
    }

    private static Schema declared(SchemaYaml.Declared d) {
        return new Schema(d.source(), d.name(), d.version(), d.description(), d.fields());
    }

    /**
     * This schema with field ids {@code ids} (declaration order), as a queue's history numbers them: the same fingerprint,
     * layout and handles' validity.
     */
    public Schema withFieldIds(int[] ids, int firstFieldCount) {
        if (ids.length != specs.size()) {
            throw new IllegalArgumentException("one id per field: fields=" + specs.size() + ", ids=" + ids.length);
        }
        return new Schema(source, name, version, description, specs, ids.clone(), firstFieldCount);
    }

    /**
     * The field id of a table's {@code dt} partition column: after the ids of the queue's first version's fields, which no
     * later field takes ({@link SchemaEvolution#ids}), so a table created from any version numbers it alike.
     */
    public int dtColumnId() {
        return firstFieldCount + 1;
    }

    /** The field id of a table's {@code hour} partition column: {@link #dtColumnId()} + 1. */
    public int hourColumnId() {
        return firstFieldCount + 2;
    }

    /** The field with id {@code id}, or null. */
    public Field fieldById(int id) {
        for (Field f : fields) {
            if (f.id() == id) {
                return f;
            }
        }
        return null;
    }

    /** The field's ids in declaration order. */
    public int[] fieldIds() {
        return fields.stream().mapToInt(Field::id).toArray();
    }

    /** The schema as YAML, with descriptions: {@link #parse} of it gives an equal schema. */
    public String toYaml() {
        return SchemaYaml.write(name, version, description, fields);
    }

    static long fnv1a64(byte[] data) {
        long h = 0xcbf29ce484222325L;
        for (byte b : data) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    public String name() {
        return name;
    }

    public int version() {
        return version;
    }

    public String description() {
        return description;
    }

    public List<Field> fields() {
        return fields;
    }

    /** @throws IllegalArgumentException naming the schema and the unknown field */
    public Field field(String fieldName) {
        Field f = byName.get(fieldName);
        if (f == null) {
            throw new IllegalArgumentException("no such field in schema " + name + ": field=" + fieldName);
        }
        return f;
    }

    /**
     * The length of every record of a schema without variable fields.
     *
     * @throws IllegalStateException for a schema with {@code string(N)} or {@code binary(N)} fields, whose records vary
     */
    public int recordLength() {
        if (variableCount > 0) {
            throw new IllegalStateException("records of schema " + identity() + " vary in length (it has " + variableCount
                    + " string/binary fields): fixedLength=" + fixedLength + ", maxRecordLength=" + maxRecordLength);
        }
        return fixedLength;
    }

    /** Bytes before the variable values: the null bitmap and every field's place; the whole record without variable fields. */
    public int fixedLength() {
        return fixedLength;
    }

    /** The longest record: {@link #fixedLength()} plus every variable field's bound. */
    public int maxRecordLength() {
        return maxRecordLength;
    }

    /** The number of {@code string(N)} and {@code binary(N)} fields. */
    public int variableCount() {
        return variableCount;
    }

    /** The {@code string(N)} and {@code binary(N)} fields in declaration order (a copy). */
    public Field[] variableFields() {
        return variableFields.clone();
    }

    /** True when records vary in length: the schema has {@code string(N)} or {@code binary(N)} fields. */
    public boolean variable() {
        return variableCount > 0;
    }

    /** {@link #LAYOUT_VERSION}, or {@link #VARIABLE_LAYOUT_VERSION} for a schema with variable fields. */
    public int layoutVersion() {
        return variableCount > 0 ? VARIABLE_LAYOUT_VERSION : LAYOUT_VERSION;
    }

    public int bitmapLength() {
        return bitmapLength;
    }

    public int nullableCount() {
        return nullableCount;
    }

    public String canonicalForm() {
        return canonical;
    }

    public long fingerprint() {
        return fingerprint;
    }

    public String fingerprintHex() {
        return String.format("%016x", fingerprint);
    }

    /** {@code name v<version> fingerprint <hex>}: how messages identify a schema. */
    public String identity() {
        return identity(name, version, fingerprint);
    }

    private static String identity(String name, int version, long fingerprint) {
        return name + " v" + version + " fingerprint " + String.format("%016x", fingerprint);
    }

    /** Same layout: equal canonical forms. */
    public boolean sameLayout(Schema other) {
        return canonical.equals(other.canonical);
    }

    @Override
    public String toString() {
        return identity();
    }
}
