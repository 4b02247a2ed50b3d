package io.parquetry.console.processes;

import static io.parquetry.converter.ConverterStatusDescriptor.*;

import io.parquetry.converter.ConverterControl;
import io.parquetry.converter.ConverterStatusDescriptor.State;
import io.parquetry.recorder.RecorderStatusDescriptor;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusFileDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
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

    boolean alive(long nowMs, long staleAfterMs) {
        StatusFile f = file();
        if (f == null) {
            return false;
        }
        long hb = f.heartbeatMillis();
        return hb != 0 && nowMs - hb <= staleAfterMs && ProcessHandle.of(f.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Updates the rates from a new sample of the counters. */
    synchronized void sample(long nowMs) {
        StatusFile f = file();
        if (f == null) {
            return;
        }
        double secs = lastSampleMs == 0 ? 0 : (nowMs - lastSampleMs) / 1000.0;
        if (kind == Kind.CONVERTER) {
            long rows = f.value(RECORDS_READ);
            long bytes = f.value(BYTES_WRITTEN);
            if (secs > 0 && lastRows >= 0 && rows >= lastRows) {
                rowsPerSecond = (rows - lastRows) / secs;
                bytesPerSecond = Math.max(0, bytes - lastBytes) / secs;
            }
            lastRows = rows;
            lastBytes = bytes;
        } else {
            long appended = f.value(RecorderStatusDescriptor.APPENDED);
            if (secs > 0 && lastAppended >= 0 && appended >= lastAppended) {
                appendsPerSecond = (appended - lastAppended) / secs;
            }
            lastAppended = appended;
        }
        lastSampleMs = nowMs;
    }

    /** The current view. */
    synchronized ProcessView view(long nowMs, long staleAfterMs) {
        StatusFile f = file();
        boolean alive = alive(nowMs, staleAfterMs);
        String kindName = kind.name().toLowerCase(Locale.ROOT);
        if (f == null) {
            return new ProcessView(id, kindName, "missing", false, 0, -1, statusFile.toString(), "", "", "", "", "", 0, 0, 0, 0, -1, -1, 0, 0, 0,
                    0, "", 0, 0, 0, "", 0, 0, 0, 0, "status file not found", 0, new ProcessView.RotationCounts(0, 0, 0, 0, 0, 0), 0, 0, 0, 0,
                    0, false, 0);
        }
        long hbAge = f.heartbeatMillis() == 0 ? -1 : nowMs - f.heartbeatMillis();
        if (kind == Kind.CONVERTER) {
            if (f.kind() != StatusFileDescriptor.KIND_CONVERTER) {
                throw new IllegalStateException("status file is not a converter's: id=" + id + ", path=" + statusFile);
            }
            long s = f.value(STATE);
            String state = alive ? (s >= 0 && s < State.values().length ? State.values()[(int) s].name().toLowerCase(Locale.ROOT) : "unknown")
                    : (s == State.FAILED.ordinal() ? "failed" : "stopped");
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
        if (f.kind() != StatusFileDescriptor.KIND_RECORDER) {
            throw new IllegalStateException("status file is not a recorder's: id=" + id + ", path=" + statusFile);
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

    /** A control client on the status file (converters only). */
    ConverterControl control() {
        return ConverterControl.open(statusFile);
    }

    /** The commit log path the converter publishes. */
    Path commitLog() {
        StatusFile f = file();
        if (f == null || kind != Kind.CONVERTER) {
            return null;
        }
        String p = f.text(TEXT_COMMIT_LOG);
        return p.isEmpty() ? null : Path.of(p);
    }
}
