package io.parquetry.console.processes;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.parquetry.status.ConverterState;
import io.parquetry.status.RotationCause;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Prometheus meters per watched process, read from its status file at scrape time (one view per process per scrape).
 * Names follow Prometheus conventions, tagged {@code converter="id"} or {@code recorder="id"}. A number the console
 * cannot know is NaN (a stopped converter's lag with no recorder status to look at), never 0; a process whose status
 * file cannot be read is {@code up 0} and NaN elsewhere, and every other process's series are unaffected. The list is
 * in docs/OPERATIONS.md; the shipped Grafana dashboard and alert rules use only these names (tested).
 */
@Component
class ProcessMetrics {

    private static final long VIEW_TTL_MS = 200;

    private final ProcessRegistry registry;
    private final Map<String, Memo> memos = new HashMap<>();
    private final MultiGauge converterInfo;
    private final MultiGauge recorderInfo;

    /** The last view of one process, reused by every meter of one scrape. */
    private static final class Memo {
        private long atMs;
        private ProcessView view;
    }

    ProcessMetrics(ProcessRegistry registry, MeterRegistry meters) {
        this.registry = registry;
        for (WatchedProcess p : registry.all()) {
            memos.put(p.id(), new Memo());
            if (p.kind() == WatchedProcess.Kind.CONVERTER) {
                converter(meters, p, Tags.of("converter", p.id()));
            } else {
                recorder(meters, p, Tags.of("recorder", p.id()));
            }
        }
        converterInfo = MultiGauge.builder("parquetry.converter.info").description(
                "1 per converter, labelled with what it runs: version, schema (name vN fingerprint), queue id, source, dataset").register(meters);
        recorderInfo = MultiGauge.builder("parquetry.recorder.info").description(
                "1 per recorder, labelled with its schema (name vN fingerprint), queue id and roll cycle").register(meters);
        refreshInfo();
    }

    private void converter(MeterRegistry m, WatchedProcess p, Tags tags) {
        gauge(m, p, "parquetry.converter.up", "1 while the converter's heartbeat is fresh and its process is alive", tags, v -> v.alive() ? 1 : 0);
        cgauge(m, p, "parquetry.converter.lag.records",
                "records after the checkpoint up to the queue's head (not read + not committed); NaN when unknown", tags,
                c -> num(c.lagRecords()));
        cgauge(m, p, "parquetry.converter.lag.exact", "1 when lag_records is counted, 0 when it is a lower bound or unknown", tags,
                c -> "exact".equals(c.lagQuality()) ? 1 : 0);
        cgauge(m, p, "parquetry.converter.unread.records", "records appended and not yet read (the backlog); NaN when unknown", tags,
                c -> num(c.unreadRecords()));
        cgauge(m, p, "parquetry.converter.uncommitted.records", "records read and not yet committed (the file being written)", tags,
                c -> num(c.uncommittedRecords()));
        cgauge(m, p, "parquetry.converter.lag.seconds", "seconds since the converter last caught up with its queue's head; NaN when unknown",
                tags, c -> c.lagSeconds() == null ? Double.NaN : c.lagSeconds());
        cgauge(m, p, "parquetry.converter.lagging", "1 while running and behind for longer than lag-warn", tags, c -> c.lagging() ? 1 : 0);
        cgauge(m, p, "parquetry.converter.paused", "1 while paused (a pause lasts across restarts until resumed)", tags,
                c -> c.paused() ? 1 : 0);
        gauge(m, p, "parquetry.converter.retrying", "1 while the output fails and the converter retries with back-off", tags,
                v -> v.converter() == null ? Double.NaN : "retrying".equals(v.state()) ? 1 : 0);
        cgauge(m, p, "parquetry.converter.output.failures", "output failures in a row (0 while the output is healthy)", tags,
                c -> c.outputFailures());
        for (ConverterState s : ConverterState.values()) {
            gauge(m, p, "parquetry.converter.state", "1 for the converter's current state (stopped when not alive)", tags.and("state", s.label()),
                    v -> v.converter() == null ? 0 : s.label().equals(v.state()) ? 1 : 0);
        }
        cgauge(m, p, "parquetry.converter.current.rows", "rows in the file being written", tags, c -> c.currentRows());
        cgauge(m, p, "parquetry.converter.current.age.seconds", "age of the file being written", tags, c -> c.currentAgeMs() / 1000.0);
        cgauge(m, p, "parquetry.converter.last.commit.timestamp.seconds", "when the last file was committed (Unix time); 0 before the first",
                tags, c -> c.lastCommitAtMs() / 1000.0);
        gauge(m, p, "parquetry.converter.heartbeat.age.seconds", "age of the converter's last heartbeat; NaN when it stopped cleanly", tags,
                v -> v.heartbeatAgeMs() == null ? Double.NaN : v.heartbeatAgeMs() / 1000.0);
        gauge(m, p, "parquetry.converter.start.timestamp.seconds", "when the converter started (Unix time)", tags,
                v -> v.startedAtMs() == null ? Double.NaN : v.startedAtMs() / 1000.0);
        cgauge(m, p, "parquetry.converter.schema.version", "the schema version the converter writes files in now; NaN when not published",
                tags, c -> num(c.schemaVersion()));
        cgauge(m, p, "parquetry.converter.queue.schema.version", "the queue's newest schema version the converter knows; NaN when not published",
                tags, c -> num(c.queueSchemaVersion()));
        cgauge(m, p, "parquetry.converter.queue.schema.changed.timestamp.seconds",
                "when the queue took its newest schema version (Unix time); 0 while it has only its first, NaN when not published", tags,
                c -> c.queueSchemaVersion() == null ? Double.NaN : c.queueSchemaChangedAtMs() == null ? 0 : c.queueSchemaChangedAtMs() / 1000.0);
        counter(m, p, "parquetry.converter.records.read", "records read from the queue", tags, c -> c.recordsRead());
        counter(m, p, "parquetry.converter.rows.written", "rows committed to Parquet", tags, c -> c.rowsWritten());
        counter(m, p, "parquetry.converter.files.committed", "Parquet files committed", tags, c -> c.filesCommitted());
        counter(m, p, "parquetry.converter.bytes.written", "bytes of Parquet committed", tags, c -> c.bytesWritten());
        counter(m, p, "parquetry.converter.errors", "converter failures (output failures included)", tags, c -> c.errors());
        counter(m, p, "parquetry.converter.quarantined", "records quarantined (length not the schema's)", tags, c -> c.quarantined());
        counter(m, p, "parquetry.converter.skipped", "records skipped in damaged queue ranges an operator accepted (skip-damaged)", tags,
                c -> c.skippedRecords());
        counter(m, p, "parquetry.converter.timestamps.truncated", "timestamp values that lost precision to parquet.timestampUnit", tags,
                c -> c.truncatedTimestamps());
        counter(m, p, "parquetry.converter.retention.deleted", "queue cycle files deleted by retention", tags, c -> c.retentionDeleted());
        for (RotationCause cause : RotationCause.values()) {
            counter(m, p, "parquetry.converter.rotations", "files committed, by cause", tags.and("cause", cause.label()), c -> rotations(c, cause));
        }
    }

    private static long rotations(ProcessView.ConverterFields c, RotationCause cause) {
        ProcessView.RotationCounts r = c.rotations();
        return switch (cause) {
            case ROWS -> r.rows();
            case BYTES -> r.bytes();
            case AGE -> r.age();
            case CYCLE -> r.cycle();
            case COMMAND -> r.command();
            case SHUTDOWN -> r.shutdown();
            case DAMAGE -> r.damage();
            case SCHEMA -> r.schema();
        };
    }

    private void recorder(MeterRegistry m, WatchedProcess p, Tags tags) {
        gauge(m, p, "parquetry.recorder.up", "1 while the recorder's heartbeat is fresh and its process is alive", tags, v -> v.alive() ? 1 : 0);
        rcounter(m, p, "parquetry.recorder.appended", "records appended (by this recorder process)", tags, r -> r.appended());
        rcounter(m, p, "parquetry.recorder.refused", "appends refused", tags.and("cause", "disk_guard"), r -> r.refusedDiskGuard());
        rcounter(m, p, "parquetry.recorder.refused", "appends refused", tags.and("cause", "closed"), r -> r.refusedClosed());
        rcounter(m, p, "parquetry.recorder.refused", "appends refused", tags.and("cause", "too_long"), r -> r.refusedTooLong());
        rcounter(m, p, "parquetry.recorder.truncated", "string/binary values cut to their bound", tags, r -> r.truncated());
        rgauge(m, p, "parquetry.recorder.free.bytes", "free bytes on the queue's file system", tags, r -> r.freeBytes());
        rgauge(m, p, "parquetry.recorder.disk.guard.tripped", "1 while the disk guard refuses appends", tags, r -> r.diskGuardTripped() ? 1 : 0);
        rgauge(m, p, "parquetry.recorder.last.append.timestamp.seconds", "when a record was last appended (Unix time); 0 before the first",
                tags, r -> r.lastAppendMs() / 1000.0);
        rgauge(m, p, "parquetry.recorder.writers", "open writers", tags, r -> r.writers());
        gauge(m, p, "parquetry.recorder.heartbeat.age.seconds", "age of the recorder's last heartbeat; NaN when it stopped cleanly", tags,
                v -> v.heartbeatAgeMs() == null ? Double.NaN : v.heartbeatAgeMs() / 1000.0);
    }

    /** The info series: their labels change when a process restarts with another version or schema. */
    @Scheduled(fixedRateString = "${parquetry.console.sample-interval:1s}")
    void refreshInfo() {
        List<MultiGauge.Row<?>> conv = new ArrayList<>();
        List<MultiGauge.Row<?>> rec = new ArrayList<>();
        for (WatchedProcess p : registry.all()) {
            ProcessView v = view(p);
            if (v.converter() != null) {
                ProcessView.ConverterFields c = v.converter();
                conv.add(MultiGauge.Row.of(Tags.of("converter", v.id(), "version", c.version(), "schema", c.schema(), "queue_id", c.queueId(),
                        "source", c.source(), "dataset", c.dataset()), 1));
            } else if (v.recorder() != null) {
                ProcessView.RecorderFields r = v.recorder();
                rec.add(MultiGauge.Row.of(Tags.of("recorder", v.id(), "schema", r.schema(), "queue_id", r.queueId(), "roll_cycle", r.rollCycle()), 1));
            }
        }
        // Not overwriting: a row that stays is left alone (overwriting removes and re-adds it, and a scrape in between
        // would miss it); rows whose labels changed are replaced, rows gone are removed.
        converterInfo.register(conv, false);
        recorderInfo.register(rec, false);
    }

    private static double num(Long v) {
        return v == null ? Double.NaN : v;
    }

    /** The view of {@code p}, made at most once per {@link #VIEW_TTL_MS}: a scrape reads each status file once. */
    private ProcessView view(WatchedProcess p) {
        Memo memo = memos.get(p.id());
        synchronized (memo) {
            long now = System.currentTimeMillis();
            if (memo.view == null || now - memo.atMs > VIEW_TTL_MS) {
                memo.view = registry.view(p, now);
                memo.atMs = now;
            }
            return memo.view;
        }
    }

    private void gauge(MeterRegistry m, WatchedProcess p, String name, String help, Tags tags, ToDoubleFunction<ProcessView> f) {
        Gauge.builder(name, p, w -> f.applyAsDouble(view(w))).description(help).tags(tags).register(m);
    }

    private void cgauge(MeterRegistry m, WatchedProcess p, String name, String help, Tags tags,
            ToDoubleFunction<ProcessView.ConverterFields> f) {
        gauge(m, p, name, help, tags, v -> v.converter() == null ? Double.NaN : f.applyAsDouble(v.converter()));
    }

    private void rgauge(MeterRegistry m, WatchedProcess p, String name, String help, Tags tags,
            ToDoubleFunction<ProcessView.RecorderFields> f) {
        gauge(m, p, name, help, tags, v -> v.recorder() == null ? Double.NaN : f.applyAsDouble(v.recorder()));
    }

    private void counter(MeterRegistry m, WatchedProcess p, String name, String help, Tags tags, ToDoubleFunction<ProcessView.ConverterFields> f) {
        FunctionCounter.builder(name, p, w -> {
            ProcessView v = view(w);
            return v.converter() == null ? Double.NaN : f.applyAsDouble(v.converter());
        }).description(help).tags(tags).register(m);
    }

    private void rcounter(MeterRegistry m, WatchedProcess p, String name, String help, Tags tags, ToDoubleFunction<ProcessView.RecorderFields> f) {
        FunctionCounter.builder(name, p, w -> {
            ProcessView v = view(w);
            return v.recorder() == null ? Double.NaN : f.applyAsDouble(v.recorder());
        }).description(help).tags(tags).register(m);
    }
}
