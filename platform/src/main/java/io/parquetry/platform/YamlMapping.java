package io.parquetry.platform;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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

/**
 * A YAML mapping (a config file, a schema file, or a section or list item of one) with typed, validated getters. Every
 * error names the file, the line, the key (dotted from the top: {@code rotation.maxAge}) and the value, in one line,
 * and is made by the caller's {@link Errors} so each kind of file keeps its own exception type.
 * {@link #checkNoUnknownKeys()} refuses keys nobody asked for: a typo is an error at start-up, not a silent default.
 */
public final class YamlMapping {

    /** Makes the exception for an error message (and its cause, or null). */
    @FunctionalInterface
    public interface Errors {
        RuntimeException error(String message, Throwable cause);
    }

    private final String source;
    private final String prefix;
    private final Node node;
    private final Errors errors;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> asked = new TreeSet<>();
    /** Every dotted key asked of this mapping and its sections (the reference docs are tested against). */
    private final Set<String> allAsked;
    private String label;

    private YamlMapping(String source, String prefix, Node node, Errors errors, Set<String> allAsked) {
        this.source = source;
        this.prefix = prefix;
        this.node = node;
        this.errors = errors;
        this.allAsked = allAsked;
        if (node != null) {
            if (!(node instanceof MappingNode)) {
                throw errors.error(at(node) + (prefix.isEmpty() ? "the file" : prefix.substring(0, prefix.length() - 1))
                        + " must be a mapping of keys to values", null);
            }
            for (NodeTuple t : ((MappingNode) node).getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode)) {
                    throw errors.error(at(t.getKeyNode()) + "keys must be plain words", null);
                }
                String k = ((ScalarNode) t.getKeyNode()).getValue();
                if (entries.put(k, t) != null) {
                    throw errors.error(at(t.getKeyNode()) + "duplicate key: key=" + prefix + k, null);
                }
            }
        }
    }

    /** Reads and parses a file; a missing or unreadable file is an error naming it. */
    public static YamlMapping load(Path file, Errors errors) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw errors.error(file + ": file does not exist", e);
        } catch (IOException e) {
            throw errors.error(file + ": cannot read file: " + e, e);
        }
        return parse(text, file.toString(), errors);
    }

    /** Parses YAML text; {@code source} names it in errors. An empty document is an empty mapping. */
    public static YamlMapping parse(String text, String source, Errors errors) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark();
            throw errors.error(source + (m == null ? "" : ":" + (m.getLine() + 1)) + ": YAML syntax error: " + e.getProblem(), e);
        } catch (YAMLException e) {
            throw errors.error(source + ": YAML syntax error: " + e.getMessage(), e);
        }
        return new YamlMapping(source, "", root, errors, new TreeSet<>());
    }

    /** An empty mapping: every getter answers its default. */
    public static YamlMapping empty(String source, Errors errors) {
        return new YamlMapping(source, "", null, errors, new TreeSet<>());
    }

    /** Names this mapping in messages (e.g. {@code field 'price'}), instead of its dotted key. */
    public YamlMapping describedAs(String what) {
        this.label = what;
        return this;
    }

    public String source() {
        return source;
    }

    /** True when the document or section is absent or empty. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** Every dotted key asked of this mapping and its sections. */
    public Set<String> allAsked() {
        return Collections.unmodifiableSet(allAsked);
    }

    /** {@code file:line: } of a node (or of this mapping), the start of every message. */
    public String at(Node n) {
        return n == null ? source + ": " : source + ":" + (n.getStartMark().getLine() + 1) + ": ";
    }

    /** {@code file:line: } of a key's value, or of this mapping when the key is absent. */
    public String at(String key) {
        NodeTuple t = entries.get(key);
        return at(t == null ? node : t.getValueNode());
    }

    private String owner() {
        return label == null ? "" : label + ": ";
    }

    /** A key as messages show it: dotted from the top, or as written when the mapping is {@linkplain #describedAs named}. */
    private String keyName(String key) {
        return label == null ? prefix + key : key;
    }

    /** An error about the value of {@code key}: {@code file:line: [label: ]problem: dotted.key=value}. */
    public RuntimeException error(String key, String value, String problem) {
        return errors.error(at(key) + owner() + problem + ": " + keyName(key) + "=" + value, null);
    }

    /** An error about this mapping as a whole: {@code file:line: [label: ]problem}. */
    public RuntimeException error(String problem) {
        return errors.error(at(node) + owner() + problem, null);
    }

    private ScalarNode scalar(String key) {
        asked.add(key);
        allAsked.add(prefix + key);
        NodeTuple t = entries.get(key);
        if (t == null) {
            return null;
        }
        Node v = t.getValueNode();
        if (!(v instanceof ScalarNode)) {
            throw errors.error(at(v) + owner() + "must be a single value: key=" + keyName(key), null);
        }
        ScalarNode s = (ScalarNode) v;
        return s.getValue().isEmpty() || "null".equals(s.getValue()) || "~".equals(s.getValue()) ? null : s;
    }

    public String string(String key, String def) {
        ScalarNode s = scalar(key);
        return s == null ? def : s.getValue();
    }

    public String requiredString(String key) {
        ScalarNode s = scalar(key);
        if (s == null) {
            throw errors.error(at(node) + owner() + "missing key: " + keyName(key), null);
        }
        return s.getValue();
    }

    public long longValue(String key, long def, long min, long max) {
        ScalarNode s = scalar(key);
        if (s == null) {
            return def;
        }
        long v;
        try {
            v = Long.parseLong(s.getValue().replace("_", ""));
        } catch (NumberFormatException e) {
            throw error(key, s.getValue(), "not a whole number");
        }
        if (v < min || v > max) {
            throw error(key, s.getValue(), "out of range " + min + ".." + max);
        }
        return v;
    }

    public boolean bool(String key, boolean def) {
        ScalarNode s = scalar(key);
        if (s == null) {
            return def;
        }
        return switch (s.getValue().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(key, s.getValue(), "must be true or false");
        };
    }

    /**
     * A list of names: a YAML sequence of scalars, or one comma-separated scalar; each must match {@code pattern} and
     * appear once. Absent: the empty list.
     */
    public List<String> nameList(String key, java.util.regex.Pattern pattern, String what) {
        asked.add(key);
        allAsked.add(prefix + key);
        NodeTuple t = entries.get(key);
        if (t == null) {
            return List.of();
        }
        Node v = t.getValueNode();
        List<String> names = new ArrayList<>();
        if (v instanceof ScalarNode s) {
            for (String part : s.getValue().split(",")) {
                if (!part.isBlank()) {
                    names.add(part.trim());
                }
            }
        } else if (v instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode s)) {
                    throw errors.error(at(item) + owner() + "must be a list of names: key=" + keyName(key), null);
                }
                names.add(s.getValue().trim());
            }
        } else {
            throw errors.error(at(v) + owner() + "must be a list of names: key=" + keyName(key), null);
        }
        Set<String> seen = new TreeSet<>();
        for (String name : names) {
            if (!pattern.matcher(name).matches()) {
                throw error(key, name, "not a " + what);
            }
            if (!seen.add(name)) {
                throw error(key, name, "listed twice");
            }
        }
        return List.copyOf(names);
    }

    /** A duration ({@link Units#parseDuration}) of at least {@code min}. */
    public Duration duration(String key, Duration def, Duration min) {
        ScalarNode s = scalar(key);
        if (s == null) {
            return def;
        }
        Duration d;
        try {
            d = Units.parseDuration(s.getValue());
        } catch (IllegalArgumentException e) {
            throw error(key, s.getValue(), problem(e, s.getValue()));
        }
        if (d.compareTo(min) < 0) {
            throw error(key, s.getValue(), "must be at least " + min.toMillis() + "ms");
        }
        return d;
    }

    /** A size in bytes ({@link Units#parseSize}) within {@code min..max}. */
    public long size(String key, long def, long min, long max) {
        ScalarNode s = scalar(key);
        if (s == null) {
            return def;
        }
        long v;
        try {
            v = Units.parseSize(s.getValue());
        } catch (IllegalArgumentException e) {
            throw error(key, s.getValue(), problem(e, s.getValue()));
        }
        if (v < min || v > max) {
            throw error(key, s.getValue(), "out of range " + min + ".." + max + " bytes");
        }
        return v;
    }

    /** A parser's message without the value it ends with (the error names key and value itself). */
    private static String problem(IllegalArgumentException e, String value) {
        String m = e.getMessage();
        return m.endsWith(": " + value) ? m.substring(0, m.length() - value.length() - 2) : m;
    }

    /** A nested mapping (empty when absent). */
    public YamlMapping section(String key) {
        asked.add(key);
        NodeTuple t = entries.get(key);
        return new YamlMapping(source, prefix + key + ".", t == null ? null : t.getValueNode(), errors, allAsked);
    }

    /**
     * A list of mappings, each a {@link YamlMapping} of its own ({@code key[i].} in messages).
     *
     * @return null when the key is absent
     */
    public List<YamlMapping> list(String key) {
        asked.add(key);
        NodeTuple t = entries.get(key);
        if (t == null) {
            return null;
        }
        if (!(t.getValueNode() instanceof SequenceNode seq)) {
            throw errors.error(at(t.getValueNode()) + owner() + "must be a list: key=" + keyName(key), null);
        }
        List<YamlMapping> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            out.add(new YamlMapping(source, prefix + key + "[" + out.size() + "].", item, errors, allAsked));
        }
        return out;
    }

    /** Every key of this mapping, each as a string (for free-form maps such as Hadoop properties). */
    public Map<String, String> asStringMap() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : entries.keySet()) {
            ScalarNode s = scalar(k);
            out.put(k, s == null ? "" : s.getValue());
        }
        return out;
    }

    /** Refuses any key not asked for, naming it and the keys that are known. */
    public void checkNoUnknownKeys() {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!asked.contains(e.getKey())) {
                throw errors.error(at(e.getValue().getKeyNode()) + owner() + "unknown key: key=" + keyName(e.getKey()) + " (known: "
                        + String.join(", ", asked) + ")", null);
            }
        }
    }
}
