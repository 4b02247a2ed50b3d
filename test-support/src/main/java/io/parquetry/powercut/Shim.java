package io.parquetry.powercut;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Builds the LD_PRELOAD shim from its C source on the test class path, once per JVM, into target/powercut. Without
 * gcc a power-cut test is skipped, saying why; under CI it fails instead, so it never passes by not running.
 */
public final class Shim {

    private static Path library;

    private Shim() {
    }

    public static synchronized Path library() {
        if (library == null) {
            try {
                library = build(Path.of("target", "powercut").toAbsolutePath());
            } catch (IOException e) {
                throw new IllegalStateException("cannot build the power-cut shim", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted building the power-cut shim", e);
            }
        }
        return library;
    }

    private static Path build(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path source = dir.resolve("powercut.c");
        try (InputStream in = Shim.class.getResourceAsStream("/powercut/powercut.c")) {
            if (in == null) {
                throw new IOException("powercut/powercut.c is not on the class path");
            }
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        // Built under a name of its own and renamed: a child still running from an earlier build keeps its copy.
        Path tmp = dir.resolve("libpowercut.so." + ProcessHandle.current().pid());
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O2", "-Wall", "-o", tmp.toString(), source.toString(), "-ldl", "-lpthread")
                    .redirectErrorStream(true).start();
        } catch (IOException noGcc) {
            if (System.getenv("CI") != null) {
                throw new IllegalStateException("CI must have gcc to build the power-cut shim (apt-get install gcc)", noGcc);
            }
            Assumptions.abort("gcc is not installed, so the power-cut shim cannot be built (apt-get install gcc)");
            throw noGcc;
        }
        String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
            throw new IOException("gcc failed on " + source + ":\n" + out);
        }
        Path lib = dir.resolve("libpowercut.so");
        Files.move(tmp, lib, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return lib;
    }
}
