package io.parquetry.converter;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * A YAML mapping with typed, validated getters. Every error names the source, the line, the dotted key and the value;
 * {@link #checkNoUnknownKeys()} refuses keys nobody asked for (a typo is an error at start-up, not a silent default).
 */
final class YamlConfig {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");

    private final String source;
    private final String prefix;
    private final Node node;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> asked = new TreeSet<>();
    /** Every dotted key asked of this config and its sections (the reference the docs are tested against). */
    private final Set<String> allAsked;

    private YamlConfig(String source, String prefix, Node node) {
        this(source, prefix, node, new TreeSet<>());
    }

    private YamlConfig(String source, String prefix, Node node, Set<String> allAsked) {
        this.allAsked = allAsked;
        this.source = source;
        this.prefix = prefix;
        this.node = node;
        if (node != null) {
            if (!(node instanceof MappingNode)) {
                throw new ConfigException(at(node) + (prefix.isEmpty() ? "config" : prefix.substring(0, prefix.length() - 1))
                        + " must be a mapping of keys to values");
            }
            for (NodeTuple t : ((MappingNode) node).getValue()) {
                String k = t.getKeyNode() instanceof ScalarNode ? ((ScalarNode) t.getKeyNode()).getValue() : "?";
                if (entries.put(k, t) != null) {
                    throw new ConfigException(at(t.getKeyNode()) + "duplicate key: key=" + prefix + k);
                }
            }
        }
    }

    static YamlConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": config file does not exist");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read config file: " + e, e);
        }
        return parse(text, file.toString());
    }

    static YamlConfig parse(String text, String source) {
        Node root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark();
            throw new ConfigException(source + (m == null ? "" : ":" + (m.getLine() + 1)) + ": YAML syntax error: " + e.getProblem(), e);
        } catch (YAMLException e) {
            throw new ConfigException(source + ": YAML syntax error: " + e.getMessage(), e);
        }
        return new YamlConfig(source, "", root);
    }

    /** An empty config (every getter answers its default). */
    static YamlConfig empty(String source) {
        return new YamlConfig(source, "", null);
    }

    String source() {
        return source;
    }

    private String at(Node n) {
        return n == null ? source + ": " : source + ":" + (n.getStartMark().getLine() + 1) + ": ";
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
            throw new ConfigException(at(v) + "must be a single value: key=" + prefix + key);
        }
        ScalarNode s = (ScalarNode) v;
        return s.getValue().isEmpty() || "null".equals(s.getValue()) || "~".equals(s.getValue()) ? null : s;
    }

    ConfigException error(String key, String value, String problem) {
        NodeTuple t = entries.get(key);
        return new ConfigException(at(t == null ? node : t.getValueNode()) + problem + ": " + prefix + key + "=" + value);
    }

    YamlConfig section(String key) {
        asked.add(key);
        NodeTuple t = entries.get(key);
        return new YamlConfig(source, prefix + key + ".", t == null ? null : t.getValueNode(), allAsked);
    }

    Set<String> allAsked() {
        return allAsked;
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    String string(String key, String def) {
        ScalarNode s = scalar(key);
        return s == null ? def : s.getValue();
    }

    String requiredString(String key) {
        ScalarNode s = scalar(key);
        if (s == null) {
            throw new ConfigException(at(node) + "missing required key: " + prefix + key);
        }
        return s.getValue();
    }

    long longValue(String key, long def, long min, long max) {
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

    boolean bool(String key, boolean def) {
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
    java.util.List<String> nameList(String key, Pattern pattern, String what) {
        asked.add(key);
        allAsked.add(prefix + key);
        NodeTuple t = entries.get(key);
        if (t == null) {
            return java.util.List.of();
        }
        Node v = t.getValueNode();
        java.util.List<String> names = new java.util.ArrayList<>();
        if (v instanceof ScalarNode s) {
            for (String part : s.getValue().split(",")) {
                if (!part.isBlank()) {
                    names.add(part.trim());
                }
            }
        } else if (v instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode s)) {
                    throw new ConfigException(at(item) + "must be a list of names: key=" + prefix + key);
                }
                names.add(s.getValue().trim());
            }
        } else {
            throw new ConfigException(at(v) + "must be a list of names: key=" + prefix + key);
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
        return java.util.List.copyOf(names);
    }

    /** A duration such as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 7d}. */
    Duration duration(String key, Duration def, Duration min) {
        ScalarNode s = scalar(key);
        if (s == null) {
            return def;
        }
        Duration d = parseDuration(s.getValue());
        if (d == null) {
            throw error(key, s.getValue(), "not a duration (use e.g. 500ms, 30s, 5m, 1h, 7d)");
        }
        if (d.compareTo(min) < 0) {
            throw error(key, s.getValue(), "must be at least " + min.toMillis() + "ms");
        }
        return d;
    }

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** A size such as {@code 134217728}, {@code 128MiB}, {@code 512KB} (K, M, G are powers of 1024). */
    long size(String key, long def, long min, long max) {
        ScalarNode s = scalar(key);
        if (s == null) {
            return def;
        }
        Long v = parseSize(s.getValue());
        if (v == null) {
            throw error(key, s.getValue(), "not a size (use e.g. 1048576, 512KiB, 128MiB, 1GiB)");
        }
        if (v < min || v > max) {
            throw error(key, s.getValue(), "out of range " + min + ".." + max + " bytes");
        }
        return v;
    }

    static Long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT).replace("_", ""));
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        return switch (unit.charAt(0)) {
            case 'k' -> n << 10;
            case 'm' -> n << 20;
            case 'g' -> n << 30;
            default -> n;
        };
    }

    /** Every key of this mapping, each as a string (for free-form maps such as Hadoop properties). */
    Map<String, String> asStringMap() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : entries.keySet()) {
            ScalarNode s = scalar(k);
            out.put(k, s == null ? "" : s.getValue());
        }
        return out;
    }

    void checkNoUnknownKeys() {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!asked.contains(e.getKey())) {
                throw new ConfigException(at(e.getValue().getKeyNode()) + "unknown key: key=" + prefix + e.getKey() + " (known: "
                        + String.join(", ", asked) + ")");
            }
        }
    }
}
