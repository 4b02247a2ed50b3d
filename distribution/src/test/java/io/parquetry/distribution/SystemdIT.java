package io.parquetry.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.Datasets;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.status.ConverterControl;
import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.testing.AllTypes;
import io.parquetry.testing.Await;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd units as shipped: they pass {@code systemd-analyze verify}, and each unit's own ExecStart and Environment
 * lines, with /opt/parquetry, /etc/parquetry and /var/lib/parquetry mapped into a test directory, start the service
 * from the unpacked distribution and stop it cleanly with SIGTERM (the converter commits: no loss).
 */
@Tag("slow")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SystemdIT {

    @TempDir
    Path dir;

    /** A unit file with the install paths mapped into the test directory. */
    private String mapped(String unit, String instance) throws Exception {
        String text = Files.readString(Dist.home().resolve("systemd").resolve(unit));
        return text.replace("/opt/parquetry", Dist.home().toString()).replace("/etc/parquetry", dir.resolve("etc").toString())
                .replace("/var/lib/parquetry", dir.resolve("var").toString()).replace("/tmp/parquetry-console", dir.resolve("console-tmp").toString())
                .replace("%i", instance);
    }

    private static String directive(String unit, String key) {
        return unit.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1)).findFirst().orElseThrow();
    }

    private static List<Integer> successExitStatus(String unit) {
        return Arrays.stream(directive(unit, "SuccessExitStatus").trim().split("\\s+")).map(Integer::valueOf).toList();
    }

    private static List<String> environment(String unit) {
        return unit.lines().filter(l -> l.startsWith("Environment=")).map(l -> l.substring("Environment=".length())).toList();
    }

    private Process start(String unit, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(Dist.cleanEnv(environment(unit).toArray(new String[0])));
        cmd.addAll(Arrays.asList(directive(unit, "ExecStart").trim().split("\\s+")));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void everyUnitPassesSystemdAnalyzeVerify() throws Exception {
        Files.createDirectories(dir.resolve("units"));
        Path converter = dir.resolve("units/parquetry-converter@test.service");
        Files.writeString(converter, mapped("parquetry-converter@.service", "%i"));
        Path console = dir.resolve("units/parquetry-console.service");
        Files.writeString(console, mapped("parquetry-console.service", "%i"));
        for (Path unit : List.of(converter, console)) {
            Dist.Result r = Dist.run(List.of("systemd-analyze", "verify", unit.toString()), 60);
            assertThat(r.code()).as("systemd-analyze verify %s: %s", unit.getFileName(), r.out()).isZero();
            assertThat(r.out()).as(unit.getFileName().toString()).doesNotContainIgnoringCase("unknown").doesNotContainIgnoringCase("invalid");
        }
        String text = Files.readString(Dist.home().resolve("systemd/parquetry-converter@.service"));
        assertThat(text).contains("NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/parquetry", "ProtectHome=yes",
                "PrivateDevices=yes", "RestrictAddressFamilies=", "Restart=on-failure", "StartLimitBurst=", "TimeoutStopSec=", "MemoryMax=",
                "User=parquetry", "/etc/parquetry/converter-%i.yaml", "SystemCallFilter=@system-service");
        assertThat(successExitStatus(text)).containsExactly(0, 143);
        String consoleText = Files.readString(Dist.home().resolve("systemd/parquetry-console.service"));
        assertThat(consoleText).contains("SystemCallFilter=@system-service", "IPAddressAllow=localhost", "IPAddressDeny=any",
                "ReadOnlyPaths=/var/lib/parquetry", "ReadWritePaths=/var/lib/parquetry/status").doesNotContain("ReadWritePaths=/var/lib/parquetry\n");
        assertThat(successExitStatus(consoleText)).contains(143);
        // The console's writable directory exists after systemd-tmpfiles.
        assertThat(Files.readString(Dist.home().resolve("systemd/parquetry.tmpfiles.conf"))).contains("d /var/lib/parquetry/status ");
    }

    /**
     * {@code systemd-analyze security --offline} scores each unit's exposure (0 best, 10 worst). These were 3.2 for both
     * units before SystemCallFilter, PrivateMounts, RemoveIPC and (console) IPAddressDeny; the bound keeps them from
     * sliding back.
     */
    @Test
    void everyUnitScoresLowExposureInSystemdAnalyzeSecurity() throws Exception {
        Files.createDirectories(dir.resolve("units"));
        for (String unit : List.of("parquetry-converter@.service", "parquetry-console.service")) {
            Path copy = dir.resolve("units").resolve(unit.replace("@.", "@md."));
            Files.writeString(copy, Files.readString(Dist.home().resolve("systemd").resolve(unit)));
            Dist.Result r = Dist.run(List.of("systemd-analyze", "security", "--offline=true", "--no-pager", copy.toString()), 60);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d)").matcher(r.out());
            assertThat(m.find()).as("systemd-analyze security %s: %s", unit, r.out()).isTrue();
            assertThat(Double.parseDouble(m.group(1))).as("exposure of %s: %s", unit, r.out()).isLessThanOrEqualTo(1.8);
        }
    }

    @Test
    void converterUnitStartsConvertsAndCommitsOnSigterm() throws Exception {
        Path queue = dir.resolve("var/queues/md");
        AllTypes t = new AllTypes();
        int n = 200_000;
        try (Recorder r = Recorder.open(queue, t.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0)); RecordWriter w = r.newWriter()) {
            for (long s = 0; s < n; s++) {
                t.write(w, s);
            }
        }
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/converter-md.yaml"), "queue: " + queue + "\noutput: " + dir.resolve("var/datasets")
                + "\nsource: svc\nrotation: {maxAge: 1h}\nstatusFile: " + dir.resolve("var/status/converter-md.status") + "\n");
        String unit = mapped("parquetry-converter@.service", "md");
        Path log = dir.resolve("converter.log");
        Process p = start(unit, log);
        try {
            // Where the console may write (its unit's only ReadWritePaths): the documented place of converters' status files.
            Path status = dir.resolve("var/status/converter-md.status");
            Await.until(() -> "converter did not read the queue: " + Files.readString(log), Duration.ofSeconds(90), () -> {
                assertThat(p.isAlive()).as("converter exited: %s", Files.exists(log) ? Files.readString(log) : "").isTrue();
                if (Files.exists(status)) {
                    try (ConverterControl c = ConverterControl.open(status)) {
                        return c.snapshot().value(ConverterStatusDescriptor.RECORDS_READ) == n;
                    }
                }
                return false;
            });
            // Nothing is committed yet (max age 1 h): SIGTERM must commit it.
            assertThat(Datasets.files(dir.resolve("var/datasets"), ".parquet")).isEmpty();
            p.destroy();
            assertThat(p.waitFor(Long.parseLong(directive(unit, "TimeoutStopSec")), TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        // The converter's own SIGTERM handling commits and exits 0 (143 is only for a stop during JVM start-up).
        assertThat(p.exitValue()).as(Files.readString(log)).isZero();
        Path dataset = dir.resolve("var/datasets/all_types");
        assertThat(Datasets.files(dataset, ".inprogress")).isEmpty();
        assertThat(Datasets.queryLong("SELECT count(DISTINCT seq) FROM " + Datasets.scan(dataset))).isEqualTo(n);
        // The unit's PARQUETRY_TMPDIR (mapped) is created by the launcher, which points java.io.tmpdir there.
        assertThat(dir.resolve("var/tmp")).isDirectory();
    }

    @Test
    void consoleUnitStartsAndStopsOnSigterm() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve("etc/console.yaml"), "server:\n  port: " + port + "\nparquetry:\n  console:\n    converters:\n"
                + "      - id: md\n        status-file: " + dir.resolve("var/status/none.status") + "\n");
        String unit = mapped("parquetry-console.service", "");
        Path log = dir.resolve("console.log");
        Process p = start(unit, log);
        try {
            Await.until(() -> "console did not come up: " + Files.readString(log), Duration.ofSeconds(90), () -> {
                assertThat(p.isAlive()).as("console exited: %s", Files.exists(log) ? Files.readString(log) : "").isTrue();
                try {
                    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/actuator/health/liveness").toURL()
                            .openConnection();
                    return c.getResponseCode() == 200;
                } catch (java.io.IOException notYet) {
                    return false;
                }
            });
            // The version the build stamped in, as every other process reports it.
            HttpURLConnection info = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/actuator/info").toURL().openConnection();
            assertThat(info.getResponseCode()).isEqualTo(200);
            String body = new String(info.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(body).contains("\"version\":\"" + System.getProperty("parquetry.version") + "\"");
            p.destroy();
            assertThat(p.waitFor(Long.parseLong(directive(unit, "TimeoutStopSec")), TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        List<Integer> ok = new ArrayList<>(successExitStatus(unit));
        ok.add(0);
        assertThat(ok).as(Files.readString(log)).contains(p.exitValue());
    }
}
