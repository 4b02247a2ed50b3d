package io.parquetry.iceberg;

import static io.parquetry.iceberg.ConverterIntoIcebergTest.assertTableHoldsEachRecordOnce;
import static io.parquetry.iceberg.TableFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.ConverterChild;
import io.parquetry.status.ConverterState;
import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.status.StatusFile;
import io.parquetry.testing.Await;
import io.parquetry.testing.ChildJvm;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM stops a converter within seconds even when it is blocked in its table: re-reading metadata it cannot read
 * (Iceberg retries that for ~90 s), or connecting to a catalog server that never answers. A converter process, a real
 * signal, the log's lines and the exit code.
 */
@Tag("slow")
class ConverterSigtermTest {

    /** What a service manager may expect: the converter's grace for a blocked call, its stop, the JVM's exit. */
    private static final long STOP_WITHIN_MS = 10_000;

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @AfterEach
    void stopWhatRuns() throws Exception {
        for (Process p : children) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
    }

    private Process converter(String name, String yaml, String... args) throws IOException {
        Path cfg = dir.resolve(name + ".yaml");
        Files.writeString(cfg, "queue: " + dir.resolve("queue") + "\noutput: " + dir.resolve("out") + "\nsource: s1\n" + yaml);
        String[] all = new String[args.length + 1];
        all[0] = cfg.toString();
        System.arraycopy(args, 0, all, 1, args.length);
        Process p = ChildJvm.start(dir.resolve(name + ".log"), "-Xmx384m", ConverterChild.class, all);
        children.add(p);
        return p;
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void sigtermStopsAConverterBlockedReReadingTableMetadataItCannotReadWithinSeconds() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 2000);
        Process conv = converter("converter", "rotation: {maxRows: 1000, maxAge: 500ms}\n" + ConverterIntoIcebergTest.TABLE);
        Path log = dir.resolve("converter.log");
        Path status = dir.resolve("queue/converter-s1/converter.status");
        awaitLog(log, "converter ready", conv, 90);
        awaitFilesCommitted(status, 2, conv);

        // Another writer's commit that a power cut emptied: the catalog points at a metadata file with no bytes.
        Path catalog = dir.resolve("out/all_types/_iceberg/catalog.sqlite");
        String intact;
        String emptied;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalog); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT metadata_location FROM iceberg_tables WHERE table_name = 'all_types'")) {
                assertThat(rs.next()).isTrue();
                intact = rs.getString(1);
            }
            Path empty = Path.of(java.net.URI.create(intact)).resolveSibling("99999-" + UUID.randomUUID() + ".metadata.json");
            Files.createFile(empty);
            emptied = empty.toUri().toString().replace("file:///", "file:/");
            setMetadataLocation(c, emptied);
        }
        recordAllTypes(dir.resolve("queue"), 2000, 3000); // the next commit refreshes the table: Iceberg retries reading it
        awaitLog(log, "Retrying task after failure", conv, 60);

        long start = System.nanoTime();
        conv.destroy(); // SIGTERM
        assertThat(conv.waitFor(STOP_WITHIN_MS, TimeUnit.MILLISECONDS)).as("stopped within %d ms: %s", STOP_WITHIN_MS, Files.readString(log))
                .isTrue();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String text = Files.readString(log);
        assertThat(conv.exitValue()).as(text).isZero();
        assertThat(text).contains("SIGTERM: committing and stopping")
                .containsPattern("SIGTERM: the converter is still appending file:\\S+ to the table iceberg:parquetry/parquetry.all_types"
                        + " \\(sqlite catalog\\) \\d+ ms after it was asked to stop: interrupting it")
                .contains("STOPPED");
        System.out.printf("SIGTERM to a converter blocked re-reading unreadable table metadata: exited 0 after %d ms%n", ms);
        try (StatusFile s = StatusFile.open(status, false)) {
            assertThat(ConverterState.decode(s.snapshot().value(ConverterStatusDescriptor.STATE))).isEqualTo(ConverterState.STOPPED);
        }

        // Restarted on the same table, it stops at once with the table's one line instead of retrying.
        Process again = converter("again", ConverterIntoIcebergTest.TABLE);
        assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(again.exitValue()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("again.log"))).contains("the table's current metadata cannot be read: table="
                + "parquetry/parquetry.all_types, metadata=" + emptied + ": is empty");

        // The way out: the catalog back at the intact metadata; the converter appends what the table lacks.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalog)) {
            setMetadataLocation(c, intact);
        }
        Process last = converter("last", ConverterIntoIcebergTest.TABLE, "--until-idle");
        assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).as(Files.readString(dir.resolve("last.log"))).isZero();
        assertTableHoldsEachRecordOnce(dir, "s1", 3000);
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void sigtermStopsAConverterStartingOnACatalogServerThatNeverAnswersWithinSeconds() throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 1000);
        // A "database server" that accepts connections and never says a word.
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeAfter.add(server);
        List<Socket> accepted = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket s = server.accept();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "silent-server");
        acceptor.setDaemon(true);
        acceptor.start();
        Process conv = converter("converter", "table: {type: iceberg, catalog: jdbc, uri: 'jdbc:postgresql://127.0.0.1:" + server.getLocalPort()
                + "/iceberg'}\n");
        Path log = dir.resolve("converter.log");
        Await.until("the converter connects to the catalog", Duration.ofSeconds(60), () -> {
            synchronized (accepted) {
                if (!accepted.isEmpty()) {
                    return true;
                }
            }
            assertThat(conv.isAlive()).as(Files.readString(log)).isTrue();
            return false;
        });
        Thread.sleep(1000); // well into its wait for an answer

        long start = System.nanoTime();
        conv.destroy(); // SIGTERM
        assertThat(conv.waitFor(STOP_WITHIN_MS, TimeUnit.MILLISECONDS)).as("stopped within %d ms: %s", STOP_WITHIN_MS, Files.readString(log))
                .isTrue();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String text = Files.readString(log);
        assertThat(conv.exitValue()).as(text).isZero();
        assertThat(text).contains("SIGTERM: committing and stopping").contains("SIGTERM: the converter is still opening the table")
                .contains("interrupting it").contains("STOPPED");
        System.out.printf("SIGTERM to a converter connecting to a catalog server that never answers: exited 0 after %d ms%n", ms);
        synchronized (accepted) {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    private static void setMetadataLocation(Connection c, String location) throws Exception {
        try (PreparedStatement st = c.prepareStatement("UPDATE iceberg_tables SET metadata_location = ? WHERE table_name = 'all_types'")) {
            st.setString(1, location);
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
    }

    private static void awaitLog(Path log, String line, Process p, int seconds) {
        Await.until(String.format("timed out waiting for %s in %s", line, log), Duration.ofSeconds(seconds), () -> {
            if (Files.exists(log) && Files.readString(log).contains(line)) {
                return true;
            }
            assertThat(p.isAlive()).as("process died: %s", Files.exists(log) ? Files.readString(log) : "").isTrue();
            return false;
        });
    }

    private static void awaitFilesCommitted(Path status, long files, Process p) {
        try (StatusFile s = StatusFile.open(status, false)) {
            Await.until(String.format("%d files committed", files), Duration.ofSeconds(60), () -> {
                if (s.snapshot().value(ConverterStatusDescriptor.FILES_COMMITTED) >= files) {
                    return true;
                }
                assertThat(p.isAlive()).isTrue();
                return false;
            });
        }
    }
}
