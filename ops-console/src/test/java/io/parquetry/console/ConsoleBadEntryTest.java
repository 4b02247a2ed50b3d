package io.parquetry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.parquetry.status.ConverterState;
import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.status.RecorderStatusDescriptor;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusFileDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
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

/**
 * One bad entry is that process's problem only: a converter entry pointing at a recorder's status file, a recorder
 * entry pointing at a file that is not a status file, and a converter whose file is missing each get their own error
 * and {@code up 0}, while the good ones are listed, checked, exported and controlled as usual, and the log says each
 * problem once, without a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConsoleBadEntryTest {

    @TempDir
    Path dir;

    @Test
    void oneBadEntryIsOneErrorCardAndUpZeroNothingMore(CapturedOutput out) throws Exception {
        long now = System.currentTimeMillis();
        long pid = ProcessHandle.current().pid();
        StatusFile good = StatusFile.create(dir.resolve("good.status"), StatusFileDescriptor.KIND_CONVERTER, pid, now);
        try (StatusFile.Update u = good.update()) {
            u.value(ConverterStatusDescriptor.STATE, ConverterState.RUNNING.ordinal()).value(ConverterStatusDescriptor.ROWS_WRITTEN, 42)
                    .value(ConverterStatusDescriptor.CAUGHT_UP_MS, now).text(ConverterStatusDescriptor.TEXT_SCHEMA, "market_data v1 x");
        }
        good.heartbeat(now);
        StatusFile rec = StatusFile.create(dir.resolve("recorder.status"), StatusFileDescriptor.KIND_RECORDER, pid, now);
        try (StatusFile.Update u = rec.update()) {
            u.value(RecorderStatusDescriptor.APPENDED, 7);
        }
        rec.heartbeat(now);
        Files.write(dir.resolve("garbage.status"), new byte[8192]);

        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(ConsoleApplication.class).properties(
                "parquetry.console.converters[0].id=bad", "parquetry.console.converters[0].status-file=" + dir.resolve("recorder.status"),
                "parquetry.console.converters[1].id=good", "parquetry.console.converters[1].status-file=" + dir.resolve("good.status"),
                "parquetry.console.converters[2].id=gone", "parquetry.console.converters[2].status-file=" + dir.resolve("gone.status"),
                "parquetry.console.recorders[0].id=rec", "parquetry.console.recorders[0].status-file=" + dir.resolve("recorder.status"),
                "parquetry.console.recorders[1].id=garbage", "parquetry.console.recorders[1].status-file=" + dir.resolve("garbage.status"),
                "parquetry.console.security.username=op", "parquetry.console.security.password=pw", "parquetry.console.stale-after=1h",
                "parquetry.console.sample-interval=200ms").run("--server.port=0")) {
            MockMvc mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) ctx).apply(SecurityMockMvcConfigurers.springSecurity()).build();
            Thread.sleep(1_500); // several samples of every entry

            mvc.perform(get("/api/processes")).andExpect(status().isOk())
                    .andExpect(jsonPath("$[0].id").value("bad")).andExpect(jsonPath("$[0].state").value("error"))
                    .andExpect(jsonPath("$[0].alive").value(false)).andExpect(jsonPath("$[0].error", containsString("another kind's")))
                    .andExpect(jsonPath("$[0].lagRecords").doesNotExist())
                    .andExpect(jsonPath("$[1].id").value("good")).andExpect(jsonPath("$[1].state").value("running"))
                    .andExpect(jsonPath("$[1].rowsWritten").value(42))
                    .andExpect(jsonPath("$[2].id").value("gone")).andExpect(jsonPath("$[2].state").value("missing"))
                    .andExpect(jsonPath("$[3].id").value("rec")).andExpect(jsonPath("$[3].appended").value(7))
                    .andExpect(jsonPath("$[4].id").value("garbage")).andExpect(jsonPath("$[4].state").value("error"))
                    .andExpect(jsonPath("$[4].error", containsString("not a Parquetry status file")));
            mvc.perform(get("/api/processes/bad")).andExpect(status().isOk()).andExpect(jsonPath("$.process.state").value("error"))
                    .andExpect(jsonPath("$.recentCommits").isEmpty());
            mvc.perform(get("/api/processes/bad/history")).andExpect(status().isOk());
            mvc.perform(get("/api/processes/garbage")).andExpect(status().isOk());

            for (String id : new String[] {"bad", "gone"}) {
                mvc.perform(post("/api/converters/" + id + "/flush").with(SecurityMockMvcRequestPostProcessors.httpBasic("op", "pw")))
                        .andExpect(status().isConflict()).andExpect(jsonPath("$.ok").value(false))
                        .andExpect(jsonPath("$.message", containsString("cannot control converter " + id)));
            }

            mvc.perform(get("/actuator/health/processes/bad")).andExpect(status().isServiceUnavailable())
                    .andExpect(jsonPath("$.status").value("DOWN")).andExpect(jsonPath("$.details.error", containsString("another kind's")));
            mvc.perform(get("/actuator/health/processes/good")).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("UP"));
            mvc.perform(get("/actuator/health/processes/garbage")).andExpect(jsonPath("$.status").value("DOWN"));
            mvc.perform(get("/actuator/health/readiness")).andExpect(status().isOk());

            String prom = mvc.perform(get("/actuator/prometheus")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
            assertThat(prom).contains("parquetry_converter_up{converter=\"bad\"} 0.0", "parquetry_converter_up{converter=\"gone\"} 0.0",
                    "parquetry_converter_lag_records{converter=\"bad\"} NaN", "parquetry_recorder_up{recorder=\"garbage\"} 0.0",
                    "parquetry_converter_up{converter=\"good\"} 1.0", "parquetry_converter_rows_written_total{converter=\"good\"} 42.0",
                    "parquetry_recorder_up{recorder=\"rec\"} 1.0", "parquetry_recorder_appended_total{recorder=\"rec\"} 7.0");
            assertThat(prom).containsPattern("parquetry_converter_info\\{[^}]*converter=\"good\"");
        }
        String log = out.getAll();
        assertThat(log).doesNotContain("\tat ").doesNotContain("Exception:");
        for (String id : new String[] {"bad", "gone", "garbage"}) {
            assertThat(log.lines().filter(l -> l.contains("watched process " + id + ":"))).as("said once: %s", id).hasSize(1);
        }
        assertThat(log).doesNotContain("watched process good:").doesNotContain("watched process rec:");
    }
}
