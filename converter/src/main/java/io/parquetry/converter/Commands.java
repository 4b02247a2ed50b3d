package io.parquetry.converter;

import static io.parquetry.status.ConverterStatusDescriptor.*;

import io.parquetry.converter.output.OutputFailure;
import io.parquetry.platform.DurableFiles;
import io.parquetry.status.StatusFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The requests controllers raise in the status file's command words, answered by the converter's thread: flush (commit
 * everything appended before the request, then acknowledge with the file), rotate (commit now), pause and resume.
 *
 * <p>A pause lasts until a resume, across restarts: it is kept in {@code <stateDir>/}{@value #PAUSE_FILE_NAME} (written
 * aside, synced and renamed before the pause is acknowledged; deleted before a resume is), and a converter that starts
 * with that file there starts paused, saying so in its status file (the pause request word set, and the time it was
 * paused) and its log.
 */
final class Commands {

    /** The file in the state directory that keeps a pause. Its first line is the time of the pause in epoch ms. */
    static final String PAUSE_FILE_NAME = "paused";

    /** What the commands act on: the converter's agent. */
    interface Target {
        /** Commits the current file, if any. */
        void commitForCommand() throws OutputFailure;

        /** Index of the queue's last record now, or -1. */
        long head();

        /** Index of the last record read, or -1. */
        long lastRead();

        /** Publishes fresh numbers and the last flush's file before the flush is acknowledged. */
        void publishForFlush();

        void paused(boolean paused);
    }

    private static final long NO_FLUSH = Long.MIN_VALUE;

    private final StatusFile status;
    private final Path pauseFile;
    private long flushSeq;
    private long flushTarget = NO_FLUSH;
    private long rotateHandled;
    private boolean paused;
    private long pausedSinceMs;
    private boolean keptFromBefore;

    /**
     * Takes over the command words of a freshly created status file and restores a pause kept in {@code stateDir}.
     *
     * @throws IllegalStateException when the pause file exists but cannot be read (the state directory is unusable)
     */
    Commands(StatusFile status, Path stateDir) {
        this.status = status;
        this.pauseFile = stateDir.resolve(PAUSE_FILE_NAME);
        if (Files.exists(pauseFile)) {
            pausedSinceMs = readPausedSince(pauseFile);
            paused = true;
            keptFromBefore = true;
            status.command(CMD_PAUSE_REQUESTED, 1);
            status.command(CMD_PAUSE_APPLIED, 1);
        }
    }

    private static long readPausedSince(Path file) {
        try {
            String first = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
            try {
                return Long.parseLong(first);
            } catch (NumberFormatException e) {
                return Files.getLastModifiedTime(file).toMillis(); // written by hand: its time is good enough
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the kept pause: file=" + file + ": " + e, e);
        }
    }

    boolean paused() {
        return paused;
    }

    /** When the converter was paused, 0 when it is not. */
    long pausedSinceMs() {
        return paused ? pausedSinceMs : 0;
    }

    /** True while the pause this converter started with (kept from a previous run) has not been lifted. */
    boolean pausedSinceStart() {
        return paused && keptFromBefore;
    }

    Path pauseFile() {
        return pauseFile;
    }

    /** Takes new requests; returns how many it acted on. */
    int poll(Target t) throws OutputFailure {
        int work = 0;
        long flushReq = status.command(CMD_FLUSH_REQUESTED);
        if (flushReq > status.command(CMD_FLUSH_COMPLETED) && flushReq != flushSeq) {
            flushSeq = flushReq;
            flushTarget = t.head(); // everything appended before the request
            work++;
            if (flushTarget < 0 || flushTarget <= t.lastRead() || paused) {
                completeFlush(t);
            }
        }
        long rotateReq = status.command(CMD_ROTATE_REQUESTED);
        if (rotateReq > rotateHandled) {
            rotateHandled = rotateReq;
            t.commitForCommand();
            status.command(CMD_ROTATE_COMPLETED, rotateReq);
            work++;
        }
        boolean wantPause = status.command(CMD_PAUSE_REQUESTED) == 1;
        if (wantPause != paused) {
            if (wantPause) {
                t.commitForCommand(); // paused data is visible data
                keep(System.currentTimeMillis());
            } else {
                forget();
            }
            paused = wantPause;
            t.paused(paused);
            status.command(CMD_PAUSE_APPLIED, paused ? 1 : 0);
            work++;
        }
        return work;
    }

    /** Writes the pause file durably: once the pause is acknowledged, a restart keeps it. */
    private void keep(long nowMs) throws OutputFailure {
        String text = nowMs + "\n# paused at " + Instant.ofEpochMilli(nowMs) + "; the converter stays paused, across restarts, until resumed"
                + " (bin/parquetry resume, or the console)\n";
        try {
            DurableFiles.replace(pauseFile, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new OutputFailure("cannot keep the pause in the state directory", pauseFile, e);
        }
        pausedSinceMs = nowMs;
    }

    /** Deletes the pause file durably before the resume is acknowledged. */
    private void forget() throws OutputFailure {
        try {
            if (Files.deleteIfExists(pauseFile)) {
                DurableFiles.syncDirectory(pauseFile.toAbsolutePath().getParent());
            }
        } catch (IOException e) {
            throw new OutputFailure("cannot lift the kept pause in the state directory", pauseFile, e);
        }
        keptFromBefore = false;
        pausedSinceMs = 0;
    }

    /** After reading: completes a pending flush once the reader has passed its target, or has caught up. */
    int progress(Target t, boolean caughtUp) throws OutputFailure {
        if (flushTarget != NO_FLUSH && (caughtUp || t.lastRead() >= flushTarget)) {
            completeFlush(t);
            return 1;
        }
        return 0;
    }

    private void completeFlush(Target t) throws OutputFailure {
        t.commitForCommand();
        t.publishForFlush();
        status.command(CMD_FLUSH_COMPLETED, flushSeq);
        flushTarget = NO_FLUSH;
    }
}
