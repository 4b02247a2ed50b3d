package io.parquetry.console;

import io.parquetry.converter.Converter;
import io.parquetry.converter.ConverterConfig;
import io.parquetry.recorder.AllTypes;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real recorder and a real converter (in this JVM, on a thread) for the console to watch. */
final class LiveFixture implements AutoCloseable {

    final Path dir;
    final Path queue;
    final Recorder recorder;
    final Converter converter;
    private final Thread converterThread;
    private final AllTypes types = new AllTypes();
    private long next;

    LiveFixture(String maxAge) throws Exception {
        dir = Files.createTempDirectory("console-test");
        queue = dir.resolve("queue");
        recorder = Recorder.open(queue, types.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0));
        append(100);
        Path yaml = dir.resolve("converter.yaml");
        Files.writeString(yaml, "queue: " + queue + "\noutput: " + dir.resolve("out") + "\nsource: test\nrotation: {maxAge: " + maxAge + "}\n");
        converter = Converter.open(ConverterConfig.load(yaml, ConverterConfig.Overrides.none()));
        converterThread = new Thread(() -> converter.run(false), "test-converter");
        converterThread.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (converter.recordsRead() < 100 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    synchronized void append(int n) {
        try (RecordWriter w = recorder.newWriter()) {
            for (int i = 0; i < n; i++) {
                types.write(w, next++);
            }
        }
    }

    Path converterStatus() {
        return converter.statusFile();
    }

    Path recorderStatus() {
        return recorder.statusFile();
    }

    void stopConverter() throws InterruptedException {
        converter.requestStop();
        converterThread.join(10_000);
        converter.close();
    }

    @Override
    public void close() throws Exception {
        if (converterThread.isAlive()) {
            stopConverter();
        }
        recorder.close();
        try (var s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
