package io.parquetry.schema;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads and writes schema YAML, keeping line numbers so every error points at the line at fault. */
final class SchemaYaml {

    private static final Set<String> SCHEMA_KEYS = Set.of("name", "version", "description", "fields");
    private static final Set<String> FIELD_KEYS = Set.of("name", "type", "nullable", "description");

    private SchemaYaml() {
    }

    static Schema load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new SchemaException(file + ": schema file does not exist", e);
        } catch (IOException e) {
            throw new SchemaException(file + ": cannot read schema file: " + e, e);
        }
        return parse(text, file.toString());
    }

    static Schema parse(String yaml, String source) {
        Node root;
        try (Reader r = new StringReader(yaml)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(new SafeConstructor(options)).compose(r);
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark();
            throw new SchemaException(source + (m == null ? "" : ":" + (m.getLine() + 1)) + ": YAML syntax error: " + e.getProblem(), e);
        } catch (YAMLException | IOException e) {
            throw new SchemaException(source + ": YAML syntax error: " + e.getMessage(), e);
        }
        if (root == null) {
            throw new SchemaException(source + ": schema file is empty");
        }
        Map<String, Node> top = mapping(source, root, "schema", SCHEMA_KEYS);
        String name = scalar(source, top, "name", root, true);
        String versionText = scalar(source, top, "version", root, true);
        int version;
        try {
            version = Integer.parseInt(versionText);
        } catch (NumberFormatException e) {
            throw new SchemaException(at(source, top.get("version")) + "schema version must be a positive whole number: version="
                    + versionText);
        }
        String description = scalar(source, top, "description", root, false);
        Node fieldsNode = top.get("fields");
        if (fieldsNode == null) {
            throw new SchemaException(at(source, root) + "schema '" + name + "' has no fields: missing key 'fields'");
        }
        if (!(fieldsNode instanceof SequenceNode)) {
            throw new SchemaException(at(source, fieldsNode) + "'fields' must be a list of fields");
        }
        List<Schema.FieldSpec> specs = new ArrayList<>();
        int position = 0;
        for (Node fn : ((SequenceNode) fieldsNode).getValue()) {
            position++;
            Map<String, Node> f = mapping(source, fn, "field", FIELD_KEYS);
            String fieldName = scalar(source, f, "name", fn, true, "field " + position + " of " + ((SequenceNode) fieldsNode).getValue().size());
            String typeText = scalar(source, f, "type", fn, true, "field '" + fieldName + "'");
            FieldType type;
            try {
                type = FieldType.parse(typeText);
            } catch (IllegalArgumentException e) {
                throw new SchemaException(at(source, f.get("type")) + "field '" + fieldName + "': " + e.getMessage(), e);
            }
            String nullableText = scalar(source, f, "nullable", fn, false);
            boolean nullable = false;
            if (nullableText != null) {
                if (!nullableText.equals("true") && !nullableText.equals("false")) {
                    throw new SchemaException(at(source, f.get("nullable")) + "field '" + fieldName + "': nullable must be true or false: nullable="
                            + nullableText);
                }
                nullable = Boolean.parseBoolean(nullableText);
            }
            specs.add(new Schema.FieldSpec(fieldName, type, nullable, scalar(source, f, "description", fn, false)));
        }
        try {
            return new Schema(source, name, version, description, specs);
        } catch (SchemaException e) {
            // Point at the line of the offending field (the last one of that name, for a duplicate).
            Node at = null;
            for (Node fn : ((SequenceNode) fieldsNode).getValue()) {
                Node n = mapping(source, fn, "field", FIELD_KEYS).get("name");
                if (n instanceof ScalarNode && ((ScalarNode) n).getValue().equals(e.fieldName())) {
                    at = n;
                }
            }
            if (at == null) {
                throw e;
            }
            throw new SchemaException(source + ":" + (at.getStartMark().getLine() + 1) + e.getMessage().substring(source.length()), e);
        }
    }

    private static Map<String, Node> mapping(String source, Node node, String what, Set<String> allowed) {
        if (!(node instanceof MappingNode)) {
            throw new SchemaException(at(source, node) + what + " must be a mapping of keys to values");
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode)) {
                throw new SchemaException(at(source, t.getKeyNode()) + what + " keys must be plain words");
            }
            String key = ((ScalarNode) t.getKeyNode()).getValue();
            if (!allowed.contains(key)) {
                throw new SchemaException(at(source, t.getKeyNode()) + "unknown " + what + " key: key=" + key + " (allowed: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
            if (out.put(key, t.getValueNode()) != null) {
                throw new SchemaException(at(source, t.getKeyNode()) + "duplicate " + what + " key: key=" + key);
            }
        }
        return out;
    }

    private static String scalar(String source, Map<String, Node> map, String key, Node parent, boolean required) {
        return scalar(source, map, key, parent, required, null);
    }

    /** {@code owner} names what the key belongs to in the error, e.g. {@code field 'price'}. */
    private static String scalar(String source, Map<String, Node> map, String key, Node parent, boolean required, String owner) {
        Node n = map.get(key);
        if (n == null) {
            if (required) {
                throw new SchemaException(at(source, parent) + (owner == null ? "" : owner + ": ") + "missing key: " + key);
            }
            return null;
        }
        if (!(n instanceof ScalarNode)) {
            throw new SchemaException(at(source, n) + key + " must be a single value");
        }
        return ((ScalarNode) n).getValue();
    }

    private static String at(String source, Node n) {
        return n == null ? source + ": " : source + ":" + (n.getStartMark().getLine() + 1) + ": ";
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
