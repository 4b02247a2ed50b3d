package io.parquetry.status;

import static io.parquetry.status.ConverterStatusDescriptor.*;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The controlling side of a converter's status file: reads its state and raises flush, rotate and pause requests,
 * waiting for the converter to acknowledge them. Used by {@code bin/parquetry} and the console; liveness is
 * {@link Liveness}'s rule with the threshold given here.
 */
public final class ConverterControl implements AutoCloseable {

    /** The answer to a command. */
    public record Outcome(boolean ok, String file, String message) {
    }

    private final StatusFile status;
    private final Duration staleAfter;

    private ConverterControl(StatusFile status, Duration staleAfter) {
        this.status = status;
        this.staleAfter = staleAfter;
    }

    /** Maps a converter's status file for control, with {@link Liveness#DEFAULT_STALE_AFTER}. */
    public static ConverterControl open(Path statusFile) {
        return open(statusFile, Liveness.DEFAULT_STALE_AFTER);
    }

    /**
     * Maps a converter's status file for control.
     *
     * @throws IllegalStateException naming the file when it is not a converter's status file
     */
    public static ConverterControl open(Path statusFile, Duration staleAfter) {
        return new ConverterControl(StatusFile.open(statusFile, true, StatusFileDescriptor.KIND_CONVERTER), staleAfter);
    }

    public Path path() {
        return status.path();
    }

    /** Heartbeat fresh and the process present. */
    public boolean alive() {
        return status.alive(staleAfter);
    }

    /** A consistent copy of everything the converter published. */
    public StatusSnapshot snapshot() {
        return status.snapshot();
    }

    /** The state as people should see it: a converter that is not alive is stopped (or failed, if it said so). */
    public ConverterState state() {
        return effectiveState(snapshot(), alive());
    }

    /** The state word of {@code s}, unless the owner is not alive: then failed if it said so, else stopped. */
    public static ConverterState effectiveState(StatusSnapshot s, boolean alive) {
        ConverterState st = ConverterState.decode(s.value(STATE));
        if (!alive) {
            return st == ConverterState.FAILED ? ConverterState.FAILED : ConverterState.STOPPED;
        }
        return st;
    }

    public long pid() {
        return status.pid();
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
    private Outcome request(String name, int requested, int completed, int fileSlot, Duration timeout, Function<String, String> message) {
        if (!alive()) {
            return notRunning();
        }
        long seq = status.incrementCommand(requested);
        if (!await(completed, seq, timeout)) {
            return new Outcome(false, null, name + " not acknowledged within " + timeout.toMillis() + " ms (request " + seq + ")"
                    + (alive() ? "" : ": the converter stopped"));
        }
        String file = snapshot().text(fileSlot);
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
        long hb = status.heartbeatMillis();
        return new Outcome(false, null, "converter is not running: status=" + status.path() + ", pid=" + status.pid() + ", last heartbeat="
                + (hb == 0 ? "stopped cleanly" : Instant.ofEpochMilli(hb).toString()));
    }

    /**
     * The converter's lag as {@link ConverterLag} estimates it from this snapshot: for a converter that is not alive,
     * with the heads published by the recorder status files in its queue directory ({@code recorder*.status}), so a
     * stopped converter's backlog is counted (or said to be unknown), never shown as the 0 it last published.
     */
    public ConverterLag.Estimate lag(StatusSnapshot s, boolean alive) {
        String queue = s.text(TEXT_QUEUE);
        return ConverterLag.estimate(s, alive, alive || queue.isEmpty() ? List.of()
                : ConverterLag.headsInQueueDirectory(Path.of(queue), System.currentTimeMillis(), staleAfter));
    }

    /** {@code 1234 (unread 1000, uncommitted 234)}, {@code at least 1234 (...)} or {@code unknown: why}. */
    public static String describe(ConverterLag.Estimate lag) {
        if (!lag.known()) {
            return "unknown: " + lag.note();
        }
        String n = String.format(Locale.ROOT, "%s%d (unread %d, uncommitted %d)", lag.quality() == ConverterLag.Quality.AT_LEAST ? "at least "
                : "", lag.records(), lag.unread(), lag.uncommitted());
        return lag.note().isEmpty() ? n : n + ": " + lag.note();
    }

    @Override
    public void close() {
        status.close();
    }
}
