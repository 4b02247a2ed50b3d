package io.parquetry.testing;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Reads the JVM flags from {@code conf/jvm.properties}, the one place they are written down ({@code bin/parquetry} and
 * Maven read the same file). Used by Java code that starts JVMs: the benchmark runner and the tests' child processes.
 */
public final class JvmFlags {

    private JvmFlags() {
    }

    /** The flags for the running Java version, from {@code <root>/conf/jvm.properties}. */
    public static List<String> read(Path root) {
        Path file = root.resolve("conf/jvm.properties");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JVM flags: file=" + file, e);
        }
        String base = p.getProperty("parquetry.jvm.flags");
        if (base == null || base.isBlank()) {
            throw new IllegalStateException("no parquetry.jvm.flags in " + file);
        }
        List<String> flags = new ArrayList<>(Arrays.asList(base.trim().split("\\s+")));
        String later = p.getProperty("parquetry.jvm.flags.java22", "");
        if (Runtime.version().feature() >= 22 && !later.isBlank()) {
            flags.addAll(Arrays.asList(later.trim().split("\\s+")));
        }
        return flags;
    }
}
