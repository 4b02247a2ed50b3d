package io.parquetry.distribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The built tarball, unpacked once per JVM into a temporary directory. */
final class Dist {

    private static Path home;

    private Dist() {
    }

    static synchronized Path home() throws IOException, InterruptedException {
        if (home == null) {
            Path tarball = Path.of(System.getProperty("parquetry.tarball"));
            if (!Files.exists(tarball)) {
                throw new IllegalStateException("tarball not built: " + tarball + " (run through mvn verify)");
            }
            Path dir = Files.createTempDirectory("parquetry-dist");
            Process p = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", dir.toString()).inheritIO().start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("cannot unpack " + tarball);
            }
            home = dir.resolve("parquetry-" + System.getProperty("parquetry.version"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        }
        return home;
    }

    static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    /** An environment with nothing but a JDK and the basic tools on the PATH. */
    static List<String> cleanEnv(String... extra) {
        List<String> env = new ArrayList<>(List.of("env", "-i", "PATH=" + javaHome().resolve("bin") + ":/usr/bin:/bin", "HOME=/tmp", "LANG=C.UTF-8"));
        env.addAll(List.of(extra));
        return env;
    }

    record Result(int code, String out) {
    }

    static Result run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        return new Result(p.exitValue(), new String(out, java.nio.charset.StandardCharsets.UTF_8));
    }

    static void delete(Path dir) {
        org.apache.commons.io.FileUtils.deleteQuietly(dir.toFile()); // best effort at exit
    }
}
