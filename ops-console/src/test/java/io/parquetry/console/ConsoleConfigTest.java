package io.parquetry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors;
import org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/** Start-up validation (one line naming file, key and value), the command line, and the console without credentials. */
@ExtendWith(OutputCaptureExtension.class)
class ConsoleConfigTest {

    @TempDir
    Path dir;

    private static ConfigurableApplicationContext start(String... props) {
        // The port as an argument: it beats a config file's (the shipped one says 8765, which another process may hold).
        return new SpringApplicationBuilder(ConsoleApplication.class).properties(props).run("--server.port=0");
    }

    /** Starts with {@code yaml} as the config file (as bin/parquetry console --config does) and expects it to fail. */
    private String failsWith(CapturedOutput out, String yaml) throws Exception {
        Path file = dir.resolve("console.yaml");
        Files.writeString(file, yaml);
        int before = out.getErr().length();
        assertThatThrownBy(() -> start("spring.config.additional-location=file:" + file)).isNotNull();
        String err = out.getErr().substring(before);
        List<String> lines = err.lines().filter(l -> l.startsWith(OneLineFailureReporter.PREFIX)).toList();
        assertThat(lines).as(err).hasSize(1);
        assertThat(err).as("no stack trace, no framed report").doesNotContain("\tat ").doesNotContain("APPLICATION FAILED TO START");
        return lines.get(0);
    }

    @Test
    void typosAreRefusedNamingTheFileTheLineAndTheKey(CapturedOutput out) throws Exception {
        String line = failsWith(out, "parquetry:\n  console:\n    convertres:\n      - id: md\n        status-file: /x\n    stale-aftr: 5s\n");
        assertThat(line).contains(dir.resolve("console.yaml").toString() + ":4:").contains("unknown key parquetry.console.convertres[0].id")
                .contains("parquetry.console.stale-aftr");
        String typoInAnEntry = failsWith(out, "parquetry:\n  console:\n    converters:\n      - id: md\n        statsu-file: /x\n");
        assertThat(typoInAnEntry).contains("console.yaml:5:").contains("unknown key parquetry.console.converters[0].statsu-file");
    }

    @Test
    void theOldLagKeyNamesItsReplacement(CapturedOutput out) throws Exception {
        assertThat(failsWith(out, "parquetry:\n  console:\n    lag-warn-records: 1000\n")).contains("unknown key parquetry.console.lag-warn-records")
                .contains("replaced by parquetry.console.lag-warn");
    }

    @Test
    void badValuesNameTheKeyAndTheValue(CapturedOutput out) throws Exception {
        assertThat(failsWith(out, "parquetry:\n  console:\n    stale-after: soon\n")).contains("console.yaml:3:18: parquetry.console.stale-after=soon")
                .contains("cannot be read as duration");
        assertThat(failsWith(out, "parquetry:\n  console:\n    lag-warn: -5s\n")).contains("parquetry.console.lag-warn=PT-5S")
                .contains("positive");
        assertThat(failsWith(out, "parquetry:\n  console:\n    converters:\n      - id: bad id!\n        status-file: /x\n"))
                .contains("console.yaml:4:").contains("parquetry.console.converters[0].id=bad id!").contains("letters, digits");
        assertThat(failsWith(out, "parquetry:\n  console:\n    converters:\n      - id: a\n        status-file: /x\n    recorders:\n"
                + "      - id: a\n        status-file: /y\n")).contains("parquetry.console.converters[0].id=a").contains("another watched process");
        assertThat(failsWith(out, "parquetry:\n  console:\n    converters:\n      - id: a\n        status-file: /x\n        recorder: r\n"))
                .contains("console.yaml:6:").contains("parquetry.console.converters[0].recorder=r").contains("names no recorder");
        assertThat(failsWith(out, "parquetry:\n  console:\n    converters: [\n")).contains("line 4, column 1: not valid YAML");
    }

    @Test
    void aPasswordHashWithoutItsEncodingIsOneLineThatDoesNotShowIt(CapturedOutput out) throws Exception {
        String hash = "$2a$10$abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQ";
        String line = failsWith(out, "parquetry:\n  console:\n    security:\n      username: op\n      password-hash: \"" + hash + "\"\n");
        assertThat(line).contains("console.yaml:5:").contains("parquetry.console.security.password-hash").contains("{bcrypt}")
                .doesNotContain(hash);
    }

    @Test
    void optionsParseInAnyOrder() throws Exception {
        Path my = Files.writeString(dir.resolve("my.yaml"), "parquetry: {}\n");
        Path other = Files.writeString(dir.resolve("other.yaml"), "parquetry: {}\n");
        String location = "--spring.config.additional-location=file:" + my.toAbsolutePath();
        assertThat(ConsoleArgs.parse(new String[] {"--server.port=8767", "--config", my.toString()}, other.toString()).springArgs())
                .containsExactly("--server.port=8767", location);
        assertThat(ConsoleArgs.parse(new String[] {"--config=" + my, "--server.port=8767"}, null).springArgs())
                .containsExactly("--server.port=8767", location);
        assertThat(ConsoleArgs.parse(new String[] {"--server.port=8767"}, my.toString()).configFile()).isEqualTo(my.toAbsolutePath());
        assertThat(ConsoleArgs.parse(new String[] {"--server.port=8767", "-h"}, null).help()).isTrue();
        assertThatThrownBy(() -> ConsoleArgs.parse(new String[] {"--config"}, null)).hasMessageContaining("--config needs a file");
        assertThatThrownBy(() -> ConsoleArgs.parse(new String[] {"--config", "--server.port=1"}, null)).hasMessageContaining("needs a file");
        assertThatThrownBy(() -> ConsoleArgs.parse(new String[] {"--config=a", "--config=b"}, null)).hasMessageContaining("given twice");
        assertThatThrownBy(() -> ConsoleArgs.parse(new String[] {"--config", dir.resolve("none.yaml").toString()}, null))
                .hasMessageContaining("config file not found: " + dir.resolve("none.yaml"));
    }

    /** The real entry point in a process of its own: a typo and a bad hash are one line on stderr and exit 2. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theConsoleProcessSaysABadConfigInOneLine() throws Exception {
        Path my = Files.writeString(dir.resolve("my.yaml"), "parquetry:\n  console:\n    convertres: []\n");
        Child typo = child("--server.port=0", "--config", my.toString());
        assertThat(typo.code).as(typo.err).isEqualTo(ConsoleApplication.EXIT_BAD_CONFIG);
        assertThat(typo.err.lines().toList()).as(typo.err).containsExactly(OneLineFailureReporter.PREFIX + "bad configuration: " + my + ":3:17: unknown key"
                + " parquetry.console.convertres (the keys are listed in docs/OPERATIONS.md)");
        assertThat(typo.out + typo.err).doesNotContain("\tat ");

        Path broken = Files.writeString(dir.resolve("broken.yaml"), "parquetry:\n  console:\n    converters: [\n");
        Child yaml = child("--config", broken.toString());
        assertThat(yaml.code).as(yaml.err).isEqualTo(ConsoleApplication.EXIT_BAD_CONFIG);
        assertThat(yaml.err.lines().toList()).as(yaml.err).hasSize(1).allMatch(l -> l.startsWith(OneLineFailureReporter.PREFIX
                + "bad configuration: " + broken + ":4:1: not valid YAML"));

        Child missing = child("--config=" + dir.resolve("none.yaml"), "--server.port=0");
        assertThat(missing.code).isEqualTo(ConsoleApplication.EXIT_BAD_CONFIG);
        assertThat(missing.err.strip()).isEqualTo(OneLineFailureReporter.PREFIX + "config file not found: " + dir.resolve("none.yaml"));
    }

    private record Child(int code, String out, String err) {
    }

    private Child child(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                // the test resources' logback-test.xml logs to stderr: log as the console does in production
                "-Dlogging.config=classpath:io/parquetry/console/child-logback.xml", ConsoleApplication.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("child.out").toFile()).redirectError(dir.resolve("child.err").toFile());
        pb.environment().remove("PARQUETRY_CONSOLE_CONFIG");
        Process p = pb.start();
        if (!p.waitFor(100, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the console did not exit");
        }
        return new Child(p.exitValue(), Files.readString(dir.resolve("child.out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("child.err"), StandardCharsets.UTF_8));
    }

    @Test
    void operationsGuideDocumentsEveryConsoleKey() throws Exception {
        Path doc = Path.of(System.getProperty("parquetry.root", "..")).resolve("docs/OPERATIONS.md");
        Set<String> documented = new TreeSet<>();
        for (String line : Files.readAllLines(doc)) {
            Matcher m = Pattern.compile("^\\| `(parquetry\\.console\\.[^`]+)` \\|").matcher(line);
            if (m.find()) {
                assertThat(documented.add(m.group(1))).as("documented twice: %s", m.group(1)).isTrue();
            }
        }
        Set<String> expected = new TreeSet<>();
        keys("parquetry.console.", ConsoleProperties.class, expected);
        assertThat(documented).isEqualTo(expected);
    }

    /** The relaxed-binding keys of a properties record, lists of records written as {@code name[].}. */
    private static void keys(String prefix, Class<?> type, Set<String> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            String key = prefix + c.getName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            if (c.getType().isRecord()) {
                keys(key + ".", c.getType(), out);
            } else if (List.class.isAssignableFrom(c.getType())) {
                Class<?> element = (Class<?>) ((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0];
                keys(key + "[].", element, out);
            } else {
                out.add(key);
            }
        }
    }

    @Test
    void shippedConfigStartsTheConsole() {
        Path conf = Path.of(System.getProperty("parquetry.root", "..")).resolve("conf/console.yaml");
        try (ConfigurableApplicationContext ctx = start("spring.config.additional-location=file:" + conf.toAbsolutePath())) {
            ConsoleProperties p = ctx.getBean(ConsoleProperties.class);
            assertThat(p.converters()).extracting(ConsoleProperties.Converter::id).containsExactly("market-data");
            assertThat(p.recorders()).extracting(ConsoleProperties.Recorder::id).containsExactly("market-data-recorder");
            assertThat(p.security().configured()).isFalse();
        }
    }

    @Test
    void recorderRefusingAppendsIsOutOfService() throws Exception {
        // A real recorder status file, written with the recorder's own status-file API, saying the disk guard tripped.
        Path file = dir.resolve("recorder.status");
        io.parquetry.status.StatusFile st = io.parquetry.status.StatusFile.create(file,
                io.parquetry.status.StatusFileDescriptor.KIND_RECORDER, ProcessHandle.current().pid(), System.currentTimeMillis());
        try (io.parquetry.status.StatusFile.Update u = st.update()) {
            u.value(io.parquetry.status.RecorderStatusDescriptor.DISK_GUARD_TRIPPED, 1)
                    .value(io.parquetry.status.RecorderStatusDescriptor.REFUSED_DISK_GUARD, 42);
        }
        st.heartbeat(System.currentTimeMillis());
        try (ConfigurableApplicationContext ctx = start("parquetry.console.recorders[0].id=rec",
                "parquetry.console.recorders[0].status-file=" + file, "parquetry.console.stale-after=1h")) {
            MockMvc mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) ctx).apply(SecurityMockMvcConfigurers.springSecurity()).build();
            mvc.perform(get("/actuator/health/processes/rec")).andExpect(status().isServiceUnavailable())
                    .andExpect(jsonPath("$.status").value("OUT_OF_SERVICE")).andExpect(jsonPath("$.details.refusedDiskGuard").value(42));
            mvc.perform(get("/actuator/prometheus")).andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.content()
                    .string(org.hamcrest.Matchers.containsString("parquetry_recorder_disk_guard_tripped{recorder=\"rec\"} 1.0")));
        }
    }

    @Test
    void withoutCredentialsTheControlsAreDisabledAndThePageSaysWhy() throws Exception {
        try (ConfigurableApplicationContext ctx = start("parquetry.console.converters[0].id=md",
                "parquetry.console.converters[0].status-file=/nonexistent/converter.status")) {
            MockMvc mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) ctx).apply(SecurityMockMvcConfigurers.springSecurity()).build();
            mvc.perform(get("/api/session")).andExpect(jsonPath("$.controlsEnabled").value(false))
                    .andExpect(jsonPath("$.reason").value(org.hamcrest.Matchers.containsString("no credentials are configured")));
            mvc.perform(post("/api/converters/md/flush").with(SecurityMockMvcRequestPostProcessors.httpBasic("user", "password")))
                    .andExpect(status().isUnauthorized());
            mvc.perform(get("/api/processes")).andExpect(jsonPath("$[0].state").value("missing"))
                    .andExpect(jsonPath("$[0].lagRecords").doesNotExist());
            assertThat(ctx.getEnvironment().getProperty("server.address")).isEqualTo("127.0.0.1");
        }
    }
}
