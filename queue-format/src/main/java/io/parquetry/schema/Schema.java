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
 * The description of a fixed-layout record: a name, a version and ordered {@link Field}s.
 *
 * <pre>
 *  record layout (little-endian, no padding)
 *  +--------------------------+---------+---------+-----+---------+
 *  | null bitmap (optional)   | field 0 | field 1 | ... | field n |
 *  | ceil(nullable/8) bytes   |         |         |     |         |
 *  +--------------------------+---------+---------+-----+---------+
 *  bit i of the bitmap (LSB first) is 1 when the i-th nullable field, in declaration order, is null.
 * </pre>
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

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    /** Partition columns of the dataset layout, and our own prefix: a field may not shadow them. */
    private static final List<String> RESERVED = List.of("dt", "hour");
    private static final String RESERVED_PREFIX = "__";

    private final String name;
    private final int version;
    private final String description;
    private final List<Field> fields;
    private final Map<String, Field> byName;
    private final int bitmapLength;
    private final int recordLength;
    private final int nullableCount;
    private final String canonical;
    private final long fingerprint;

    /**
     * @param source where the schema came from, for messages (a file name, or a label)
     * @throws SchemaException naming the source, the field and the bad value
     */
    public Schema(String source, String name, int version, String description, List<FieldSpec> specs) {
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
        }
        this.nullableCount = nullable;
        this.bitmapLength = (nullable + 7) / 8;
        StringBuilder sb = new StringBuilder();
        sb.append("schema ").append(name).append(" v").append(version).append(" layout ").append(LAYOUT_VERSION).append('\n');
        for (FieldSpec f : specs) {
            sb.append(f.name()).append(' ').append(f.type()).append(f.nullable() ? " nullable" : "").append('\n');
        }
        this.canonical = sb.toString();
        this.fingerprint = fnv1a64(canonical.getBytes(StandardCharsets.UTF_8));
        String identity = identity(name, version, fingerprint);
        List<Field> list = new ArrayList<>(specs.size());
        Map<String, Field> map = new HashMap<>();
        int offset = bitmapLength;
        int bit = 0;
        for (int i = 0; i < specs.size(); i++) {
            FieldSpec s = specs.get(i);
            Field f = new Field(fingerprint, identity, s.name(), s.type(), s.nullable(), s.description() == null ? "" : s.description(), i, offset,
                    s.nullable() ? bit++ : -1);
            list.add(f);
            map.put(s.name(), f);
            offset += s.type().length();
        }
        this.recordLength = offset;
        this.fields = Collections.unmodifiableList(list);
        this.byName = map;
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

    public int recordLength() {
        return recordLength;
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
