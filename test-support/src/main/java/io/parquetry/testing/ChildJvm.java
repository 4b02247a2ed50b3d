package io.parquetry.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

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
        return io.parquetry.testing.JvmFlags.read(Path.of(System.getProperty("parquetry.root", "..")));
    }

    public static Process start(Path log, String heap, Class<?> main, String... args) throws IOException {
        return start(log, null, heap, main, args);
    }

    /** As {@link #start(Path, String, Class, String...)}, in {@code workDir} (where a crashing JVM writes hs_err files). */
    public static Process start(Path log, Path workDir, String heap, Class<?> main, String... args) throws IOException {
        return start(log, workDir, Map.of(), heap, main, args);
    }

    /**
     * As {@link #start(Path, Path, String, Class, String...)}, with {@code environment} added to this JVM's: for a child
     * that must run with an LD_PRELOAD shim, say.
     */
    public static Process start(Path log, Path workDir, Map<String, String> environment, String heap, Class<?> main, String... args)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(heap, main, args));
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().putAll(environment);
        return pb.start();
    }
}
