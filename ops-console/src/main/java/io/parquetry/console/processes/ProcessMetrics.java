package io.parquetry.console.processes;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.function.ToDoubleFunction;
import org.springframework.stereotype.Component;

/**
 * Prometheus meters per watched process, read from its status file at scrape time. Names follow Prometheus
 * conventions ({@code parquetry_converter_rows_written_total}, {@code parquetry_converter_lag_records}, ...), tagged
 * with the process id.
 */
@Component
class ProcessMetrics {

    ProcessMetrics(ProcessRegistry registry, MeterRegistry meters) {
        for (WatchedProcess p : registry.all()) {
            Tags tags = Tags.of(p.kind() == WatchedProcess.Kind.CONVERTER ? "converter" : "recorder", p.id());
            ToDoubleFunction<WatchedProcess> up = w -> w.alive(System.currentTimeMillis(), registry.staleAfter()) ? 1 : 0;
            if (p.kind() == WatchedProcess.Kind.CONVERTER) {
                Gauge.builder("parquetry.converter.up", p, up).description("1 while the converter's heartbeat is fresh").tags(tags)
                        .register(meters);
                gauge(meters, p, registry, "parquetry.converter.lag.records", "records appended but not committed", tags,
                        v -> v.lagRecords());
                gauge(meters, p, registry, "parquetry.converter.lag.seconds", "time since the converter was last caught up", tags,
                        v -> v.lagMs() / 1000.0);
                gauge(meters, p, registry, "parquetry.converter.current.rows", "rows in the file being written", tags,
                        v -> v.currentRows());
                counter(meters, p, registry, "parquetry.converter.records.read", "records read from the queue", tags, v -> v.recordsRead());
                counter(meters, p, registry, "parquetry.converter.rows.written", "rows committed to Parquet", tags, v -> v.rowsWritten());
                counter(meters, p, registry, "parquetry.converter.files.committed", "Parquet files committed", tags,
                        v -> v.filesCommitted());
                counter(meters, p, registry, "parquetry.converter.bytes.written", "bytes of Parquet committed", tags,
                        v -> v.bytesWritten());
                counter(meters, p, registry, "parquetry.converter.errors", "converter failures", tags, v -> v.errors());
                counter(meters, p, registry, "parquetry.converter.quarantined", "records quarantined", tags, v -> v.quarantined());
            } else {
                Gauge.builder("parquetry.recorder.up", p, up).description("1 while the recorder's heartbeat is fresh").tags(tags)
                        .register(meters);
                counter(meters, p, registry, "parquetry.recorder.appended", "records appended", tags, v -> v.appended());
                counter(meters, p, registry, "parquetry.recorder.refused", "appends refused", tags.and("cause", "disk_guard"),
                        v -> v.refusedDiskGuard());
                counter(meters, p, registry, "parquetry.recorder.refused", "appends refused", tags.and("cause", "closed"),
                        v -> v.refusedClosed());
                gauge(meters, p, registry, "parquetry.recorder.free.bytes", "free bytes on the queue's file system", tags,
                        v -> v.freeBytes());
                gauge(meters, p, registry, "parquetry.recorder.disk.guard.tripped", "1 while the disk guard refuses appends", tags,
                        v -> v.diskGuardTripped() ? 1 : 0);
            }
        }
    }

    private static void gauge(MeterRegistry m, WatchedProcess p, ProcessRegistry r, String name, String help, Tags tags,
            ToDoubleFunction<ProcessView> f) {
        Gauge.builder(name, p, w -> f.applyAsDouble(w.view(System.currentTimeMillis(), r.staleAfter()))).description(help).tags(tags)
                .register(m);
    }

    private static void counter(MeterRegistry m, WatchedProcess p, ProcessRegistry r, String name, String help, Tags tags,
            ToDoubleFunction<ProcessView> f) {
        FunctionCounter.builder(name, p, w -> f.applyAsDouble(w.view(System.currentTimeMillis(), r.staleAfter()))).description(help)
                .tags(tags).register(m);
    }
}
