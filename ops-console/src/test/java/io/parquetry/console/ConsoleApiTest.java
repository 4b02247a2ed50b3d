package io.parquetry.console;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

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
        r.add("parquetry.console.lag-warn-records", () -> "1000");
        r.add("parquetry.console.command-timeout", () -> "20s");
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
        fixture = null;
    }

    @Autowired
    MockMvc mvc;

    @Test
    @Order(1)
    void listsProcessesWithTheirState() throws Exception {
        mvc.perform(get("/api/processes")).andExpect(status().isOk()).andExpect(jsonPath("$", hasSize(2)))
                .andExpect(jsonPath("$[0].id").value("md")).andExpect(jsonPath("$[0].kind").value("converter"))
                .andExpect(jsonPath("$[0].state").value("running")).andExpect(jsonPath("$[0].alive").value(true))
                .andExpect(jsonPath("$[0].schema", containsString("market_data v1")))
                .andExpect(jsonPath("$[0].recordsRead").value(100))
                .andExpect(jsonPath("$[1].id").value("rec")).andExpect(jsonPath("$[1].kind").value("recorder"))
                .andExpect(jsonPath("$[1].appended").value(100)).andExpect(jsonPath("$[1].alive").value(true));
    }

    @Test
    @Order(2)
    void unknownIdsAndBadArgumentsAre4xxWithAMessage() throws Exception {
        mvc.perform(get("/api/processes/nope")).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("no watched process with id: id=nope"));
        mvc.perform(get("/api/processes/md").param("commits", "100000")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error", containsString("commits=100000")));
        mvc.perform(get("/api/processes/md").param("commits", "many")).andExpect(status().isBadRequest())
                .andExpect(content().string(org.hamcrest.Matchers.not(containsString("at io.parquetry"))));
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
                .andExpect(jsonPath("$.recentCommits", hasSize(1))).andExpect(jsonPath("$.recentCommits[0].rows").value(150))
                .andExpect(jsonPath("$.recentCommits[0].cause").value("command"));
        mvc.perform(post("/api/converters/md/pause").with(httpBasic("operator", "s3cret"))).andExpect(jsonPath("$.ok").value(true));
        mvc.perform(get("/api/processes")).andExpect(jsonPath("$[0].state").value("paused"));
        mvc.perform(post("/api/converters/md/resume").with(httpBasic("operator", "s3cret"))).andExpect(jsonPath("$.ok").value(true));
        mvc.perform(get("/api/processes/md/history")).andExpect(status().isOk());
    }

    @Test
    @Order(5)
    void healthHasAnIndicatorPerProcessAndReportsLag() throws Exception {
        mvc.perform(get("/actuator/health")).andExpect(status().isOk())
                .andExpect(jsonPath("$.components.processes.components.md.status").value("UP"))
                .andExpect(jsonPath("$.components.processes.components.rec.status").value("UP"));
        mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("UP"));
        // More than lag-warn-records behind while paused: LAGGING, still served as 200.
        mvc.perform(post("/api/converters/md/pause").with(httpBasic("operator", "s3cret"))).andExpect(jsonPath("$.ok").value(true));
        fixture().append(5000);
        Thread.sleep(400);
        mvc.perform(get("/actuator/health/processes/md")).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("LAGGING"))
                .andExpect(jsonPath("$.details.lagRecords").value(5000));
        mvc.perform(post("/api/converters/md/resume").with(httpBasic("operator", "s3cret"))).andExpect(jsonPath("$.ok").value(true));
    }

    @Test
    @Order(6)
    void prometheusExportsPerProcessMeters() throws Exception {
        mvc.perform(get("/actuator/prometheus")).andExpect(status().isOk())
                .andExpect(content().string(containsString("parquetry_converter_lag_records{converter=\"md\"")))
                .andExpect(content().string(containsString("parquetry_converter_rows_written_total{converter=\"md\"")))
                .andExpect(content().string(containsString("parquetry_converter_files_committed_total{converter=\"md\"")))
                .andExpect(content().string(containsString("parquetry_converter_up{converter=\"md\"} 1.0")))
                .andExpect(content().string(containsString("parquetry_recorder_appended_total{recorder=\"rec\"} 5150.0")))
                .andExpect(content().string(containsString("parquetry_recorder_refused_total{cause=\"disk_guard\",recorder=\"rec\"} 0.0")));
    }

    @Test
    @Order(7)
    void stoppedConverterIsDownButTheConsoleIsAlive() throws Exception {
        fixture().stopConverter();
        mvc.perform(get("/actuator/health/processes/md")).andExpect(status().isServiceUnavailable())
                .andExpect(jsonPath("$.status").value("DOWN"));
        mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk());
        mvc.perform(get("/api/processes")).andExpect(jsonPath("$[0].state").value("stopped"));
        mvc.perform(post("/api/converters/md/flush").with(httpBasic("operator", "s3cret"))).andExpect(status().isConflict())
                .andExpect(jsonPath("$.message", containsString("not running")));
    }

    @Test
    @Order(8)
    void servesItsOwnAssets() throws Exception {
        mvc.perform(get("/")).andExpect(status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.forwardedUrl("index.html"));
        for (String page : new String[] {"/index.html", "/converter.html", "/login.html", "/app.js", "/app.css"}) {
            // Everything the page loads comes from this server: no absolute URLs anywhere in the assets.
            // (The SVG namespace name is an identifier, not a URL the browser fetches.)
            String body = mvc.perform(get(page)).andExpect(status().isOk()).andReturn().getResponse().getContentAsString()
                    .replace("'http://www.w3.org/2000/svg'", "");
            org.assertj.core.api.Assertions.assertThat(body).as(page).doesNotContain("http://", "https://", "//cdn");
        }
        mvc.perform(get("/app.js")).andExpect(status().isOk());
        mvc.perform(get("/login.html")).andExpect(status().isOk());
    }
}
