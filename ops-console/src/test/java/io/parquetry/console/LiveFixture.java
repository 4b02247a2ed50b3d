package io.parquetry.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.status.StatusFile;
import org.springframework.util.FileSystemUtils;

/**
 * A real recorder and a real converter, each a process of its own started from the source tree's build (the cli
 * module's jars and test classes, and {@code bin/parquetry}), for the console to watch. The console's own class path
 * never sees Chronicle, Hadoop or Parquet (ConsoleClassPathTest); these processes do, as in production.
 *
 * <p>The recorder appends market-data records when told ({@link #append}), so tests know exactly how many there are.
 */
final class LiveFixture implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("parquetry.root", "..")).toAbsolutePath().normalize();
    static final Path SCHEMA = ROOT.resolve("conf/schemas/market-data.yaml");

    final Path dir;
    final Path queue;
    private final String source;
    private final Process recorder;
    private final Writer recorderIn;
    private final BufferedReader recorderOut;
    private Process converter;

    LiveFixture(String source, String maxAge) throws Exception {
        this.source = source;
        dir = Files.createTempDirectory("console-test");
        queue = dir.resolve("queue");
        recorder = new ProcessBuilder(recorderCommand()).redirectError(dir.resolve("recorder.err").toFile()).start();
        recorderIn = new java.io.OutputStreamWriter(recorder.getOutputStream(), StandardCharsets.UTF_8);
        recorderOut = new BufferedReader(new InputStreamReader(recorder.getInputStream(), StandardCharsets.UTF_8));
        String ready = recorderOut.readLine();
        if (ready == null || !ready.startsWith("READY")) {
            throw new IllegalStateException("recorder did not start: " + ready + " " + Files.readString(dir.resolve("recorder.err")));
        }
        Files.writeString(dir.resolve("converter.yaml"), "queue: " + queue + "\noutput: " + dir.resolve("out") + "\nsource: " + source
                + "\nrotation: {maxAge: " + maxAge + "}\n");
        startConverter();
    }

    /** The source tree's build of the cli: its jar, its dependencies and its test classes (ScriptedRecorder). */
    private List<String> recorderCommand() throws IOException {
        Path cli = ROOT.resolve("cli/target");
        Path jar;
        try (var s = Files.list(cli)) {
            jar = s.filter(p -> p.getFileName().toString().matches("parquetry-cli-.*\\.jar") && !p.toString().endsWith("-tests.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("the cli is not built: run mvn package first (in " + cli + ")"));
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx128m");
        cmd.addAll(jvmFlags());
        cmd.add("-cp");
        cmd.add(cli.resolve("test-classes") + java.io.File.pathSeparator + jar + java.io.File.pathSeparator + cli.resolve("lib") + "/*");
        cmd.add("io.parquetry.cli.ScriptedRecorder");
        cmd.add(SCHEMA.toString());
        cmd.add(queue.toString());
        return cmd;
    }

    /** The flags of conf/jvm.properties, their single source. */
    static List<String> jvmFlags() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(ROOT.resolve("conf/jvm.properties"))) {
            p.load(r);
        }
        return Arrays.asList(p.getProperty("parquetry.jvm.flags").trim().split("\\s+"));
    }

    /** Starts {@code bin/parquetry convert} as a service and waits until it is ready. */
    void startConverter() throws Exception {
        Path log = dir.resolve("converter.log");
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bin/parquetry").toString(), "convert", "--config",
                dir.resolve("converter.yaml").toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("PARQUETRY_HEAP", "-Xmx256m");
        converter = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(log) || !Files.readString(log).contains("converter ready")) {
            if (!converter.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("converter did not start: " + (Files.exists(log) ? Files.readString(log) : ""));
            }
            Thread.sleep(20);
        }
    }

    /** Appends {@code n} records and returns the recorder's total. */
    synchronized long append(int n) throws IOException {
        recorderIn.write("append " + n + "\n");
        recorderIn.flush();
        String answer = recorderOut.readLine();
        if (answer == null || !answer.startsWith("appended ")) {
            throw new IllegalStateException("recorder did not append: " + answer + " " + Files.readString(dir.resolve("recorder.err")));
        }
        return Long.parseLong(answer.substring("appended ".length()));
    }

    /** Waits until the converter's status says it has read {@code n} records. */
    void awaitRead(long n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (StatusFile s = StatusFile.open(converterStatus(), false)) {
            while (s.snapshot().value(ConverterStatusDescriptor.RECORDS_READ) < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("converter did not read " + n + " records: " + Files.readString(dir.resolve("converter.log")));
                }
                Thread.sleep(10);
            }
        }
    }

    Path converterStatus() {
        return queue.resolve("converter-" + source + "/converter.status");
    }

    Path recorderStatus() {
        return queue.resolve("recorder.status");
    }

    /** The converter's commit log (its state directory's {@code commits.log}). */
    Path commitLog() {
        return queue.resolve("converter-" + source + "/commits.log");
    }

    /** SIGTERM: the converter commits what it holds and exits 0. */
    void stopConverter() throws InterruptedException {
        converter.destroy();
        if (!converter.waitFor(30, TimeUnit.SECONDS)) {
            converter.destroyForcibly();
        }
    }

    @Override
    public void close() throws Exception {
        if (converter != null && converter.isAlive()) {
            stopConverter();
        }
        recorderIn.close();
        if (!recorder.waitFor(30, TimeUnit.SECONDS)) {
            recorder.destroyForcibly();
        }
        FileSystemUtils.deleteRecursively(dir);
    }
}
