package io.parquetry.converter;

import static io.parquetry.status.ConverterStatusDescriptor.*;

import io.parquetry.converter.output.OutputFailure;
import io.parquetry.status.StatusFile;

/**
 * The requests controllers raise in the status file's command words, answered by the converter's thread: flush (commit
 * everything appended before the request, then acknowledge with the file), rotate (commit now), pause and resume.
 */
final class Commands {

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
    private long flushSeq;
    private long flushTarget = NO_FLUSH;
    private long rotateHandled;
    private boolean paused;

    Commands(StatusFile status) {
        this.status = status;
    }

    boolean paused() {
        return paused;
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
            }
            paused = wantPause;
            t.paused(paused);
            status.command(CMD_PAUSE_APPLIED, paused ? 1 : 0);
            work++;
        }
        return work;
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
