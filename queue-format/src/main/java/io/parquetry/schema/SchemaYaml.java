package io.parquetry.schema;

import io.parquetry.platform.YamlMapping;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes schema YAML, keeping line numbers so every error points at the line at fault. */
final class SchemaYaml {

    private SchemaYaml() {
    }

    static Schema load(Path file) {
        return parse(YamlMapping.load(file, SchemaException::new));
    }

    static Schema parse(String yaml, String source) {
        return parse(YamlMapping.parse(yaml, source, SchemaException::new));
    }

    private static Schema parse(YamlMapping top) {
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
        List<Schema.FieldSpec> specs = new ArrayList<>();
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
            f.checkNoUnknownKeys();
            specs.add(new Schema.FieldSpec(fieldName, type, Boolean.parseBoolean(nullableText), fieldDescription));
            lines.add(f.at("name"));
        }
        try {
            return new Schema(source, name, version, description, specs);
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

    static String write(Schema s) {
        StringBuilder sb = new StringBuilder();
        sb.append("name: ").append(s.name()).append('\n');
        sb.append("version: ").append(s.version()).append('\n');
        if (!s.description().isEmpty()) {
            sb.append("description: ").append(quote(s.description())).append('\n');
        }
        sb.append("fields:\n");
        for (Field f : s.fields()) {
            sb.append("  - name: ").append(f.name()).append('\n');
            sb.append("    type: ").append(quote(f.type().toString())).append('\n');
            if (f.nullable()) {
                sb.append("    nullable: true\n");
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
