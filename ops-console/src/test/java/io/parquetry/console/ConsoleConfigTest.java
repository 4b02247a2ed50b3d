package io.parquetry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

/** Start-up validation, and the console without credentials. */
class ConsoleConfigTest {

    private static ConfigurableApplicationContext start(String... props) {
        return new SpringApplicationBuilder(ConsoleApplication.class).properties("server.port=0").properties(props).run();
    }

    @Test
    void invalidConfigFailsAtStartNamingKeyAndValue() {
        assertThatThrownBy(() -> start("parquetry.console.converters[0].id=bad id!", "parquetry.console.converters[0].status-file=/x"))
                .hasStackTraceContaining("parquetry.console.converters[0].id").hasStackTraceContaining("bad id!");
        assertThatThrownBy(() -> start("parquetry.console.lag-warn-records=-5")).hasStackTraceContaining("lag-warn-records")
                .hasStackTraceContaining("-5");
        assertThatThrownBy(() -> start("parquetry.console.stale-after=soon")).hasStackTraceContaining("stale-after")
                .hasStackTraceContaining("soon");
        assertThatThrownBy(() -> start("parquetry.console.converters[0].id=a", "parquetry.console.converters[0].status-file=/x",
                "parquetry.console.recorders[0].id=a", "parquetry.console.recorders[0].status-file=/y"))
                .hasStackTraceContaining("duplicate watched id").hasStackTraceContaining("id=a");
    }

    @Test
    void operationsGuideDocumentsEveryConsoleKey() throws Exception {
        java.nio.file.Path doc = java.nio.file.Path.of(System.getProperty("parquetry.root", "..")).resolve("docs/OPERATIONS.md");
        java.util.Set<String> documented = new java.util.TreeSet<>();
        for (String line : java.nio.file.Files.readAllLines(doc)) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\| `(parquetry\\.console\\.[^`]+)` \\|").matcher(line);
            if (m.find()) {
                assertThat(documented.add(m.group(1))).as("documented twice: %s", m.group(1)).isTrue();
            }
        }
        java.util.Set<String> expected = new java.util.TreeSet<>();
        keys("parquetry.console.", ConsoleProperties.class, expected);
        assertThat(documented).isEqualTo(expected);
    }

    /** The relaxed-binding keys of a properties record, lists of records written as {@code name[].}. */
    private static void keys(String prefix, Class<?> type, java.util.Set<String> out) {
        for (java.lang.reflect.RecordComponent c : type.getRecordComponents()) {
            String key = prefix + c.getName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
            if (c.getType().isRecord()) {
                keys(key + ".", c.getType(), out);
            } else if (java.util.List.class.isAssignableFrom(c.getType())) {
                Class<?> element = (Class<?>) ((java.lang.reflect.ParameterizedType) c.getGenericType()).getActualTypeArguments()[0];
                keys(key + "[].", element, out);
            } else {
                out.add(key);
            }
        }
    }

    @Test
    void shippedConfigStartsTheConsole() {
        java.nio.file.Path conf = java.nio.file.Path.of(System.getProperty("parquetry.root", "..")).resolve("conf/console.yaml");
        try (ConfigurableApplicationContext ctx = start("spring.config.additional-location=file:" + conf.toAbsolutePath())) {
            ConsoleProperties p = ctx.getBean(ConsoleProperties.class);
            assertThat(p.converters()).extracting(ConsoleProperties.Watched::id).containsExactly("market-data");
            assertThat(p.recorders()).extracting(ConsoleProperties.Watched::id).containsExactly("market-data-recorder");
            assertThat(p.security().configured()).isFalse();
        }
    }

    @Test
    void recorderRefusingAppendsIsOutOfService(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // A real recorder status file, written with the recorder's own status-file API, saying the disk guard tripped.
        java.nio.file.Path file = dir.resolve("recorder.status");
        io.parquetry.status.StatusFile st = io.parquetry.status.StatusFile.create(file,
                io.parquetry.status.StatusFileDescriptor.KIND_RECORDER, ProcessHandle.current().pid(), System.currentTimeMillis());
        try (io.parquetry.status.StatusFile.Update u = st.update()) {
            u.value(io.parquetry.status.RecorderStatusDescriptor.DISK_GUARD_TRIPPED, 1)
                    .value(io.parquetry.status.RecorderStatusDescriptor.REFUSED_DISK_GUARD, 42);
        }
        st.heartbeat(System.currentTimeMillis());
        try (ConfigurableApplicationContext ctx = start("parquetry.console.recorders[0].id=rec",
                "parquetry.console.recorders[0].status-file=" + file, "parquetry.console.stale-after=1h")) {
            MockMvc mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) ctx)
                    .apply(org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity()).build();
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
            MockMvc mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) ctx)
                    .apply(org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity()).build();
            mvc.perform(get("/api/session")).andExpect(jsonPath("$.controlsEnabled").value(false))
                    .andExpect(jsonPath("$.reason").value(org.hamcrest.Matchers.containsString("no credentials are configured")));
            mvc.perform(post("/api/converters/md/flush").with(SecurityMockMvcRequestPostProcessors.httpBasic("user", "password")))
                    .andExpect(status().isUnauthorized());
            mvc.perform(get("/api/processes")).andExpect(jsonPath("$[0].state").value("missing"));
            assertThat(ctx.getEnvironment().getProperty("server.address")).isEqualTo("127.0.0.1");
        }
    }
}
