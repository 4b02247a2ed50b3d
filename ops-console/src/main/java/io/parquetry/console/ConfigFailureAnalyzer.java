package io.parquetry.console;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.config.ConfigDataNotFoundException;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns a configuration the console cannot use into one line naming the file (and line), the key and the value,
 * instead of Spring's report and a stack trace: an unknown key (a typo such as {@code convertres:}), a value of the
 * wrong type, a constraint broken, a {@link ConfigProblem}, a config file that is missing or is not YAML. Printed by
 * {@link OneLineFailureReporter}. Failures that are not about configuration are left to Spring's analyzers.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public final class ConfigFailureAnalyzer implements FailureAnalyzer {

    /** Keys that were renamed, with what to write instead. */
    private static final java.util.Map<String, String> RENAMED = java.util.Map.of("parquetry.console.lag-warn-records",
            "replaced by parquetry.console.lag-warn, a time behind the queue's head such as 60s");

    /** Set by {@link ConsoleApplication#main} to the config file it was given, so a YAML error can name the file. */
    static final String CONFIG_FILE_PROPERTY = "parquetry.console-config-file";

    private final Environment environment;

    /** Spring passes the application's environment, or null when it failed before there was one. */
    public ConfigFailureAnalyzer(Environment environment) {
        this.environment = environment;
    }

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        String line = describe(failure);
        return line == null ? null : new FailureAnalysis("bad configuration: " + line, "", failure);
    }

    /** The one line for a configuration failure, or null when {@code failure} is something else. */
    String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConfigProblem p) {
                return where(origin(p.key())) + p.key() + "=" + p.value() + ": " + p.reason();
            }
            if (t instanceof UnboundConfigurationPropertiesException u) {
                return unknownKeys(u);
            }
            if (t instanceof BindValidationException v) {
                return invalid(v);
            }
            if (t instanceof ConfigDataNotFoundException n) {
                return "config file not found: " + n.getReferenceDescription();
            }
            if (t instanceof MarkedYAMLException y) {
                return yaml(y);
            }
            if (t instanceof BindException b && b.getProperty() != null && !(b.getCause() instanceof BindException)) {
                ConfigurationProperty p = b.getProperty();
                if (hasOwnAnswer(b.getCause())) {
                    continue;
                }
                return where(p.getOrigin()) + p.getName() + "=" + p.getValue() + ": cannot be read as "
                        + b.getTarget().getType().resolve(Object.class).getSimpleName().toLowerCase(Locale.ROOT) + " (" + rootMessage(b) + ")";
            }
        }
        return null;
    }

    private static boolean hasOwnAnswer(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConfigProblem || c instanceof UnboundConfigurationPropertiesException || c instanceof BindValidationException) {
                return true;
            }
        }
        return false;
    }

    private String unknownKeys(UnboundConfigurationPropertiesException u) {
        List<ConfigurationProperty> props = new ArrayList<>(u.getUnboundProperties());
        props.sort(Comparator.comparing(p -> p.getName().toString()));
        ConfigurationProperty first = props.get(0);
        String name = first.getName().toString();
        StringBuilder sb = new StringBuilder(where(first.getOrigin())).append("unknown key ").append(name);
        if (RENAMED.containsKey(name)) {
            sb.append(" (").append(RENAMED.get(name)).append(')');
        }
        if (props.size() > 1) {
            sb.append(", and ").append(props.size() - 1).append(" more:");
            for (ConfigurationProperty p : props.subList(1, props.size())) {
                sb.append(' ').append(p.getName());
            }
        }
        return sb.append(" (the keys are listed in docs/OPERATIONS.md)").toString();
    }

    private String invalid(BindValidationException v) {
        List<String> parts = new ArrayList<>();
        // Spring validates before it looks for unknown keys; a typo often shows as a required key missing: name it first.
        List<ConfigurationProperty> unknown = unknownKeys();
        unknown.sort(Comparator.comparing(p -> p.getName().toString()));
        List<String> typos = new ArrayList<>();
        for (ConfigurationProperty p : unknown) {
            typos.add(where(p.getOrigin()) + "unknown key " + p.getName());
        }
        String prefix = v.getValidationErrors().getName().toString();
        for (ObjectError e : v.getValidationErrors().getAllErrors()) {
            if (e instanceof FieldError f) {
                String key = prefix + "." + kebab(f.getField());
                Origin o = Origin.from(f);
                parts.add(where(o != null ? o : origin(key)) + key + "=" + f.getRejectedValue() + ": " + f.getDefaultMessage());
            } else {
                parts.add(prefix + ": " + e.getDefaultMessage());
            }
        }
        parts.sort(null);
        typos.addAll(parts);
        return String.join("; ", typos);
    }

    /**
     * Keys under {@code parquetry.console} in the config files and arguments that {@link ConsoleProperties} does not
     * have (environment variables and system properties are left out, as Spring leaves them out of its own check).
     */
    private List<ConfigurationProperty> unknownKeys() {
        List<ConfigurationProperty> out = new ArrayList<>();
        if (!(environment instanceof ConfigurableEnvironment env)) {
            return out;
        }
        ConfigurationPropertyName root = ConfigurationPropertyName.of("parquetry.console");
        for (ConfigurationPropertySource s : ConfigurationPropertySources.get(env)) {
            Object under = s.getUnderlyingSource();
            String sourceName = under instanceof org.springframework.core.env.PropertySource<?> ps ? ps.getName() : "";
            if (!(s instanceof IterableConfigurationPropertySource it) || sourceName.equals(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME)
                    || sourceName.equals(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME)) {
                continue;
            }
            it.stream().filter(root::isAncestorOf).filter(n -> !known(n, root.getNumberOfElements(), ConsoleProperties.class))
                    .forEach(n -> out.add(it.getConfigurationProperty(n)));
        }
        return out;
    }

    /** True when elements {@code i..} of {@code n} name a property of record {@code type}. */
    static boolean known(ConfigurationPropertyName n, int i, Class<?> type) {
        if (i >= n.getNumberOfElements()) {
            return true;
        }
        String e = n.getElement(i, ConfigurationPropertyName.Form.DASHED);
        for (RecordComponent c : type.getRecordComponents()) {
            if (!kebab(c.getName()).equals(e)) {
                continue;
            }
            if (List.class.isAssignableFrom(c.getType())) {
                if (i + 1 >= n.getNumberOfElements()) {
                    return true;
                }
                if (!n.isNumericIndex(i + 1)) {
                    return false;
                }
                Class<?> element = (Class<?>) ((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0];
                return element.isRecord() ? known(n, i + 2, element) : i + 2 == n.getNumberOfElements();
            }
            return c.getType().isRecord() ? known(n, i + 1, c.getType()) : i + 1 == n.getNumberOfElements();
        }
        return false;
    }

    /** SnakeYAML's error carries no file name; the one the console was started with is the only file it reads. */
    private static String yaml(MarkedYAMLException y) {
        String file = System.getProperty(CONFIG_FILE_PROPERTY);
        String at = y.getProblemMark() == null ? "" : ":" + (y.getProblemMark().getLine() + 1) + ":" + (y.getProblemMark().getColumn() + 1);
        return (file == null ? "the config file" + at.replaceFirst(":", " line ").replace(":", ", column ") : file + at) + ": not valid YAML: "
                + y.getProblem() + (y.getContext() == null ? "" : " (" + y.getContext() + ")");
    }

    /** {@code converters[0].statusFile} as a key is written: {@code converters[0].status-file}. */
    static String kebab(String field) {
        return field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** Where a key was set: {@code /etc/parquetry/console.yaml:12:7: }, or nothing when unknown. */
    static String where(Origin o) {
        if (o == null) {
            return "";
        }
        while (o instanceof PropertySourceOrigin p && p.getOrigin() != null) {
            o = p.getOrigin();
        }
        if (o instanceof TextResourceOrigin t && t.getResource() != null) {
            String file;
            try {
                file = t.getResource().isFile() ? t.getResource().getFile().getPath() : t.getResource().getDescription();
            } catch (java.io.IOException e) {
                file = t.getResource().getDescription();
            }
            return file + (t.getLocation() == null ? "" : ":" + t.getLocation()) + ": ";
        }
        Matcher m = Pattern.compile("^URL \\[file:(.*)\\] - (\\d+:\\d+)$").matcher(o.toString());
        return m.matches() ? m.group(1) + ":" + m.group(2) + ": " : o + ": ";
    }

    private Origin origin(String key) {
        if (!(environment instanceof ConfigurableEnvironment env) || !ConfigurationPropertyName.isValid(key)) {
            return null;
        }
        ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
        for (ConfigurationPropertySource s : ConfigurationPropertySources.get(env)) {
            ConfigurationProperty p = s.getConfigurationProperty(name);
            if (p != null) {
                return p.getOrigin();
            }
        }
        return null;
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        String m = r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage();
        return m.replace('\n', ' ');
    }
}
