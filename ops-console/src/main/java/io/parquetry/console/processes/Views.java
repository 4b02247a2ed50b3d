package io.parquetry.console.processes;

import static io.parquetry.status.ConverterStatusDescriptor.*;

import io.parquetry.status.ConverterControl;
import io.parquetry.status.ConverterLag;
import io.parquetry.status.ConverterState;
import io.parquetry.status.RecorderStatusDescriptor;
import io.parquetry.status.StatusSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds {@link ProcessView}s from what a status file says: plain functions, so the rules can be tested on their own. */
final class Views {

    static final String READ = "read";
    static final String OUTPUT_BYTES = "outputBytes";
    static final String APPENDED = "appended";

    private Views() {
    }

    /** The view of a process whose status file cannot be read: its error, and no numbers. */
    static ProcessView unreadable(String id, WatchedProcess.Kind kind, Path statusFile, WatchedProcess.Reading r) {
        String state = r.missing() ? "missing" : "error";
        return new ProcessView(id, kind.label(), state, state, false, r.error(), null, null, null, statusFile.toString(), "", null, null);
    }

    /**
     * A converter's view.
     *
     * @param heads the queue's heads published by recorders (used while the converter is not alive)
     * @param lagWarn behind for longer than this while running: lagging
     */
    static ProcessView converter(String id, Path statusFile, StatusSnapshot f, long nowMs, Duration staleAfter, Duration lagWarn,
            List<ConverterLag.Head> heads, Rates rates) {
        boolean alive = f.alive(nowMs, staleAfter);
        ConverterState st = ConverterControl.effectiveState(f, alive);
        ConverterLag.Estimate lag = ConverterLag.estimate(f, alive, alive ? List.of() : heads);
        double behind = lag.secondsBehind(nowMs);
        boolean lagging = alive && lag.known() && behind > lagWarn.toMillis() / 1000.0;
        String health = !alive || st == ConverterState.FAILED ? "down" : st == ConverterState.RETRYING ? "out_of_service" : lagging ? "lagging"
                : "up";
        long opened = f.value(CURRENT_OPENED_MS);
        String lastCommit = f.text(TEXT_LAST_COMMIT_FILE);
        ProcessView.ConverterFields c = new ProcessView.ConverterFields(f.text(TEXT_QUEUE), f.text(TEXT_QUEUE_ID), f.text(TEXT_DATASET),
                f.text(TEXT_SCHEMA), f.text(TEXT_SOURCE), f.text(TEXT_SETTINGS), f.text(TEXT_VERSION), f.value(RECORDS_READ),
                f.value(ROWS_WRITTEN), f.value(FILES_COMMITTED), f.value(BYTES_WRITTEN), f.value(CHECKPOINT), f.value(LAST_READ_INDEX),
                lag.head(), lag.headSource(), lag.known() ? lag.records() : null, lag.quality().name().toLowerCase(Locale.ROOT), lag.note(),
                lag.known() ? lag.unread() : null, lag.known() ? lag.uncommitted() : null, lag.known() ? behind : null,
                lag.behindSinceMs() > 0 ? lag.behindSinceMs() : null, lagging, alive ? rates.perSecond(READ) : 0,
                alive ? Math.max(0, rates.perSecond(OUTPUT_BYTES)) / 1e6 : 0, f.text(TEXT_CURRENT_FILE), f.value(CURRENT_ROWS),
                f.value(CURRENT_BYTES), opened > 0 ? Math.max(0, nowMs - opened) : 0, lastCommit, partition(lastCommit), f.value(LAST_COMMIT_ROWS),
                f.value(LAST_COMMIT_BYTES), f.value(LAST_COMMIT_MS), f.value(ERRORS), f.value(QUARANTINED), f.value(SKIPPED_RECORDS),
                f.value(TRUNCATED_TIMESTAMPS), f.value(RETENTION_DELETED),
                new ProcessView.RotationCounts(f.value(ROTATIONS_ROWS), f.value(ROTATIONS_BYTES), f.value(ROTATIONS_AGE),
                        f.value(ROTATIONS_CYCLE), f.value(ROTATIONS_COMMAND), f.value(ROTATIONS_SHUTDOWN), f.value(ROTATIONS_DAMAGE),
                        f.value(ROTATIONS_SCHEMA)),
                st == ConverterState.PAUSED || f.value(PAUSED_SINCE_MS) > 0, f.value(PAUSED_SINCE_MS), f.value(OUTPUT_FAILURES),
                f.value(NEXT_RETRY_MS), positive(f.value(SCHEMA_VERSION)), positive(f.value(QUEUE_SCHEMA_VERSION)),
                positive(f.value(QUEUE_SCHEMA_CHANGED_MS)));
        return new ProcessView(id, "converter", st.label(), health, alive, null, f.pid(), f.startTimeMillis(), heartbeatAge(f, nowMs),
                statusFile.toString(), f.text(TEXT_LAST_ERROR), c, null);
    }

    /** A recorder's view. */
    static ProcessView recorder(String id, Path statusFile, StatusSnapshot f, long nowMs, Duration staleAfter, Rates rates) {
        boolean alive = f.alive(nowMs, staleAfter);
        boolean tripped = f.value(RecorderStatusDescriptor.DISK_GUARD_TRIPPED) == 1;
        ProcessView.RecorderFields r = new ProcessView.RecorderFields(f.text(RecorderStatusDescriptor.TEXT_QUEUE),
                f.text(RecorderStatusDescriptor.TEXT_QUEUE_ID), f.text(RecorderStatusDescriptor.TEXT_SCHEMA),
                f.text(RecorderStatusDescriptor.TEXT_ROLL_CYCLE), f.value(RecorderStatusDescriptor.APPENDED),
                f.value(RecorderStatusDescriptor.REFUSED_DISK_GUARD), f.value(RecorderStatusDescriptor.REFUSED_CLOSED),
                alive ? rates.perSecond(APPENDED) : 0, f.value(RecorderStatusDescriptor.FREE_BYTES), tripped,
                f.value(RecorderStatusDescriptor.LAST_APPEND_MS), f.value(RecorderStatusDescriptor.HEAD_INDEX),
                f.value(RecorderStatusDescriptor.WRITERS), f.value(RecorderStatusDescriptor.REFUSED_TOO_LONG),
                f.value(RecorderStatusDescriptor.TRUNCATED));
        String health = !alive ? "down" : tripped ? "out_of_service" : "up";
        return new ProcessView(id, "recorder", alive ? "running" : "stopped", health, alive, null, f.pid(), f.startTimeMillis(),
                heartbeatAge(f, nowMs), statusFile.toString(), f.text(RecorderStatusDescriptor.TEXT_LAST_ERROR), null, r);
    }

    /** Schema versions start at 1 and the queue's first version has no change time: 0 is "not known", shown as null. */
    private static Long positive(long v) {
        return v > 0 ? v : null;
    }

    private static Long heartbeatAge(StatusSnapshot f, long nowMs) {
        return f.heartbeatMillis() == 0 ? null : Math.max(0, nowMs - f.heartbeatMillis());
    }

    /** Feeds a snapshot's counters to the process's rates. */
    static void sample(WatchedProcess.Kind kind, StatusSnapshot f, long nowMs, Rates rates) {
        long owner = f.startTimeMillis() * 31 + f.pid();
        if (kind == WatchedProcess.Kind.CONVERTER) {
            rates.add(owner, nowMs, READ, f.value(RECORDS_READ));
            rates.add(owner, nowMs, OUTPUT_BYTES, f.value(BYTES_WRITTEN) + f.value(CURRENT_BYTES));
        } else {
            rates.add(owner, nowMs, APPENDED, f.value(RecorderStatusDescriptor.APPENDED));
        }
    }

    /**
     * The partition of a committed file: its {@code key=value} directories, {@code dt=2026-11-21/hour=06}; empty when
     * it has none.
     */
    static String partition(String file) {
        if (file == null || file.isEmpty()) {
            return "";
        }
        String[] parts = file.split("/");
        List<String> keys = new ArrayList<>();
        for (int i = parts.length - 2; i >= 0 && parts[i].matches("[^=]+=[^=]*"); i--) {
            keys.add(0, parts[i]);
        }
        return String.join("/", keys);
    }
}
