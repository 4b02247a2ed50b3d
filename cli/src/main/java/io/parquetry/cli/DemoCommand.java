package io.parquetry.cli;

import io.parquetry.recorder.RecorderOptions;
import io.parquetry.schema.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parquetry demo}: the main job with embedded defaults. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Record synthetic market data into a fresh queue under --work and report what was done.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--work", defaultValue = "work/demo", description = "Working directory, emptied first (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--count", defaultValue = "10000000", description = "Records to capture (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--schema", description = "Schema YAML (default: the embedded market-data schema).")
    Path schemaFile;

    @Override
    public Integer call() throws Exception {
        Schema schema = schemaFile != null ? Schema.load(schemaFile)
                : Schema.parse(new String(DemoCommand.class.getResourceAsStream("/market-data.yaml").readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8), "embedded market-data.yaml");
        Path queue = work.resolve("queue");
        deleteRecursively(queue);
        System.out.println("parquetry demo: capturing " + String.format("%,d", count) + " synthetic " + schema.name() + " records");
        RecordCommand.Result r = RecordCommand.record(schema, queue, count, 1, 0, 1, RecorderOptions.defaults());
        System.out.println("  " + r.summary());
        long bytes = 0;
        try (Stream<Path> s = Files.list(queue)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.toString().endsWith(".cq4")) {
                    bytes += Files.size(p);
                }
            }
        }
        System.out.printf("  queue files: %,d bytes on disk (sparse; %,d bytes of records)%n", bytes, r.appended() * schema.recordLength());
        return 0;
    }

    static void deleteRecursively(Path p) throws java.io.IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(x);
            }
        }
    }
}
