package io.parquetry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/** Every API route, the auth rules, health and Prometheus, over a real recorder and converter. */
@SpringBootTest
@AutoConfigureMockMvc
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LiveFixture fixture;

    static synchronized LiveFixture fixture() {
        if (fixture == null) {
            try {
                fixture = new LiveFixture("test", "1h");
                fixture.append(100);
                fixture.awaitRead(100);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return fixture;
    }

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("parquetry.console.converters[0].id", () -> "md");
        r.add("parquetry.console.converters[0].status-file", () -> fixture().converterStatus().toString());
        r.add("parquetry.console.recorders[0].id", () -> "rec");
        r.add("parquetry.console.recorders[0].status-file", () -> fixture().recorderStatus().toString());
        r.add("parquetry.console.security.username", () -> "operator");
        r.add("parquetry.console.security.password", () -> "s3cret");
        r.add("parquetry.console.lag-warn", () -> "1s");
        r.add("parquetry.console.command-timeout", () -> "20s");
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
        fixture = null;
    }

    @Autowired
    MockMvc mvc;

    private JsonNode json(String url) throws Exception {
        return JSON.readTree(mvc.perform(get(url)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
    }

    /** Polls {@code url} until {@code path} of its JSON holds {@code expected} (the console reads status files live). */
    private JsonNode await(String url, String field, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            JsonNode n = json(url);
            JsonNode v = n.isArray() ? n.get(0).get(field) : n.at(field);
            if (v != null && v.asText().equals(expected)) {
                return n;
            }
            assertThat(System.nanoTime()).as("%s %s = %s, waiting for %s", url, field, v, expected).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private String scrapeUntil(String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String prom = mvc.perform(get("/actuator/prometheus")).andReturn().getResponse().getContentAsString();
            if (prom.contains(line) || System.nanoTime() > deadline) {
                assertThat(prom).contains(line);
                return prom;
            }
            Thread.sleep(100);
        }
    }

    /** Waits until a stopped converter's lag shows {@code n} records, or is a lower bound (a cycle rolled). */
    private JsonNode awaitBacklog(long n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            JsonNode v = json("/api/processes").get(0);
            if (v.get("lagRecords").asLong() == n || v.get("lagQuality").asText().equals("at_least")) {
                return v;
            }
            assertThat(System.nanoTime()).as("lag: %s", v).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    @Order(1)
    void listsProcessesWithTheirStateAndTellsABacklogFromTheFileBeingWritten() throws Exception {
        mvc.perform(get("/api/processes")).andExpect(status().isOk()).andExpect(jsonPath("$", hasSize(2)))
                .andExpect(jsonPath("$[0].id").value("md")).andExpect(jsonPath("$[0].kind").value("converter"))
                .andExpect(jsonPath("$[0].state").value("running")).andExpect(jsonPath("$[0].health").value("up"))
                .andExpect(jsonPath("$[0].alive").value(true)).andExpect(jsonPath("$[0].error").isEmpty())
                .andExpect(jsonPath("$[0].schema", containsString("market_data v1")))
                // The queue's first and only schema version: files are written in it, and it has no change time.
                .andExpect(jsonPath("$[0].schemaVersion").value(1)).andExpect(jsonPath("$[0].queueSchemaVersion").value(1))
                .andExpect(jsonPath("$[0].queueSchemaChangedAtMs").isEmpty())
                .andExpect(jsonPath("$[0].rotations.schema").value(0))
                .andExpect(jsonPath("$[0].version").isNotEmpty())
                .andExpect(jsonPath("$[0].recordsRead").value(100))
                // Read into the file being written (rotation by age, an hour away): not a backlog, not lagging.
                .andExpect(jsonPath("$[0].lagRecords").value(100)).andExpect(jsonPath("$[0].lagQuality").value("exact"))
                .andExpect(jsonPath("$[0].uncommittedRecords").value(100)).andExpect(jsonPath("$[0].unreadRecords").value(0))
                .andExpect(jsonPath("$[0].lagSeconds").value(0.0)).andExpect(jsonPath("$[0].lagging").value(false))
                .andExpect(jsonPath("$[0].appended").doesNotExist())
                .andExpect(jsonPath("$[1].id").value("rec")).andExpect(jsonPath("$[1].kind").value("recorder"))
                .andExpect(jsonPath("$[1].appended").value(100)).andExpect(jsonPath("$[1].alive").value(true))
                .andExpect(jsonPath("$[1].lagRecords").doesNotExist());
    }

    @Test
    @Order(2)
    void unknownIdsAndBadArgumentsAre4xxWithAMessage() throws Exception {
        mvc.perform(get("/api/processes/nope")).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("no watched process with id: id=nope"));
        mvc.perform(get("/api/processes/md").param("commits", "100000")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error", containsString("commits=100000")));
        mvc.perform(get("/api/processes/md").param("commits", "many")).andExpect(status().isBadRequest())
                .andExpect(content().string(not(containsString("at io.parquetry"))));
        mvc.perform(post("/api/converters/rec/flush").with(httpBasic("operator", "s3cret"))).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error", containsString("recorder")));
        mvc.perform(post("/api/converters/md/explode").with(httpBasic("operator", "s3cret"))).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error", containsString("command=explode")));
        mvc.perform(get("/api/processes/" + "x".repeat(100))).andExpect(status().isBadRequest());
    }

    @Test
    @Order(3)
    void controlsNeedAuthenticationAndCsrf() throws Exception {
        // Neither credentials nor a CSRF token: refused by the CSRF check.
        mvc.perform(post("/api/converters/md/flush")).andExpect(status().isForbidden());
        // A CSRF token but no credentials: 401 with a Basic challenge.
        mvc.perform(post("/api/converters/md/flush").with(csrf())).andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", containsString("Basic")));
        mvc.perform(post("/api/converters/md/flush").with(httpBasic("operator", "wrong"))).andExpect(status().isUnauthorized());
        // A browser session without the CSRF token is refused.
        mvc.perform(post("/api/converters/md/flush").with(user("operator").roles("OPERATOR"))).andExpect(status().isForbidden());
        mvc.perform(get("/api/session")).andExpect(jsonPath("$.controlsEnabled").value(true))
                .andExpect(jsonPath("$.authenticated").value(false));
    }

    @Test
    @Order(4)
    void flushCommitsEverythingAppendedAndNamesTheFile() throws Exception {
        fixture().append(50);
        mvc.perform(post("/api/converters/md/flush").with(user("operator").roles("OPERATOR")).with(csrf())).andExpect(status().isOk())
                .andExpect(jsonPath("$.ok").value(true)).andExpect(jsonPath("$.file", endsWith(".parquet")))
                .andExpect(jsonPath("$.message", containsString("flushed: committed")));
        mvc.perform(post("/api/converters/md/rotate").with(httpBasic("operator", "s3cret"))).andExpect(status().isOk())
                .andExpect(jsonPath("$.ok").value(true));
        mvc.perform(get("/api/processes/md")).andExpect(status().isOk())
                .andExpect(jsonPath("$.process.filesCommitted").value(1)).andExpect(jsonPath("$.process.rowsWritten").value(150))
                .andExpect(jsonPath("$.process.lastCommitPartition", matchesPattern("dt=\\d{4}-\\d\\d-\\d\\d/hour=\\d\\d")))
                .andExpect(jsonPath("$.recentCommits", hasSize(1))).andExpect(jsonPath("$.recentCommits[0].rows").value(150))
                .andExpect(jsonPath("$.recentCommits[0].cause").value("command"))
                .andExpect(jsonPath("$.recentCommits[0].partition", matchesPattern("dt=\\d{4}-\\d\\d-\\d\\d/hour=\\d\\d")))
                .andExpect(jsonPath("$.commitLogLinesSkipped").value(0));
        mvc.perform(get("/api/processes/md/history")).andExpect(status().isOk());
    }

    @Test
    @Order(5)
    void aPausedConverterWithABacklogIsLaggingByTimeNotByTheRowsOfItsFile() throws Exception {
        mvc.perform(get("/actuator/health")).andExpect(status().isOk())
                .andExpect(jsonPath("$.components.processes.components.md.status").value("UP"))
                .andExpect(jsonPath("$.components.processes.components.rec.status").value("UP"));
        mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("UP"));
        // Paused (the pause needs the confirmation on the page, not here), then 5000 appended: behind for more than
        // lag-warn (1 s here): LAGGING, still served as 200.
        mvc.perform(post("/api/converters/md/pause").with(httpBasic("operator", "s3cret"))).andExpect(jsonPath("$.ok").value(true));
        fixture().append(5000);
        await("/actuator/health/processes/md", "/status", "LAGGING");
        mvc.perform(get("/actuator/health/processes/md")).andExpect(status().isOk()).andExpect(jsonPath("$.details.unreadRecords").value(5000))
                .andExpect(jsonPath("$.details.uncommittedRecords").value(0)).andExpect(jsonPath("$.details.lagRecords").value(5000));
        mvc.perform(get("/api/processes")).andExpect(jsonPath("$[0].state").value("paused")).andExpect(jsonPath("$[0].health").value("lagging"))
                .andExpect(jsonPath("$[0].lagging").value(true)).andExpect(jsonPath("$[0].paused").value(true))
                .andExpect(jsonPath("$[0].pausedSinceMs", greaterThan(0L))).andExpect(jsonPath("$[0].lagSeconds", greaterThan(1.0)));
        String prom = scrapeUntil("parquetry_converter_lagging{converter=\"md\"} 1.0");
        assertThat(prom).contains("parquetry_converter_paused{converter=\"md\"} 1.0",
                "parquetry_converter_unread_records{converter=\"md\"} 5000.0", "parquetry_converter_state{converter=\"md\",state=\"paused\"} 1.0");
        mvc.perform(post("/api/converters/md/resume").with(httpBasic("operator", "s3cret"))).andExpect(jsonPath("$.ok").value(true));
        await("/api/processes", "health", "up");
    }

    @Test
    @Order(6)
    void prometheusExportsWhatOperatorsAlertOn() throws Exception {
        String prom = mvc.perform(get("/actuator/prometheus")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(prom).contains("parquetry_converter_lag_records{converter=\"md\"}", "parquetry_converter_lag_seconds{converter=\"md\"}",
                "parquetry_converter_rows_written_total{converter=\"md\"} 150.0", "parquetry_converter_files_committed_total{converter=\"md\"} 1.0",
                "parquetry_converter_up{converter=\"md\"} 1.0", "parquetry_converter_retrying{converter=\"md\"} 0.0",
                "parquetry_converter_output_failures{converter=\"md\"} 0.0", "parquetry_converter_heartbeat_age_seconds{converter=\"md\"}",
                "parquetry_converter_last_commit_timestamp_seconds{converter=\"md\"} 1.",
                "parquetry_converter_rotations_total{cause=\"command\",converter=\"md\"} 1.0",
                "parquetry_converter_rotations_total{cause=\"schema\",converter=\"md\"} 0.0",
                "parquetry_converter_schema_version{converter=\"md\"} 1.0", "parquetry_converter_queue_schema_version{converter=\"md\"} 1.0",
                "parquetry_converter_queue_schema_changed_timestamp_seconds{converter=\"md\"} 0.0",
                "parquetry_recorder_appended_total{recorder=\"rec\"} 5150.0", "parquetry_recorder_refused_total{cause=\"disk_guard\",recorder=\"rec\"} 0.0",
                "parquetry_recorder_refused_total{cause=\"too_long\",recorder=\"rec\"} 0.0", "parquetry_recorder_truncated_total{recorder=\"rec\"} 0.0",
                "parquetry_recorder_heartbeat_age_seconds{recorder=\"rec\"}", "parquetry_recorder_last_append_timestamp_seconds{recorder=\"rec\"} 1.");
        Matcher info = Pattern.compile("parquetry_converter_info\\{([^}]*)} 1(\\.0)?\\n").matcher(prom);
        assertThat(info.find()).as(prom).isTrue();
        assertThat(info.group(1)).contains("converter=\"md\"", "schema=\"market_data v1 ", "source=\"test\"").containsPattern("version=\"[^\"]+\"")
                .containsPattern("queue_id=\"[0-9a-f]+\"");
        assertThat(prom).containsPattern("parquetry_recorder_info\\{[^}]*recorder=\"rec\"[^}]*roll_cycle=\"[A-Z_]+\"[^}]*} 1(\\.0)?\\n");
    }

    @Test
    @Order(7)
    void aStoppedConverterIsDownWithItsBacklogCountedFromTheRecordersHeadAndTheConsoleStaysReady() throws Exception {
        fixture().stopConverter();
        mvc.perform(get("/actuator/health/processes/md")).andExpect(status().isServiceUnavailable())
                .andExpect(jsonPath("$.status").value("DOWN"));
        mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk());
        // Readiness is the console's own: a load balancer keeps the console exactly when a converter is down.
        mvc.perform(get("/actuator/health/readiness")).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("UP"));
        mvc.perform(post("/api/converters/md/flush").with(httpBasic("operator", "s3cret"))).andExpect(status().isConflict())
                .andExpect(jsonPath("$.message", containsString("not running")));
        JsonNode stopped = await("/api/processes", "state", "stopped");
        assertThat(stopped.get(0).get("lagRecords").asLong()).as("everything was committed at shutdown").isZero();

        fixture().append(3000); // the converter is down, the queue grows
        JsonNode v = awaitBacklog(3000);
        if (v.get("lagQuality").asText().equals("at_least")) {
            // The queue's cycle rolled (an hour boundary) between the converter's stop and these appends: only the
            // records of the head's cycle can be counted without Chronicle's index. Still never 0.
            assertThat(v.get("lagRecords").asLong()).isPositive();
            assertThat(v.get("lagNote").asText()).contains("later cycle");
            return;
        }
        assertThat(v.get("lagQuality").asText()).isEqualTo("exact");
        assertThat(v.get("lagRecords").asLong()).isEqualTo(3000);
        assertThat(v.get("unreadRecords").asLong()).isEqualTo(3000);
        assertThat(v.get("headSource").asText()).contains("rec");
        assertThat(v.get("lagSeconds").asDouble()).isPositive();
        String prom = scrapeUntil("parquetry_converter_lag_records{converter=\"md\"} 3000.0"); // a scrape reuses views up to 200 ms old
        assertThat(prom).contains("parquetry_converter_up{converter=\"md\"} 0.0",
                "parquetry_converter_state{converter=\"md\",state=\"stopped\"} 1.0");
        mvc.perform(get("/actuator/health/processes/md")).andExpect(jsonPath("$.details.lagRecords").value(3000));
    }

    @Test
    @Order(8)
    void aTornLastLineOfTheCommitLogIsSkippedAndCountedOverHttp() throws Exception {
        // A crash or a full disk in the middle of an append: half a line, no newline, after the real entries.
        Files.writeString(fixture().commitLog(), "1795270000000\tcommand\t300\t4", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        String body = mvc.perform(get("/api/processes/md")).andExpect(status().isOk()).andExpect(jsonPath("$.commitLogLinesSkipped").value(1))
                .andExpect(jsonPath("$.recentCommits", hasSize(2))).andExpect(jsonPath("$.recentCommits[0].cause").value("shutdown"))
                .andExpect(jsonPath("$.recentCommits[1].rows").value(150)).andExpect(jsonPath("$.recentCommits[1].cause").value("command"))
                .andReturn().getResponse().getContentAsString();
        JsonNode n = JSON.readTree(body); // whole JSON, whatever the log held
        assertThat(n.get("recentCommits").get(0).get("file").asText()).endsWith(".parquet");
    }

    @Test
    @Order(9)
    void servesItsOwnAssetsChartsIncluded() throws Exception {
        mvc.perform(get("/")).andExpect(status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.forwardedUrl("index.html"));
        for (String page : new String[] {"/index.html", "/converter.html", "/login.html", "/app.js", "/app.css"}) {
            // Everything the page loads comes from this server: no absolute URLs anywhere in the assets.
            String body = mvc.perform(get(page)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
            assertThat(body).as(page).doesNotContain("http://", "https://", "//cdn");
            // ... and every script and stylesheet a page names is served here.
            Matcher m = Pattern.compile("(?:src|href)=\"(/[^\"?]+\\.(?:js|css))\"").matcher(body);
            while (m.find()) {
                mvc.perform(get(m.group(1))).andExpect(status().isOk());
            }
        }
        mvc.perform(get("/webjars/chart.js/dist/chart.umd.min.js")).andExpect(status().isOk())
                .andExpect(content().string(containsString("Chart.js v4")));
    }
}
