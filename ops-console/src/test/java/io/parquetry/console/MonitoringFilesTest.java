package io.parquetry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.parquetry.status.ConverterState;
import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.status.RecorderStatusDescriptor;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusFileDescriptor;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import org.yaml.snakeyaml.Yaml;

/**
 * The shipped Grafana dashboard ({@code conf/grafana/parquetry-dashboard.json}) and alert rules
 * ({@code conf/prometheus/parquetry-alerts.yml}) use only metric names the console exports, and pass promtool: the rules
 * file itself, every dashboard query as PromQL, and unit tests of the rules (a stopped converter, a lagging one next to
 * a healthy one whose file is filling, a retrying one, a tripped disk guard, a dead console). promtool comes from
 * Debian's prometheus package ({@code .ci/run} extracts it); without it those checks are skipped, saying so.
 */
class MonitoringFilesTest {

    static final Path ROOT = Path.of(System.getProperty("parquetry.root", "..")).toAbsolutePath().normalize();
    static final Path DASHBOARD = ROOT.resolve("conf/grafana/parquetry-dashboard.json");
    static final Path RULES = ROOT.resolve("conf/prometheus/parquetry-alerts.yml");
    private static final Pattern METRIC = Pattern.compile("\\bparquetry_[a-z0-9_]+\\b");

    private static Set<String> exported;

    @TempDir
    Path dir;

    /** Every series name the console exports for one converter and one recorder (each kind's every series). */
    @BeforeAll
    static void scrape(@TempDir Path tmp) throws Exception {
        long now = System.currentTimeMillis();
        long pid = ProcessHandle.current().pid();
        StatusFile c = StatusFile.create(tmp.resolve("converter.status"), StatusFileDescriptor.KIND_CONVERTER, pid, now);
        try (StatusFile.Update u = c.update()) {
            u.value(ConverterStatusDescriptor.STATE, ConverterState.RUNNING.ordinal()).text(ConverterStatusDescriptor.TEXT_VERSION, "0.1.0");
        }
        c.heartbeat(now);
        StatusFile r = StatusFile.create(tmp.resolve("recorder.status"), StatusFileDescriptor.KIND_RECORDER, pid, now);
        try (StatusFile.Update u = r.update()) {
            u.value(RecorderStatusDescriptor.APPENDED, 1);
        }
        r.heartbeat(now);
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(ConsoleApplication.class).properties(
                "parquetry.console.converters[0].id=md", "parquetry.console.converters[0].status-file=" + tmp.resolve("converter.status"),
                "parquetry.console.recorders[0].id=rec", "parquetry.console.recorders[0].status-file=" + tmp.resolve("recorder.status"),
                "parquetry.console.stale-after=1h").run("--server.port=0")) {
            MockMvc mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) ctx).build();
            String text = mvc.perform(get("/actuator/prometheus")).andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
            exported = new TreeSet<>();
            for (String line : text.split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    exported.add(line.split("[{ ]", 2)[0]);
                }
            }
        }
        assertThat(exported).contains("parquetry_converter_up", "parquetry_recorder_up", "parquetry_converter_info");
    }

    private static Set<String> metricNames(List<String> exprs) {
        Set<String> names = new TreeSet<>();
        for (String e : exprs) {
            Matcher m = METRIC.matcher(e);
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** Every PromQL query of the dashboard, with Grafana's variables replaced by what they stand for. */
    private static List<String> dashboardQueries() throws Exception {
        JsonNode d = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> out = new ArrayList<>();
        collect(d.get("panels"), out);
        assertThat(out).as("queries of the dashboard").hasSizeGreaterThan(10);
        return out;
    }

    private static void collect(JsonNode n, List<String> out) {
        if (n.isObject()) {
            n.properties().forEach(e -> {
                if (e.getKey().equals("expr") && e.getValue().isTextual()) {
                    out.add(e.getValue().asText());
                } else {
                    collect(e.getValue(), out);
                }
            });
        } else if (n.isArray()) {
            n.forEach(c -> collect(c, out));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> ruleExprs() throws Exception {
        Map<String, Object> y = new Yaml().load(Files.readString(RULES));
        List<String> out = new ArrayList<>();
        for (Map<String, Object> g : (List<Map<String, Object>>) y.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) g.get("rules")) {
                out.add(String.valueOf(rule.get("expr")));
            }
        }
        return out;
    }

    @Test
    void theDashboardUsesOnlySeriesTheConsoleExports() throws Exception {
        Set<String> used = metricNames(dashboardQueries());
        JsonNode d = new ObjectMapper().readTree(DASHBOARD.toFile());
        for (JsonNode v : d.get("templating").get("list")) {
            if (v.has("definition")) {
                used.addAll(metricNames(List.of(v.get("definition").asText())));
            }
        }
        assertThat(used).hasSizeGreaterThan(15);
        assertThat(exported).containsAll(used);
        // Every panel names the datasource variable (importable into any Grafana) and a unit.
        for (JsonNode p : d.get("panels")) {
            if (!p.get("type").asText().equals("row")) {
                assertThat(p.get("datasource").get("uid").asText()).as(p.get("title").asText()).isEqualTo("${datasource}");
                assertThat(p.at("/fieldConfig/defaults/unit").asText()).as(p.get("title").asText()).isNotEmpty();
            }
        }
        assertThat(d.get("timezone").asText()).isEqualTo("utc");
    }

    @Test
    void theAlertRulesUseOnlySeriesTheConsoleExports() throws Exception {
        Set<String> used = metricNames(ruleExprs());
        assertThat(used).contains("parquetry_converter_lag_seconds", "parquetry_converter_up", "parquetry_converter_retrying",
                "parquetry_recorder_disk_guard_tripped");
        assertThat(exported).containsAll(used);
    }

    @Test
    void theAlertRulesAndTheDashboardsQueriesPassPromtool() throws Exception {
        Path promtool = promtool();
        Result check = run(promtool.toString(), "check", "rules", RULES.toString());
        assertThat(check.code).as(check.out).isZero();
        // Each dashboard query as a recording rule: promtool then parses it as PromQL.
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int i = 0;
        for (String q : dashboardQueries()) {
            rules.append("      - record: dashboard:query_").append(i++).append("\n        expr: '")
                    .append(q.replace("$converter", ".*").replace("$recorder", ".*").replace("'", "''")).append("'\n");
        }
        Path asRules = Files.writeString(dir.resolve("dashboard-rules.yml"), rules.toString());
        Result queries = run(promtool.toString(), "check", "rules", asRules.toString());
        assertThat(queries.code).as(queries.out).isZero();
    }

    @Test
    void theAlertsFireWhenTheyShouldAndOnlyThen() throws Exception {
        Path promtool = promtool();
        String l = "job=\"parquetry\", instance=\"capture-1:8765\"";
        String tests = String.join("\n",
                "rule_files:",
                "  - " + RULES,
                "evaluation_interval: 1m",
                "tests:",
                "  - interval: 1m",
                "    input_series:",
                // md: stopped at 2 min while the queue grows (lag counted from the recorder's head)
                "      - series: 'parquetry_converter_up{converter=\"md\", " + l + "}'",
                "        values: '1 1 0x20'",
                "      - series: 'parquetry_converter_lag_records{converter=\"md\", " + l + "}'",
                "        values: '0 0 3000+3000x20'",
                // ok: a healthy converter whose current file fills up: no time behind at all
                "      - series: 'parquetry_converter_up{converter=\"ok\", " + l + "}'",
                "        values: '1x22'",
                "      - series: 'parquetry_converter_lag_seconds{converter=\"ok\", " + l + "}'",
                "        values: '0x22'",
                "      - series: 'parquetry_converter_uncommitted_records{converter=\"ok\", " + l + "}'",
                "        values: '0+200000x22'",
                // slow: behind, more and more
                "      - series: 'parquetry_converter_lag_seconds{converter=\"slow\", " + l + "}'",
                "        values: '0+60x22'",
                "      - series: 'parquetry_converter_retrying{converter=\"flaky\", " + l + "}'",
                "        values: '0 1x21'",
                "      - series: 'parquetry_converter_retrying{converter=\"ok\", " + l + "}'",
                "        values: '0x22'",
                "      - series: 'parquetry_recorder_disk_guard_tripped{recorder=\"rec\", " + l + "}'",
                "        values: '0 0 1x20'",
                "      - series: 'up{" + l + "}'",
                "        values: '1 1 1 0x19'",
                "    alert_rule_test:",
                "      - eval_time: 1m",
                "        alertname: ParquetryConverterDown",
                "        exp_alerts: []",
                "      - eval_time: 5m",
                "        alertname: ParquetryConverterDown",
                "        exp_alerts:",
                "          - exp_labels: {severity: critical, converter: md, " + l.replace("\"", "").replace("=", ": ") + "}",
                "            exp_annotations: {summary: 'converter md is down: records are not converted'}",
                "      - eval_time: 15m",
                "        alertname: ParquetryConverterLagging",
                "        exp_alerts:",
                "          - exp_labels: {severity: warning, converter: slow, " + l.replace("\"", "").replace("=", ": ") + "}",
                "            exp_annotations: {summary: 'converter slow has not caught up with its queue for 15m 0s'}",
                "      - eval_time: 5m",
                "        alertname: ParquetryConverterRetrying",
                "        exp_alerts:",
                "          - exp_labels: {severity: critical, converter: flaky, " + l.replace("\"", "").replace("=", ": ") + "}",
                "            exp_annotations: {summary: 'converter flaky cannot write its output and retries"
                        + " (parquetry_converter_output_failures: failures in a row)'}",
                "      - eval_time: 3m",
                "        alertname: ParquetryRecorderDiskGuard",
                "        exp_alerts:",
                "          - exp_labels: {severity: critical, recorder: rec, " + l.replace("\"", "").replace("=", ": ") + "}",
                "            exp_annotations: {summary: 'recorder rec: disk guard tripped, records are refused (1)'}",
                "      - eval_time: 6m",
                "        alertname: ParquetryConsoleDown",
                "        exp_alerts:",
                "          - exp_labels: {severity: critical, " + l.replace("\"", "").replace("=", ": ") + "}",
                "            exp_annotations: {summary: 'ops console capture-1:8765 does not answer: converters and recorders are not watched'}",
                "");
        Path file = Files.writeString(dir.resolve("alerts-test.yml"), tests);
        Result r = run(promtool.toString(), "test", "rules", file.toString());
        assertThat(r.code).as(r.out).isZero();
    }

    /** promtool on the PATH, or the test is skipped saying why. */
    static Path promtool() {
        Optional<Path> found = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(p -> Path.of(p, "promtool")).filter(Files::isExecutable).findFirst();
        if (System.getenv("CI") != null) {
            assertThat(found).as("CI must have promtool (.ci/run extracts it from Debian's prometheus package)").isPresent();
        }
        Assumptions.assumeTrue(found.isPresent(), "promtool is not installed (Debian's prometheus package has it; .ci/run extracts it):"
                + " the rules and queries were checked for metric names only");
        return found.get();
    }

    private record Result(int code, String out) {
    }

    private Result run(String... cmd) throws Exception {
        Path out = dir.resolve("promtool.out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool did not finish: " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
