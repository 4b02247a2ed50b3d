package io.parquetry.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Parquetry's version: the one the build stamped into {@code version.properties} beside this class (resource filtering
 * of {@code ${project.version}}), so a process run from a jar, from a source tree's classes directory or from a test
 * reports the same version as the jar manifests' {@code Implementation-Version}, the launcher's {@code --version},
 * every Parquet footer and the console's {@code /actuator/info}.
 */
public final class Version {

    private static final String CURRENT = load();

    private Version() {
    }

    /** The version of the jar holding {@code c} ({@code Implementation-Version} of its manifest), or null without one. */
    public static String of(Class<?> c) {
        return c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
    }

    /** The version of Parquetry, e.g. {@code 0.1.0} or {@code 0.2.0-SNAPSHOT}. */
    public static String current() {
        return CURRENT;
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("build is missing a resource: io/parquetry/platform/version.properties");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            if (v.isEmpty() || v.startsWith("${")) {
                throw new IllegalStateException("version.properties was not filtered by the build: version=" + v);
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read io/parquetry/platform/version.properties: " + e, e);
        }
    }
}
