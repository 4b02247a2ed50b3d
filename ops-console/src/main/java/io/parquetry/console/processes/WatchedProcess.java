package io.parquetry.console.processes;

import static io.parquetry.status.ConverterStatusDescriptor.*;

import io.parquetry.status.ConverterControl;
import io.parquetry.status.RecorderStatusDescriptor;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusFileDescriptor;
import io.parquetry.status.StatusSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * One watched status file. Maps it lazily (a process may start after the console) and re-maps when the owner replaced
 * it (a restart creates a fresh file). Thread-safe: the sampler and request threads share it.
 */
final class WatchedProcess {

    enum Kind {
        CONVERTER, RECORDER
    }

    private final String id;
    private final Kind kind;
    private final Path statusFile;
    private StatusFile mapped;
    private Object mappedKey;
    private long lastRows = -1;
    private long lastBytes = -1;
    private long lastAppended = -1;
    private long lastSampleMs;
    private double rowsPerSecond;
    private double bytesPerSecond;
    private double appendsPerSecond;

    WatchedProcess(String id, Kind kind, Path statusFile) {
        this.id = id;
        this.kind = kind;
        this.statusFile = statusFile;
    }

    String id() {
        return id;
    }

    Kind kind() {
        return kind;
    }

    Path statusFile() {
        return statusFile;
    }

    /** The mapped file, or null when it does not exist (yet). */
    synchronized StatusFile file() {
        try {
            if (!Files.exists(statusFile)) {
                mapped = null;
                return null;
            }
            Object key = Files.readAttributes(statusFile, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            if (mapped == null || key == null || !key.equals(mappedKey)) {
                mapped = StatusFile.open(statusFile, false);
                mappedKey = key;
            }
            return mapped;
        } catch (java.io.IOException | RuntimeException e) {
            mapped = null;
            return null;
        }
    }

    /** A consistent copy of the status file, or null when there is none (yet). */
    StatusSnapshot snapshot() {
        StatusFile f = file();
        return f == null ? null : f.snapshot();
    }

    boolean alive(long nowMs, Duration staleAfter) {
        StatusSnapshot s = snapshot();
        return s != null && s.alive(nowMs, staleAfter);
    }

    /** Updates the rates from a new sample of the counters. */
    synchronized void sample(long nowMs) {
        StatusSnapshot s = snapshot();
        if (s == null || s.kind() != expectedKind()) {
            return;
        }
        double secs = lastSampleMs == 0 ? 0 : (nowMs - lastSampleMs) / 1000.0;
        if (kind == Kind.CONVERTER) {
            long rows = s.value(RECORDS_READ);
            long bytes = s.value(BYTES_WRITTEN);
            if (secs > 0 && lastRows >= 0 && rows >= lastRows) {
                rowsPerSecond = (rows - lastRows) / secs;
                bytesPerSecond = Math.max(0, bytes - lastBytes) / secs;
            }
            lastRows = rows;
            lastBytes = bytes;
        } else {
            long appended = s.value(RecorderStatusDescriptor.APPENDED);
            if (secs > 0 && lastAppended >= 0 && appended >= lastAppended) {
                appendsPerSecond = (appended - lastAppended) / secs;
            }
            lastAppended = appended;
        }
        lastSampleMs = nowMs;
    }

    private int expectedKind() {
        return kind == Kind.CONVERTER ? StatusFileDescriptor.KIND_CONVERTER : StatusFileDescriptor.KIND_RECORDER;
    }

    /** The current view, from one snapshot. A missing file or one of another kind is this process's error, nothing more. */
    synchronized ProcessView view(long nowMs, Duration staleAfter) {
        StatusSnapshot f = snapshot();
        String kindName = kind.name().toLowerCase(Locale.ROOT);
        if (f == null || f.kind() != expectedKind()) {
            String error = f == null ? "status file not found" : "status file is a " + StatusFile.kindName(f.kind()) + "'s, not a " + kindName
                    + "'s: path=" + statusFile;
            return new ProcessView(id, kindName, f == null ? "missing" : "error", false, 0, -1, statusFile.toString(), "", "", "", "", "", 0, 0,
                    0, 0, -1, -1, 0, 0, 0, 0, "", 0, 0, 0, "", 0, 0, 0, 0, error, 0, new ProcessView.RotationCounts(0, 0, 0, 0, 0, 0), 0, 0, 0,
                    0, 0, false, 0);
        }
        boolean alive = f.alive(nowMs, staleAfter);
        long hbAge = f.heartbeatMillis() == 0 ? -1 : nowMs - f.heartbeatMillis();
        if (kind == Kind.CONVERTER) {
            String state = ConverterControl.effectiveState(f, alive).label();
            long lag = f.value(LAG_RECORDS);
            long lagMs = lag > 0 && f.value(CAUGHT_UP_MS) > 0 ? Math.max(0, nowMs - f.value(CAUGHT_UP_MS)) : 0;
            long opened = f.value(CURRENT_OPENED_MS);
            return new ProcessView(id, kindName, state, alive, f.pid(), hbAge, statusFile.toString(), f.text(TEXT_QUEUE), f.text(TEXT_DATASET),
                    f.text(TEXT_SCHEMA), f.text(TEXT_SOURCE), f.text(TEXT_SETTINGS), f.value(RECORDS_READ), f.value(ROWS_WRITTEN),
                    f.value(FILES_COMMITTED), f.value(BYTES_WRITTEN), f.value(CHECKPOINT), f.value(HEAD_INDEX), lag, lagMs,
                    alive ? rowsPerSecond : 0, alive ? bytesPerSecond / 1e6 : 0, f.text(TEXT_CURRENT_FILE), f.value(CURRENT_ROWS),
                    f.value(CURRENT_BYTES), opened > 0 ? nowMs - opened : 0, f.text(TEXT_LAST_COMMIT_FILE), f.value(LAST_COMMIT_ROWS),
                    f.value(LAST_COMMIT_BYTES), f.value(LAST_COMMIT_MS), f.value(ERRORS), f.text(TEXT_LAST_ERROR), f.value(QUARANTINED),
                    new ProcessView.RotationCounts(f.value(ROTATIONS_ROWS), f.value(ROTATIONS_BYTES), f.value(ROTATIONS_AGE),
                            f.value(ROTATIONS_CYCLE), f.value(ROTATIONS_COMMAND), f.value(ROTATIONS_SHUTDOWN)), 0, 0, 0, 0, 0, false, 0);
        }
        return new ProcessView(id, kindName, alive ? "running" : "stopped", alive, f.pid(), hbAge, statusFile.toString(),
                f.text(RecorderStatusDescriptor.TEXT_QUEUE), "", f.text(RecorderStatusDescriptor.TEXT_SCHEMA), "",
                f.text(RecorderStatusDescriptor.TEXT_ROLL_CYCLE), 0, 0, 0, 0, -1, f.value(RecorderStatusDescriptor.HEAD_INDEX), 0, 0, 0, 0,
                "", 0, 0, 0, "", 0, 0, 0, 0, f.text(RecorderStatusDescriptor.TEXT_LAST_ERROR), 0,
                new ProcessView.RotationCounts(0, 0, 0, 0, 0, 0), f.value(RecorderStatusDescriptor.APPENDED),
                f.value(RecorderStatusDescriptor.REFUSED_DISK_GUARD), f.value(RecorderStatusDescriptor.REFUSED_CLOSED),
                alive ? appendsPerSecond : 0, f.value(RecorderStatusDescriptor.FREE_BYTES),
                f.value(RecorderStatusDescriptor.DISK_GUARD_TRIPPED) == 1, f.value(RecorderStatusDescriptor.LAST_APPEND_MS));
    }

    /** A control client on the status file (converters only), with the console's liveness threshold. */
    ConverterControl control(Duration staleAfter) {
        return ConverterControl.open(statusFile, staleAfter);
    }

    /** The commit log path the converter publishes. */
    Path commitLog() {
        StatusSnapshot f = snapshot();
        if (f == null || kind != Kind.CONVERTER || f.kind() != StatusFileDescriptor.KIND_CONVERTER) {
            return null;
        }
        String p = f.text(TEXT_COMMIT_LOG);
        return p.isEmpty() ? null : Path.of(p);
    }
}
