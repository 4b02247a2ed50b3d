package io.parquetry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.Datasets;
import io.parquetry.testing.AllTypes;
import io.parquetry.testing.DamagedQueues;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliTest {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void convertSummarySaysHowManyTimestampsLostPrecisionAndNothingWhenNone() {
        io.parquetry.schema.Schema schema = new AllTypes().schema;
        long[] rotations = new long[io.parquetry.status.RotationCause.values().length];
        io.parquetry.converter.ConversionResult lossy = new io.parquetry.converter.ConversionResult(schema, "out", 10, 10, 1, 100, 0, 9, 0,
                rotations, 1_234);
        assertThat(ConvertCommand.summary(lossy, 1.0)).endsWith("; 1,234 timestamps lost precision to parquet.timestampUnit");
        io.parquetry.converter.ConversionResult exact = new io.parquetry.converter.ConversionResult(schema, "out", 10, 10, 1, 100, 0, 9, 0,
                rotations, 0);
        assertThat(ConvertCommand.summary(exact, 1.0)).doesNotContain("precision");
    }

    @Test
    void recordsAnySchemaDeterministicallyThenConvertsIt() throws Exception {
        Path schema = dir.resolve("all.yaml");
        Files.writeString(schema, AllTypes.YAML);
        Run r = run("record", "--schema", schema.toString(), "--queue", dir.resolve("q").toString(), "--count", "20000", "--threads", "2",
                "--seed", "7");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("recorded 20,000 records (all_types v1").contains("2 thread(s)").contains("refused 0");

        Run c = run("convert", "--queue", dir.resolve("q").toString(), "--output", dir.resolve("out").toString(), "--source", "cli",
                "--compression", "snappy", "--until-idle");
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.out()).contains("converted 20,000 records");
        Path ds = dir.resolve("out/all_types");
        assertThat(Datasets.queryLong("SELECT count(DISTINCT seq) FROM " + Datasets.scan(ds))).isEqualTo(20_000);
        // Nullable fields are null in a deterministic eighth of the records, each field its own eighth.
        long nulls = Datasets.queryLong("SELECT count(*) FILTER (WHERE i64 IS NULL) FROM " + Datasets.scan(ds));
        assertThat(nulls).isBetween(20_000L / SyntheticSource.NULL_ONE_IN * 8 / 10, 20_000L / SyntheticSource.NULL_ONE_IN * 12 / 10);
        assertThat(Datasets.queryLong("SELECT count(*) FILTER (WHERE i64 IS NULL AND f64 IS NULL) FROM " + Datasets.scan(ds))).isLessThan(nulls);

        // Same seed, same values, whatever the thread count.
        run("record", "--schema", schema.toString(), "--queue", dir.resolve("q2").toString(), "--count", "20000", "--threads", "1",
                "--seed", "7");
        run("convert", "--queue", dir.resolve("q2").toString(), "--output", dir.resolve("out2").toString(), "--source", "cli",
                "--until-idle");
        String digest = "SELECT sum(hash(seq, b, i8, i16, i32, i64, f32, f64, ts, dec, sym, raw)) FROM ";
        assertThat(Datasets.queryLong(digest + Datasets.scan(ds)))
                .isEqualTo(Datasets.queryLong(digest + Datasets.scan(dir.resolve("out2/all_types"))));
    }

    @Test
    void recordsTheAppLogSchemaAndReportsItsVariableRecords() throws Exception {
        Path schema = Path.of(System.getProperty("parquetry.root", "..")).resolve("conf/schemas/app-log.yaml");
        Run r = run("record", "--schema", schema.toString(), "--queue", dir.resolve("q").toString(), "--count", "5000", "--threads", "2",
                "--progress", "0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("recorded 5,000 records (app_log v1").containsPattern("\\d+\\.\\d B each on average, 78 to 10,318; ")
                .containsPattern("[\\d,]+ B of records in [\\d,]+ B of queue files").contains("2 thread(s)").endsWith("refused 0, too long 0\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void pacedRecordingWritesEveryRecord() throws Exception {
        // --rate paces the producers (asserting no time: only that every record arrives, from two paced threads).
        Run r = run("record", "--schema", Path.of(System.getProperty("parquetry.root", "..")).resolve("conf/schemas/market-data.yaml")
                .toString(), "--queue", dir.resolve("q").toString(), "--count", "3000", "--threads", "2", "--rate", "200000");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("recorded 3,000 records").contains("refused 0");
        try (io.parquetry.reader.QueueReader q = io.parquetry.reader.QueueReader.open(dir.resolve("q"))) {
            q.toStart();
            int n = 0;
            int got;
            while ((got = q.read((index, rec) -> { }, 1000)) > 0) {
                n += got;
            }
            assertThat(n).isEqualTo(3000);
        }
    }

    @Test
    void badInputExitsNonZeroNamingTheProblem() throws Exception {
        Run r = run("record", "--schema", dir.resolve("missing.yaml").toString(), "--queue", dir.resolve("q").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("missing.yaml").contains("does not exist");

        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "queue: " + dir.resolve("q") + "\noutput: " + dir.resolve("out") + "\nparquet: {compression: brotli}\n");
        Run c = run("convert", "--config", cfg.toString(), "--until-idle");
        assertThat(c.code()).isEqualTo(1);
        assertThat(c.err()).contains(cfg.toString() + ":3").contains("parquet.compression=brotli");

        Run t = run("record", "--schema", "x", "--queue", "q", "--threads", "0");
        assertThat(t.code()).isNotZero();
    }

    @Test
    void timeoutsMeanWhatTheySay() throws Exception {
        picocli.CommandLine cl = new picocli.CommandLine(new Main());
        picocli.CommandLine.ParseResult r = cl.parseArgs("flush", "--status-file", "/x", "--timeout", "1h");
        ControlCommands.Flush flush = (ControlCommands.Flush) r.subcommand().commandSpec().userObject();
        assertThat(flush.timeout()).isEqualTo(java.time.Duration.ofHours(1)); // was read as 1 s
        r = new picocli.CommandLine(new Main()).parseArgs("flush", "--status-file", "/x", "--timeout", "1.5s");
        assertThat(((ControlCommands.Flush) r.subcommand().commandSpec().userObject()).timeout()).isEqualTo(java.time.Duration.ofMillis(1500));
        Run bad = run("flush", "--status-file", "/x", "--timeout", "soon");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--timeout").contains("soon");
    }

    @Test
    void aFailureMessageKeepsItsCauseOnOneLine() {
        Exception e = new java.io.UncheckedIOException("cannot write Parquet: file=/data/x.parquet, index=7",
                new java.nio.file.AccessDeniedException("/data/x.parquet", null, "Permission denied"));
        String line = Main.describe(e);
        assertThat(line).isEqualTo("cannot write Parquet: file=/data/x.parquet, index=7: AccessDeniedException: /data/x.parquet: Permission denied");
        assertThat(line).doesNotContain("\n");
        // A cause already quoted in the message is not repeated.
        IllegalStateException quoted = new IllegalStateException("failed: disk full", new java.io.IOException("disk full"));
        assertThat(Main.describe(quoted)).isEqualTo("failed: disk full");
    }

    @Test
    void aDamagedQueueStopsTheConverterWithOneLineAndTheCommandItNamesMovesPastTheDamage() throws Exception {
        Path schema = dir.resolve("all.yaml");
        Files.writeString(schema, AllTypes.YAML);
        Path queue = dir.resolve("q");
        assertThat(run("record", "--schema", schema.toString(), "--queue", queue.toString(), "--count", "20000").code()).isZero();
        Path cycle = DamagedQueues.cycleFiles(queue).get(0);
        java.util.List<Long> positions = DamagedQueues.recordPositions(cycle);
        DamagedQueues.zero(cycle, positions.get(7_000), positions.get(7_002));
        String[] convert = {"convert", "--queue", queue.toString(), "--output", dir.resolve("out").toString(), "--source", "cli",
            "--until-idle", "--progress", "0"};
        Path ds = dir.resolve("out/all_types");

        Run stopped = run(convert);
        assertThat(stopped.code()).isEqualTo(1);
        assertThat(stopped.err().strip()).as("one line, no stack trace").doesNotContain("\n").startsWith("parquetry convert: queue is damaged")
                .contains("file=" + cycle).contains("skip-damaged");
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(ds))).as("what precedes the damage is committed").isEqualTo(7_000);

        // The operator runs the command the error names, as it is written there.
        String named = stopped.err().strip().replaceAll(".*bin/parquetry (skip-damaged .*)$", "$1");
        Run skip = run(named.split(" "));
        assertThat(skip.code()).as(skip.err()).isZero();
        long skipped = Long.parseLong(skip.out().replaceAll("(?s).*?\\((\\d+) records, resuming.*", "$1"));
        assertThat(skipped).isBetween(2L, 20_000L - 7_000L);

        Run resumed = run(convert);
        assertThat(resumed.code()).as(resumed.err()).isZero();
        long kept = 20_000 - skipped;
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(ds))).isEqualTo(kept);
        assertThat(Datasets.queryLong("SELECT count(DISTINCT seq) FROM " + Datasets.scan(ds))).isEqualTo(kept);
        assertThat(Files.readString(queue.resolve("converter-cli/quarantine.log"))).contains("skipped damaged range");
    }

    @Test
    void controlCommandsSayWhenTheConverterIsNotRunning() throws Exception {
        Path schema = dir.resolve("all.yaml");
        Files.writeString(schema, AllTypes.YAML);
        run("record", "--schema", schema.toString(), "--queue", dir.resolve("q").toString(), "--count", "100");
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "queue: " + dir.resolve("q") + "\noutput: " + dir.resolve("out") + "\nsource: cli\n");
        // Never ran: no status file at all. Documented exit code 3, like a stopped converter.
        Run none = run("flush", "--config", cfg.toString(), "--timeout", "1s");
        assertThat(none.code()).as(none.out() + none.err()).isEqualTo(ControlCommands.NOT_RUNNING);
        assertThat(none.err()).contains("not running").contains("converter.status");
        Run neverStatus = run("status", "--config", cfg.toString());
        assertThat(neverStatus.code()).as(neverStatus.out() + neverStatus.err()).isEqualTo(ControlCommands.NOT_RUNNING);

        assertThat(run("convert", "--config", cfg.toString(), "--until-idle").code()).isZero();
        Run status = run("status", "--config", cfg.toString());
        assertThat(status.code()).isEqualTo(ControlCommands.NOT_RUNNING);
        assertThat(status.out()).contains("state:").contains("stopped").contains("heartbeat none: stopped cleanly")
                .contains("written:         100 rows in 1 files").contains("last commit:").contains(" ago)");
        Run json = run("status", "--config", cfg.toString(), "--json");
        assertThat(json.code()).isEqualTo(ControlCommands.NOT_RUNNING);
        java.util.Map<String, String> fields = new java.util.HashMap<>();
        try (com.fasterxml.jackson.core.JsonParser p = new com.fasterxml.jackson.core.JsonFactory().createParser(json.out())) {
            int depth = 0;
            while (p.nextToken() != null) {
                switch (p.currentToken()) {
                    case START_OBJECT -> depth++;
                    case END_OBJECT -> depth--;
                    default -> {
                        if (depth == 1 && p.currentToken().isScalarValue()) {
                            fields.put(p.currentName(), p.getText());
                        }
                    }
                }
            }
        }
        assertThat(fields).containsEntry("state", "stopped").containsEntry("alive", "false").containsEntry("rowsWritten", "100")
                .containsEntry("filesCommitted", "1").containsEntry("heartbeatAgeMs", "-1").containsKey("lagRecords");
        assertThat(fields).containsEntry("lagRecords", "0").containsEntry("lagQuality", "exact");
        Run flush = run("flush", "--config", cfg.toString(), "--timeout", "1s");
        assertThat(flush.code()).isEqualTo(ControlCommands.NOT_RUNNING);
        assertThat(flush.out()).contains("converter is not running");

        // Records appended while the converter is stopped: its status file still says 0, the queue's recorder knows better.
        assertThat(run("record", "--schema", schema.toString(), "--queue", dir.resolve("q").toString(), "--count", "40").code()).isZero();
        Run behind = run("status", "--config", cfg.toString());
        assertThat(behind.out()).contains("lag:             40 records not yet committed (40 unread, 0 in the current file)")
                .contains("recorder.status");
        Files.delete(dir.resolve("q").resolve("recorder.status"));
        assertThat(run("status", "--config", cfg.toString()).out()).contains("lag:             unknown: the converter is not running");
    }

    @Test
    void statusAndVerifyShowASchemaThatChangedInPlace() throws Exception {
        Path v1 = dir.resolve("all.yaml");
        Files.writeString(v1, AllTypes.YAML);
        Path v2 = dir.resolve("all-v2.yaml");
        Files.writeString(v2, AllTypes.YAML.replace("version: 1", "version: 2") + "  - {name: venue, type: int32, nullable: true}\n");
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "queue: " + dir.resolve("q") + "\noutput: " + dir.resolve("out") + "\nsource: cli\n");
        assertThat(run("record", "--schema", v1.toString(), "--queue", dir.resolve("q").toString(), "--count", "100").code()).isZero();
        assertThat(run("convert", "--config", cfg.toString(), "--until-idle").code()).isZero();
        Run first = run("status", "--config", cfg.toString());
        assertThat(first.out()).containsPattern("schema: +all_types v1 fingerprint [0-9a-f]{16} \\(files are written in v1, the queue's newest, its first\\)")
                .contains(", schema 0");

        // The producer restarts with version 2: the queue takes it, and the converter writes files in it from then on.
        Run r2 = run("record", "--schema", v2.toString(), "--queue", dir.resolve("q").toString(), "--count", "50");
        assertThat(r2.code()).as(r2.err()).isZero();
        assertThat(run("convert", "--config", cfg.toString(), "--until-idle").code()).isZero();
        Run status = run("status", "--config", cfg.toString());
        assertThat(status.out()).containsPattern("schema: +all_types v2 fingerprint [0-9a-f]{16} \\(files are written in v2, the queue's newest, taken "
                + "[^)]* ago\\)");
        java.util.Map<String, String> fields = jsonFields(run("status", "--config", cfg.toString(), "--json").out());
        assertThat(fields).containsEntry("schemaVersion", "2").containsEntry("queueSchemaVersion", "2");
        assertThat(Long.parseLong(fields.get("queueSchemaChangedMs"))).isPositive();

        Run verify = run("verify", "--config", cfg.toString());
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).containsPattern("schema: +v1 \\(fingerprint [0-9a-f]{16}\\): 1 file\\(s\\), indexes \\d+ to \\d+, 100 rows")
                .containsPattern("schema: +v2 \\(fingerprint [0-9a-f]{16}\\): 1 file\\(s\\), indexes \\d+ to \\d+, 50 rows").endsWith("OK\n");
    }

    /** The top-level scalar fields of a JSON object, as text. */
    private static java.util.Map<String, String> jsonFields(String json) throws Exception {
        java.util.Map<String, String> fields = new java.util.HashMap<>();
        try (com.fasterxml.jackson.core.JsonParser p = new com.fasterxml.jackson.core.JsonFactory().createParser(json)) {
            int depth = 0;
            while (p.nextToken() != null) {
                switch (p.currentToken()) {
                    case START_OBJECT -> depth++;
                    case END_OBJECT -> depth--;
                    default -> {
                        if (depth == 1 && p.currentToken().isScalarValue()) {
                            fields.put(p.currentName(), p.getText());
                        }
                    }
                }
            }
        }
        return fields;
    }

    @Test
    void verifyPassesOnAHealthyDatasetAndNamesTheFirstProblemOtherwise() throws Exception {
        Path schema = dir.resolve("all.yaml");
        Files.writeString(schema, AllTypes.YAML);
        assertThat(run("record", "--schema", schema.toString(), "--queue", dir.resolve("q").toString(), "--count", "3000").code()).isZero();
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "queue: " + dir.resolve("q") + "\noutput: " + dir.resolve("out") + "\nsource: cli\nrotation: {maxRows: 1000}\n");
        assertThat(run("convert", "--config", cfg.toString(), "--until-idle").code()).isZero();
        Run ok = run("verify", "--config", cfg.toString());
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("3 of this queue (3,000 rows)").contains("exactly once").contains("dt=").endsWith("OK\n");
        Files.delete(Datasets.files(dir.resolve("out/all_types"), ".parquet").get(1));
        Run gap = run("verify", "--config", cfg.toString());
        assertThat(gap.code()).isEqualTo(ExitCodes.PROBLEM);
        assertThat(gap.err()).startsWith("parquetry verify: gap: 1,000 records after index");
        assertThat(gap.out()).contains("FAILED: 1 problem(s)");
        // The same from options instead of a config file.
        Run byOptions = run("verify", "--queue", dir.resolve("q").toString(), "--output", dir.resolve("out").toUri().toString(), "--source", "cli");
        assertThat(byOptions.code()).as(byOptions.out() + byOptions.err()).isEqualTo(ExitCodes.PROBLEM);
    }

    @Test
    void verifyFailsOnADatasetHoldingRecordsTheQueueLostAndReplacedThoughEveryCountMatches() throws Exception {
        Path schema = dir.resolve("all.yaml");
        Files.writeString(schema, AllTypes.YAML);
        Path q = dir.resolve("q");
        assertThat(run("record", "--schema", schema.toString(), "--queue", q.toString(), "--count", "2000").code()).isZero();
        Path synced = dir.resolve("q-synced");
        org.apache.commons.io.file.PathUtils.copyDirectory(q, synced);
        assertThat(run("record", "--schema", schema.toString(), "--queue", q.toString(), "--count", "1000").code()).isZero();
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "queue: " + q + "\noutput: " + dir.resolve("out") + "\nsource: cli\nstateDir: " + dir.resolve("state") + "\n");
        assertThat(run("convert", "--config", cfg.toString(), "--until-idle").code()).isZero();
        // A power cut took the last 1,000 records from the queue (a converter of an earlier version had committed them),
        // and the restarted recorder appended 1,000 others at the same indexes.
        org.apache.commons.io.file.PathUtils.deleteDirectory(q);
        org.apache.commons.io.file.PathUtils.copyDirectory(synced, q);
        assertThat(run("record", "--schema", schema.toString(), "--queue", q.toString(), "--count", "1000", "--seed", "7").code()).isZero();
        Run r = run("verify", "--config", cfg.toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.PROBLEM);
        assertThat(r.err()).startsWith("parquetry verify: content mismatch: the checkpoint's record");
    }

    @Test
    void recordRefusesAForeignDirectoryAndRefusedAppendsHaveTheirOwnExitCode() throws Exception {
        Path schema = dir.resolve("all.yaml");
        Files.writeString(schema, AllTypes.YAML);
        Path foreign = Files.createDirectories(dir.resolve("photos"));
        Files.writeString(foreign.resolve("holiday.jpg"), "not a queue");
        Run r = run("record", "--schema", schema.toString(), "--queue", foreign.toString(), "--count", "10");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("not a Parquetry queue").contains("holiday.jpg");
        try (java.util.stream.Stream<Path> s = Files.list(foreign)) {
            assertThat(s.toList()).hasSize(1); // untouched
        }
        // An existing queue is fine: append to it again.
        assertThat(run("record", "--schema", schema.toString(), "--queue", dir.resolve("q").toString(), "--count", "10").code()).isZero();
        assertThat(run("record", "--schema", schema.toString(), "--queue", dir.resolve("q").toString(), "--count", "10").code()).isZero();

        Run refused = run("record", "--schema", schema.toString(), "--queue", dir.resolve("q2").toString(), "--count", "10",
                "--disk-guard-min-free", "1000000GiB");
        assertThat(refused.code()).isEqualTo(ExitCodes.REFUSED).isNotEqualTo(picocli.CommandLine.ExitCode.USAGE);
        assertThat(refused.out()).contains("refused 10");
        assertThat(refused.err()).contains("10 of 10 appends were refused").contains("976.6 TiB");
        Run usage = run("record", "--schema", schema.toString(), "--queue", dir.resolve("q2").toString(), "--disk-guard-min-free", "lots");
        assertThat(usage.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(usage.err()).contains("--disk-guard-min-free").contains("lots");
        assertThat(run("--help").out()).contains("Exit codes:").contains("4   record: the recorder refused appends");
    }

    @Test
    void longRunsReportProgressOnStderr() throws Exception {
        Path schema = dir.resolve("all.yaml");
        Files.writeString(schema, AllTypes.YAML);
        Run r = run("record", "--schema", schema.toString(), "--queue", dir.resolve("q").toString(), "--count", "6000", "--rate", "10000",
                "--progress", "100ms");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).containsPattern("record: [0-9,]+ of 6,000 records \\(\\d+%\\) in ");
        assertThat(r.out()).doesNotContain("record: "); // stdout keeps the one-line summary for scripts
        Run quiet = run("record", "--schema", schema.toString(), "--queue", dir.resolve("q2").toString(), "--count", "100", "--progress", "0");
        assertThat(quiet.code()).as(quiet.err()).isZero();
        assertThat(quiet.err()).doesNotContain("record: ");
    }

    @Test
    void demoRefusesToEmptyDirectoriesItDidNotWrite() throws Exception {
        Path work = dir.resolve("work");
        Files.createDirectories(work.resolve("out"));
        Files.writeString(work.resolve("out/thesis.tex"), "years of work");
        Run r = run("demo", "--work", work.toString(), "--count", "1000");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("refusing to empty").contains("thesis.tex");
        assertThat(work.resolve("out/thesis.tex")).exists();
        Files.delete(work.resolve("out/thesis.tex"));
        // A previous demo's output is emptied and written again.
        assertThat(run("demo", "--work", work.toString(), "--count", "1000", "--progress", "0").code()).isZero();
        Run again = run("demo", "--work", work.toString(), "--count", "1000", "--progress", "0");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(work.resolve("out/market_data")))).isEqualTo(1000);
    }

    @Test
    void demoCapturesConvertsAndShowsTheResult() {
        Run r = run("demo", "--work", dir.resolve("demo").toString(), "--count", "50000");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("recorded 50,000 records").contains("converted 50,000 records").contains("part-demo-")
                .contains("timestamp_ns: 2025-11-21T").contains("price: 90.09300000").contains("read_parquet(");
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dir.resolve("demo/out/market_data")))).isEqualTo(50_000);
    }
}
