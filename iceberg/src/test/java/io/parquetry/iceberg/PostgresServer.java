package io.parquetry.iceberg;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server for tests: initdb into a temporary directory, listening on 127.0.0.1 on a free port
 * (no Unix socket), trust authentication, stopped with {@code pg_ctl -m immediate} and deleted on close. PostgreSQL
 * refuses to run as root, so as root it runs as the unprivileged {@code postgres} user (made by Debian's package), else
 * {@code nobody}, through {@code runuser} (or {@code setpriv}).
 *
 * <p>The binaries are taken from {@code $PARQUETRY_PG_BIN}, else the newest {@code /usr/lib/postgresql/N/bin}
 * (Debian's layout), else the PATH. {@link #unavailableReason()} says why a server cannot be started, for a skip.
 */
final class PostgresServer implements AutoCloseable {

    private final Path bin;
    private final Path base;
    private final Path data;
    private final List<String> asUser;
    private final int port;

    private PostgresServer(Path bin, Path base, List<String> asUser, int port) {
        this.bin = bin;
        this.base = base;
        this.data = base.resolve("data");
        this.asUser = asUser;
        this.port = port;
    }

    static Path binDir() {
        String env = System.getenv("PARQUETRY_PG_BIN");
        if (env != null && Files.isExecutable(Path.of(env, "initdb"))) {
            return Path.of(env);
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> s = Files.list(debian)) {
                Path newest = s.filter(p -> Files.isExecutable(p.resolve("bin/initdb")) && Files.isExecutable(p.resolve("bin/pg_ctl")))
                        .max(Comparator.comparingInt(p -> parseOr(p.getFileName().toString()))).orElse(null);
                if (newest != null) {
                    return newest.resolve("bin");
                }
            } catch (IOException ignored) {
                // fall through to the PATH
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "initdb")) && Files.isExecutable(Path.of(dir, "pg_ctl"))) {
                return Path.of(dir);
            }
        }
        return null;
    }

    private static int parseOr(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String unprivilegedUser() throws IOException, InterruptedException {
        for (String user : new String[] {"postgres", "nobody"}) {
            Process p = new ProcessBuilder("id", "-u", user).redirectErrorStream(true).start();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return user;
            }
        }
        return null;
    }

    private static Path tool(String name) {
        for (String dir : new String[] {"/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name);
            }
        }
        return null;
    }

    /** Null when a server can be started here; otherwise why not. */
    static String unavailableReason() {
        if (binDir() == null) {
            return "no PostgreSQL server binaries (initdb, pg_ctl): install Debian's postgresql package or set PARQUETRY_PG_BIN";
        }
        if (isRoot()) {
            try {
                if (unprivilegedUser() == null) {
                    return "running as root and there is neither a postgres nor a nobody user to run the server as";
                }
            } catch (IOException | InterruptedException e) {
                return "cannot look up an unprivileged user: " + e;
            }
            if (tool("runuser") == null && tool("setpriv") == null) {
                return "running as root and neither runuser nor setpriv is installed (util-linux) to drop privileges";
            }
        }
        return null;
    }

    static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binDir();
        List<String> asUser = new ArrayList<>();
        Path base = Files.createTempDirectory("parquetry-pg");
        if (isRoot()) {
            String user = unprivilegedUser();
            Path runuser = tool("runuser");
            if (runuser != null) {
                asUser.addAll(List.of(runuser.toString(), "-u", user, "--"));
            } else {
                asUser.addAll(List.of(tool("setpriv").toString(), "--reuid=" + user, "--regid=" + user, "--init-groups", "--"));
            }
            // The server's user must reach its directory: traverse the base, own the data directory.
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
            Files.createDirectories(base.resolve("data"));
            run(List.of("chown", "-R", user, base.resolve("data").toString()), base.resolve("chown.log"));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PostgresServer server = new PostgresServer(bin, base, asUser, port);
        try {
            server.initAndStart();
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void initAndStart() throws IOException, InterruptedException {
        Path log = base.resolve("setup.log");
        Path logFile = data.resolve("server.log");
        cmd(log, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "parquetry", "-A", "trust", "-E", "UTF8", "--no-sync",
                "--no-instructions");
        String conf = "\nlisten_addresses = '127.0.0.1'\nport = " + port + "\nunix_socket_directories = ''\nfsync = off\n"
                + "synchronous_commit = off\nfull_page_writes = off\nshared_buffers = 32MB\nmax_connections = 40\n";
        Files.writeString(data.resolve("postgresql.conf"), Files.readString(data.resolve("postgresql.conf")) + conf);
        cmd(log, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", logFile.toString(), "-w", "-t", "60", "start");
    }

    private void cmd(Path log, String... args) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(asUser);
        c.addAll(Arrays.asList(args));
        run(c, log);
    }

    private static void run(List<String> command, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        if (p.exitValue() != 0) {
            throw new IOException("failed (exit " + p.exitValue() + "): " + command + "\n" + Files.readString(log));
        }
    }

    /** A JDBC URL of the server's {@code postgres} database; user {@code parquetry}, no password. */
    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    @Override
    public void close() {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                cmd(base.resolve("stop.log"), bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
            }
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            System.err.println("cannot stop the test PostgreSQL server: " + e);
        }
        try (Stream<Path> s = Files.walk(base)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("cannot delete " + base + ": " + e);
        }
    }
}
