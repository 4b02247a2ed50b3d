package io.parquetry.cli;

import io.parquetry.queue.QueueDirectory;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.schema.Schema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parquetry record}: appends deterministic synthetic records of any schema through the real recorder API. */
@Command(name = "record", mixinStandardHelpOptions = true,
        description = "Append N synthetic records of a schema to a queue and print a one-line summary.")
final class RecordCommand implements Callable<Integer> {

    @Option(names = "--schema", required = true, description = "Schema YAML file, e.g. conf/schemas/market-data.yaml.")
    Path schema;

    @Option(names = "--queue", required = true, description = "Queue directory (created when absent).")
    Path queue;

    @Option(names = "--count", defaultValue = "10000000", description = "Records to append in all (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--threads", defaultValue = "1", description = "Producing threads, one writer each (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--rate", defaultValue = "0",
            description = "Offered records per second across all threads; 0 = as fast as possible (default).")
    long rate;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic values (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--roll-cycle", description = "Chronicle roll cycle for a new queue (default: LARGE_HOURLY_SPARSE, hourly).")
    String rollCycle;

    @Option(names = "--sync-interval-ms", defaultValue = "0", description = "Periodic msync interval in ms; 0 = off (default).")
    long syncIntervalMs;

    @Option(names = "--disk-guard-min-free", converter = UnitConverters.SizeConverter.class,
            description = "Refuse appends while the queue's file system has less free space than this, e.g. 512MiB, 1GiB, 0 = off "
                    + "(default: the recorder's, 1GiB).")
    Long diskGuardMinFree;

    @Option(names = "--progress", defaultValue = "5s", converter = UnitConverters.DurationConverter.class,
            description = "Print progress to stderr this often; 0 = never (default: ${DEFAULT-VALUE}).")
    Duration progress;

    @Override
    public Integer call() throws Exception {
        Schema s = Schema.load(schema);
        RecorderOptions o = options();
        refuseForeignDirectory(queue);
        Result r = record(s, queue, count, threads, rate, seed, o, progress);
        System.out.println(r.summary());
        if (r.refused != 0) {
            System.err.printf(Locale.ROOT, "parquetry record: %,d of %,d appends were refused (disk guard: free space below %s, or the "
                    + "recorder closed)%n", r.refused, count, Humane.bytes(o.diskGuardMinFreeBytes()));
        }
        if (r.tooLong != 0) {
            System.err.printf(Locale.ROOT, "parquetry record: %,d of %,d records were refused at commit: a value longer than its "
                    + "string(N)/binary(N) field with overflow: refuse%n", r.tooLong, count);
        }
        return r.refused != 0 || r.tooLong != 0 ? ExitCodes.REFUSED : 0;
    }

    /**
     * A queue directory is new (absent or empty) or already a Parquetry queue: recording into any other directory would
     * scatter Chronicle's files among someone else's.
     *
     * @throws IllegalArgumentException naming the directory and what it holds
     */
    static void refuseForeignDirectory(Path dir) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(dir) || java.nio.file.Files.exists(dir.resolve(QueueDirectory.SCHEMA_FILE))) {
            return;
        }
        List<String> found;
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(dir)) {
            found = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        if (!found.isEmpty()) {
            throw new IllegalArgumentException("--queue is a non-empty directory that is not a Parquetry queue (no "
                    + QueueDirectory.SCHEMA_FILE + "): queue=" + dir + ", found=" + found.subList(0, Math.min(found.size(), 10))
                    + (found.size() > 10 ? " and " + (found.size() - 10) + " more" : "") + "; choose a new or empty directory");
        }
    }

    RecorderOptions options() {
        if (count < 0) {
            throw new IllegalArgumentException("--count must be >= 0: count=" + count);
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("--threads must be 1..256: threads=" + threads);
        }
        if (rate < 0) {
            throw new IllegalArgumentException("--rate must be >= 0: rate=" + rate);
        }
        RecorderOptions o = RecorderOptions.defaults();
        if (rollCycle != null) {
            o.rollCycle(rollCycle);
        }
        if (syncIntervalMs > 0) {
            o.syncInterval(Duration.ofMillis(syncIntervalMs));
        }
        if (diskGuardMinFree != null) {
            o.diskGuardMinFreeBytes(diskGuardMinFree);
        }
        return o;
    }

    /**
     * What a recording run did.
     *
     * @param refused appends refused at {@code begin} (disk guard, recorder closed)
     * @param tooLong records refused at commit: a value longer than its refusing variable field
     * @param truncated variable values cut to their field's bound (fields with {@code overflow: truncate})
     * @param recordBytes bytes of the committed records, as the producers set them: for a schema with variable fields the
     *     measure of its records' size, which no schema constant gives
     * @param queueBytes bytes of the queue's cycle files on disk after the run (Chronicle allocates ahead)
     */
    record Result(Schema schema, Path queue, long appended, long refused, long tooLong, long truncated, long recordBytes, long queueBytes,
            long nanos, int threads) {
        double perSecond() {
            return appended * 1e9 / Math.max(1, nanos);
        }

        /** Bytes a record: the schema's length, or for variable records the measured average. */
        double bytesPerRecord() {
            return schema.variable() ? (double) recordBytes / Math.max(1, appended) : schema.recordLength();
        }

        String summary() {
            String each = schema.variable()
                    ? String.format(Locale.ROOT, "%.1f B each on average, %d to %,d; %,d B of records in %,d B of queue files",
                            bytesPerRecord(), schema.fixedLength(), schema.maxRecordLength(), recordBytes, queueBytes)
                    : schema.recordLength() + " B each";
            String variable = !schema.variable() ? ""
                    : String.format(Locale.ROOT, ", too long %d%s", tooLong, truncated == 0 ? "" : String.format(Locale.ROOT,
                            ", truncated %d", truncated));
            return String.format(Locale.ROOT, "recorded %,d records (%s, %s) into %s in %.3f s: %,.0f records/s, %.1f MB/s, "
                    + "%d thread(s), refused %d%s", appended, schema.identity(), each, queue, nanos / 1e9, perSecond(),
                    perSecond() * bytesPerRecord() / 1e6, threads, refused, variable);
        }

        /** The queue's files against the records in them. */
        String queueLine() {
            return String.format(Locale.ROOT, "queue files: %,d bytes allocated on disk for %,d bytes of records", queueBytes, recordBytes);
        }
    }

    static Result record(Schema schema, Path queue, long count, int threads, long rate, long seed, RecorderOptions options,
            Duration progress) throws Exception {
        long begun = System.nanoTime();
        try (Recorder recorder = Recorder.open(queue, schema, options);
                Progress p = Progress.start(progress, System.err, () -> progressLine(recorder.appended(), count, begun))) {
            List<Thread> workers = new ArrayList<>();
            long[][] counts = new long[threads][];
            Throwable[] failure = new Throwable[1];
            // The values are made once, before the clock starts, and shared: each thread gets its own scratch only.
            SyntheticSource values = new SyntheticSource(schema, seed);
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int k = t;
                SyntheticSource source = t == 0 ? values : values.forThread();
                Thread th = new Thread(() -> {
                    try {
                        counts[k] = produce(recorder, source, k, threads, count, rate);
                    } catch (Throwable e) {
                        synchronized (failure) {
                            failure[0] = e;
                        }
                    }
                }, "parquetry-record-" + t);
                workers.add(th);
                th.start();
            }
            for (Thread th : workers) {
                th.join();
            }
            long nanos = System.nanoTime() - start;
            if (failure[0] != null) {
                throw new IllegalStateException("a producing thread failed: " + failure[0], failure[0]);
            }
            long[] total = new long[Counts.LENGTH];
            for (long[] c : counts) {
                for (int j = 0; j < total.length; j++) {
                    total[j] += c[j];
                }
            }
            return new Result(schema, queue, recorder.appended(), total[Counts.REFUSED], total[Counts.TOO_LONG], total[Counts.TRUNCATED],
                    total[Counts.RECORD_BYTES], queueBytes(queue), nanos, threads);
        }
    }

    /** Bytes of a queue's cycle files on disk. */
    static long queueBytes(Path queue) throws java.io.IOException {
        long bytes = 0;
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(queue)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.getFileName().toString().endsWith(".cq4")) {
                    bytes += java.nio.file.Files.size(p);
                }
            }
        }
        return bytes;
    }

    /** What one producing thread counted: indexes into its {@code long[]}. */
    private static final class Counts {
        static final int REFUSED = 0;
        static final int TOO_LONG = 1;
        static final int TRUNCATED = 2;
        static final int RECORD_BYTES = 3;
        static final int LENGTH = 4;
    }

    static String progressLine(long appended, long count, long begunNanos) {
        double secs = (System.nanoTime() - begunNanos) / 1e9;
        return String.format(Locale.ROOT, "record: %s of %s records (%.0f%%) in %s, %s", Humane.count(appended), Humane.count(count),
                count == 0 ? 100.0 : 100.0 * appended / count, Humane.duration(Duration.ofNanos(System.nanoTime() - begunNanos)),
                Humane.rate(appended / Math.max(secs, 1e-9)));
    }

    /** Thread k of n writes records k, k+n, k+2n, ... paced at rate/n when a rate is given. Returns its {@link Counts}. */
    private static long[] produce(Recorder recorder, SyntheticSource source, int k, int n, long count, long rate) {
        long refused = 0;
        long intervalNanos = rate > 0 ? (long) (1e9 * n / rate) : 0;
        long next = System.nanoTime();
        try (RecordWriter w = recorder.newWriter()) {
            for (long i = k; i < count; i += n) {
                if (intervalNanos > 0) {
                    while (System.nanoTime() < next) {
                        Thread.onSpinWait();
                    }
                    next += intervalNanos;
                }
                int rc = source.write(w, i);
                if (rc != RecordWriter.OK && rc != RecordWriter.REFUSED_TOO_LONG) {
                    refused++;
                }
            }
            long[] c = new long[Counts.LENGTH];
            c[Counts.REFUSED] = refused;
            c[Counts.TOO_LONG] = w.refusedTooLong();
            c[Counts.TRUNCATED] = w.truncated();
            c[Counts.RECORD_BYTES] = source.recordBytes();
            return c;
        }
    }
}
