package io.parquetry.schema;

import io.parquetry.platform.YamlMapping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Reads and writes schema YAML, keeping line numbers so every error points at the line at fault. */
final class SchemaYaml {

    /** What a schema file declares, before the schema checks it as a whole. */
    record Declared(String source, String name, int version, String description, List<FieldSpec> fields) {
    }

    private SchemaYaml() {
    }

    /** Reads {@code file}; {@code build} makes the schema (its errors are pointed at the line of the field at fault). */
    static <T> T load(Path file, Function<Declared, T> build) {
        return parse(YamlMapping.load(file, SchemaException::new), build);
    }

    static <T> T parse(String yaml, String source, Function<Declared, T> build) {
        return parse(YamlMapping.parse(yaml, source, SchemaException::new), build);
    }

    private static <T> T parse(YamlMapping top, Function<Declared, T> build) {
        String source = top.source();
        if (top.isEmpty()) {
            throw new SchemaException(source + ": schema file is empty");
        }
        String name = top.requiredString("name");
        String versionText = top.requiredString("version");
        int version;
        try {
            version = Integer.parseInt(versionText);
        } catch (NumberFormatException e) {
            throw top.error("version", versionText, "schema version must be a positive whole number");
        }
        String description = top.string("description", null);
        List<YamlMapping> fieldNodes = top.list("fields");
        top.checkNoUnknownKeys();
        if (fieldNodes == null) {
            throw top.error("schema '" + name + "' has no fields: missing key 'fields'");
        }
        List<FieldSpec> specs = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < fieldNodes.size(); i++) {
            YamlMapping f = fieldNodes.get(i).describedAs("field " + (i + 1) + " of " + fieldNodes.size());
            String fieldName = f.requiredString("name");
            f.describedAs("field '" + fieldName + "'");
            String typeText = f.requiredString("type");
            FieldType type;
            try {
                type = FieldType.parse(typeText);
            } catch (IllegalArgumentException e) {
                throw new SchemaException(f.at("type") + "field '" + fieldName + "': " + e.getMessage(), e);
            }
            String nullableText = f.string("nullable", null);
            if (nullableText != null && !nullableText.equals("true") && !nullableText.equals("false")) {
                throw f.error("nullable", nullableText, "nullable must be true or false");
            }
            String fieldDescription = f.string("description", null);
            String overflowText = f.string("overflow", null);
            Overflow overflow = Overflow.REFUSE;
            if (overflowText != null) {
                if (!type.variable()) {
                    throw f.error("overflow", overflowText, "overflow applies to string(N) and binary(N) fields only, not to " + type);
                }
                try {
                    overflow = Overflow.parse(overflowText);
                } catch (IllegalArgumentException e) {
                    throw f.error("overflow", overflowText, "overflow must be refuse or truncate");
                }
            }
            String was = f.string("was", null);
            String defaultText = f.string("default", null);
            f.checkNoUnknownKeys();
            specs.add(new FieldSpec(fieldName, type, Boolean.parseBoolean(nullableText), fieldDescription, overflow, was, defaultText));
            lines.add(f.at("name"));
        }
        try {
            return build.apply(new Declared(source, name, version, description, specs));
        } catch (SchemaException e) {
            // Point at the line of the offending field (the last one of that name, for a duplicate).
            int at = -1;
            for (int i = 0; i < specs.size(); i++) {
                if (specs.get(i).name().equals(e.fieldName())) {
                    at = i;
                }
            }
            if (at < 0) {
                throw e;
            }
            throw new SchemaException(lines.get(at) + e.getMessage().substring(source.length() + 2), e);
        }
    }

    static String write(String name, int version, String description, List<Field> fields) {
        StringBuilder sb = new StringBuilder();
        sb.append("name: ").append(name).append('\n');
        sb.append("version: ").append(version).append('\n');
        if (!description.isEmpty()) {
            sb.append("description: ").append(quote(description)).append('\n');
        }
        sb.append("fields:\n");
        for (Field f : fields) {
            sb.append("  - name: ").append(f.name()).append('\n');
            sb.append("    type: ").append(quote(f.type().toString())).append('\n');
            if (f.nullable()) {
                sb.append("    nullable: true\n");
            }
            if (f.was() != null) {
                sb.append("    was: ").append(f.was()).append('\n');
            }
            if (f.defaultValue() != null) {
                sb.append("    default: ").append(quote(f.defaultValue().text())).append('\n');
            }
            if (f.variable() && f.overflow() != Overflow.REFUSE) {
                sb.append("    overflow: ").append(f.overflow().spelling()).append('\n');
            }
            if (!f.description().isEmpty()) {
                sb.append("    description: ").append(quote(f.description())).append('\n');
            }
        }
        return sb.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
