package io.parquetry.converter;

import static io.parquetry.converter.ConverterStatusDescriptor.*;

import io.parquetry.converter.ConverterStatusDescriptor.State;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusFileDescriptor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The controlling side of a converter's status file: reads its state and raises flush, rotate and pause requests,
 * waiting for the converter to acknowledge them. Used by {@code bin/parquetry} and the console.
 */
public final class ConverterControl implements AutoCloseable {

    /** A heartbeat older than this means the converter is not running (it beats every 200 ms). */
    public static final long STALE_AFTER_MS = 3_000;

    /** The answer to a command. */
    public record Outcome(boolean ok, String file, String message) {
    }

    private final StatusFile status;

    private ConverterControl(StatusFile status) {
        this.status = status;
    }

    /** Maps a converter's status file for control. */
    public static ConverterControl open(Path statusFile) {
        StatusFile s = StatusFile.open(statusFile, true);
        if (s.kind() != StatusFileDescriptor.KIND_CONVERTER) {
            throw new IllegalArgumentException("not a converter status file: path=" + statusFile + ", kind=" + s.kind());
        }
        return new ConverterControl(s);
    }

    public Path path() {
        return status.path();
    }

    /** Heartbeat fresh and the process present. */
    public boolean alive() {
        long hb = status.heartbeatMillis();
        if (hb == 0 || System.currentTimeMillis() - hb > STALE_AFTER_MS) {
            return false;
        }
        return ProcessHandle.of(status.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    public State state() {
        long s = status.value(STATE);
        State st = s >= 0 && s < State.values().length ? State.values()[(int) s] : State.FAILED;
        if (!alive() && st != State.FAILED) {
            return State.STOPPED;
        }
        return st;
    }

    public long value(int slot) {
        return status.value(slot);
    }

    public String text(int slot) {
        return status.text(slot);
    }

    public long pid() {
        return status.pid();
    }

    public long lagRecords() {
        return status.value(LAG_RECORDS);
    }

    public Outcome flush(Duration timeout) {
        return request("flush", CMD_FLUSH_REQUESTED, CMD_FLUSH_COMPLETED, TEXT_LAST_FLUSH_FILE, timeout,
                file -> file.isEmpty() ? "flushed: nothing to commit" : "flushed: committed " + file);
    }

    public Outcome rotate(Duration timeout) {
        return request("rotate", CMD_ROTATE_REQUESTED, CMD_ROTATE_COMPLETED, TEXT_LAST_COMMIT_FILE, timeout,
                file -> "rotated: last committed file " + (file.isEmpty() ? "(none)" : file));
    }

    /** Raises a numbered request and waits until the converter acknowledges it, answering with the file it names. */
    private Outcome request(String name, int requested, int completed, int fileSlot, Duration timeout,
            java.util.function.Function<String, String> message) {
        if (!alive()) {
            return notRunning();
        }
        long seq = status.incrementCommand(requested);
        if (!await(completed, seq, timeout)) {
            return new Outcome(false, null, name + " not acknowledged within " + timeout.toMillis() + " ms (request " + seq + ")");
        }
        String file = status.text(fileSlot);
        return new Outcome(true, file, message.apply(file));
    }

    public Outcome pause(Duration timeout) {
        return setPaused(true, timeout);
    }

    public Outcome resume(Duration timeout) {
        return setPaused(false, timeout);
    }

    private Outcome setPaused(boolean pause, Duration timeout) {
        if (!alive()) {
            return notRunning();
        }
        long want = pause ? 1 : 0;
        status.command(CMD_PAUSE_REQUESTED, want);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (status.command(CMD_PAUSE_APPLIED) != want) {
            if (System.nanoTime() > deadline || !alive()) {
                return new Outcome(false, null, (pause ? "pause" : "resume") + " not acknowledged within " + timeout.toMillis() + " ms");
            }
            sleep();
        }
        return new Outcome(true, null, pause ? "paused (current file committed)" : "resumed");
    }

    private boolean await(int command, long seq, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (status.command(command) < seq) {
            if (System.nanoTime() > deadline || !alive()) {
                return false;
            }
            sleep();
        }
        return true;
    }

    private static void sleep() {
        try {
            TimeUnit.MILLISECONDS.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the converter", e);
        }
    }

    private Outcome notRunning() {
        return new Outcome(false, null, "converter is not running: status=" + status.path() + ", pid=" + status.pid() + ", last heartbeat="
                + (status.heartbeatMillis() == 0 ? "stopped cleanly" : Instant.ofEpochMilli(status.heartbeatMillis()).toString()));
    }

    /** Everything the status file says, in display order, for {@code parquetry status}. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("state", state().name().toLowerCase(Locale.ROOT));
        m.put("pid", Long.toString(status.pid()));
        m.put("started", Instant.ofEpochMilli(status.startTimeMillis()).toString());
        m.put("queue", status.text(TEXT_QUEUE));
        m.put("dataset", status.text(TEXT_DATASET));
        m.put("schema", status.text(TEXT_SCHEMA));
        m.put("source", status.text(TEXT_SOURCE));
        m.put("settings", status.text(TEXT_SETTINGS));
        m.put("records read", Long.toString(value(RECORDS_READ)));
        m.put("rows written", Long.toString(value(ROWS_WRITTEN)));
        m.put("files committed", Long.toString(value(FILES_COMMITTED)));
        m.put("bytes written", Long.toString(value(BYTES_WRITTEN)));
        m.put("checkpoint", Long.toString(value(CHECKPOINT)));
        m.put("head", Long.toString(value(HEAD_INDEX)));
        m.put("lag records", Long.toString(value(LAG_RECORDS)));
        m.put("current file", status.text(TEXT_CURRENT_FILE));
        m.put("current rows", Long.toString(value(CURRENT_ROWS)));
        m.put("last commit", status.text(TEXT_LAST_COMMIT_FILE));
        m.put("rotations", String.format(Locale.ROOT, "rows=%d bytes=%d age=%d cycle=%d command=%d shutdown=%d", value(ROTATIONS_ROWS),
                value(ROTATIONS_BYTES), value(ROTATIONS_AGE), value(ROTATIONS_CYCLE), value(ROTATIONS_COMMAND), value(ROTATIONS_SHUTDOWN)));
        m.put("errors", Long.toString(value(ERRORS)));
        m.put("quarantined", Long.toString(value(QUARANTINED)));
        m.put("last error", status.text(TEXT_LAST_ERROR));
        return m;
    }

    @Override
    public void close() {
        status.close();
    }
}
