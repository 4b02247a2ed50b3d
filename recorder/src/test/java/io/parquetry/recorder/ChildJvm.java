package io.parquetry.recorder;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Properties;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Starts a test main class in a child JVM with this JVM's class path and Parquetry's JVM flags. */
public final class ChildJvm {

    private ChildJvm() {
    }

    public static List<String> command(String heap, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add(heap);
        cmd.addAll(jvmFlags());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /** The flags from conf/jvm.properties, the single source the launcher and Maven use too. */
    public static List<String> jvmFlags() {
        Path file = Path.of(System.getProperty("parquetry.root", "..")).resolve("conf/jvm.properties");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JVM flags: file=" + file, e);
        }
        List<String> flags = new ArrayList<>(Arrays.asList(p.getProperty("parquetry.jvm.flags").trim().split("\\s+")));
        if (Runtime.version().feature() >= 22) {
            flags.addAll(Arrays.asList(p.getProperty("parquetry.jvm.flags.java22").trim().split("\\s+")));
        }
        return flags;
    }

    public static Process start(Path log, String heap, Class<?> main, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(heap, main, args));
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        return pb.start();
    }

    public static String classPathSeparator() {
        return File.pathSeparator;
    }
}
