package io.parquetry.cli;

import io.parquetry.converter.ConversionResult;
import io.parquetry.converter.ConverterConfig;
import io.parquetry.converter.ConverterService;
import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusFileDescriptor;
import io.parquetry.status.StatusSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code parquetry convert}: runs a converter as a service (until SIGTERM) or as a batch ({@code --until-idle}). */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a queue to Parquet exactly once. Runs until SIGTERM (then commits what it holds and exits 0),",
            "or with --until-idle drains the queue, commits and exits."})
final class ConvertCommand implements Callable<Integer> {

    @Mixin
    ConverterOptions options;

    @Option(names = "--until-idle", description = "Drain the queue, commit and exit.")
    boolean untilIdle;

    @Option(names = "--progress", defaultValue = "5s", converter = UnitConverters.DurationConverter.class,
            description = "With --until-idle, print progress to stderr this often; 0 = never (default: ${DEFAULT-VALUE}). "
                    + "A service reports through its status file instead.")
    Duration progress;

    ConverterConfig load() {
        return options.load();
    }

    @Override
    public Integer call() {
        ConverterConfig cfg = load();
        long start = System.nanoTime();
        ConversionResult c;
        try (Progress p = Progress.start(untilIdle ? progress : Duration.ZERO, System.err, new StatusProgress(cfg.statusFile(), start))) {
            c = ConverterService.run(cfg, untilIdle);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.println(summary(c, secs));
        return 0;
    }

    /**
     * A progress line from the converter's own status file (it publishes there several times a second). The file is
     * opened afresh each time: a starting converter replaces it by a rename, so a mapping held across that would show
     * the previous run.
     */
    static final class StatusProgress implements java.util.function.Supplier<String> {
        private final Path statusFile;
        private final long begunNanos;

        StatusProgress(Path statusFile, long begunNanos) {
            this.statusFile = statusFile;
            this.begunNanos = begunNanos;
        }

        @Override
        public String get() {
            if (!Files.exists(statusFile)) {
                return null;
            }
            StatusSnapshot s;
            try (StatusFile status = StatusFile.open(statusFile, false, StatusFileDescriptor.KIND_CONVERTER)) {
                s = status.snapshot();
            }
            double secs = (System.nanoTime() - begunNanos) / 1e9;
            long read = s.value(ConverterStatusDescriptor.RECORDS_READ);
            return String.format(Locale.ROOT, "convert: %s records read, %s rows in %s committed file(s) (%s), %s behind the queue, "
                    + "after %s, %s", Humane.count(read), Humane.count(s.value(ConverterStatusDescriptor.ROWS_WRITTEN)),
                    Humane.count(s.value(ConverterStatusDescriptor.FILES_COMMITTED)),
                    Humane.bytes(s.value(ConverterStatusDescriptor.BYTES_WRITTEN)), Humane.count(s.value(ConverterStatusDescriptor.LAG_RECORDS)),
                    Humane.duration(Duration.ofNanos(System.nanoTime() - begunNanos)), Humane.rate(read / Math.max(secs, 1e-9)));
        }
    }

    static String summary(ConversionResult c, double secs) {
        if (c.schema() == null) {
            return String.format(Locale.ROOT, "stopped while starting, after %.3f s: converted nothing", secs);
        }
        String size;
        if (c.filesCommitted() == 0) {
            size = "nothing new to commit";
        } else if (c.schema().variable()) {
            // Records of a variable schema differ in length and the result does not count the bytes read: no ratio.
            size = String.format(Locale.ROOT, "%,d bytes of Parquet (%.1f B a row; records of %d to %,d bytes)", c.bytesWritten(),
                    (double) c.bytesWritten() / Math.max(1, c.rowsWritten()), c.schema().fixedLength(), c.schema().maxRecordLength());
        } else {
            long raw = c.rowsWritten() * c.schema().recordLength();
            size = String.format(Locale.ROOT, "%,d bytes of Parquet from %,d bytes of records (%.1f:1)", c.bytesWritten(), raw,
                    (double) raw / Math.max(1, c.bytesWritten()));
        }
        return String.format(Locale.ROOT, "converted %,d records into %,d file(s), %s, in %.3f s: %,.0f records/s; dataset %s; checkpoint %d;"
                + " quarantined %d%s%s", c.rowsWritten(), c.filesCommitted(), size, secs, c.recordsRead() / Math.max(secs, 1e-9), c.datasetDir(),
                c.lastCommitted(), c.quarantined(), c.outputFailures() == 0 ? "" : "; output failures retried " + c.outputFailures(),
                c.truncatedTimestamps() == 0 ? "" : String.format(Locale.ROOT, "; %,d timestamps lost precision to parquet.timestampUnit",
                        c.truncatedTimestamps()));
    }
}
