package io.parquetry.status;

import static io.parquetry.status.ConverterStatusDescriptor.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How far a converter is behind its queue, from status files alone, and how sure that answer is.
 *
 * <p>The converter counts with Chronicle's index and publishes, as of its last publication, the records it has not
 * read yet and the records it has read but not committed (slots 32 and 33). A converter that is down publishes
 * nothing more, while its queue may grow: then the newest head a recorder of the same queue published (every recorder
 * publishes the queue's head, whoever appended) tells how many records came since. Within one cycle that is exact
 * (sequence numbers of a cycle are dense, as {@code QueueReader.recordsBetween} relies on); when the head is in a later
 * cycle, the records left in the earlier cycles are unknown without Chronicle's index, so the answer is "at least" the
 * head's sequence in its cycle plus what the converter counted. With the converter down and no head to look at, the
 * answer is {@link Quality#UNKNOWN}, never 0.
 *
 * <p>Time behind is "not caught up since": the last moment the converter's reader had read everything up to the head
 * (slot 25). Every record not yet read was appended after that moment, so it bounds the age of the oldest one.
 */
public final class ConverterLag {

    private ConverterLag() {
    }

    /** How much an estimate can be trusted. */
    public enum Quality {
        /** Counted: the converter's own numbers, plus records appended since within the same cycle. */
        EXACT,
        /** A lower bound: the true lag may be larger (the head moved to a later cycle, or its last publisher died). */
        AT_LEAST,
        /** Nothing says where the queue's head is now. */
        UNKNOWN
    }

    /**
     * A head of the queue as a recorder published it.
     *
     * @param index the queue's last index (-1 empty)
     * @param queueId the queue id the recorder published, or empty
     * @param current true when no record can have been appended since it was published: the recorder is alive (it
     *     republishes every interval) or stopped cleanly (its last publication came after its last append)
     * @param source where it was read, for people
     */
    public record Head(long index, String queueId, boolean current, String source) {

        /** The head a recorder's status file gives, judged current by {@link Liveness} with {@code staleAfter}. */
        public static Head of(StatusSnapshot recorder, long nowMs, Duration staleAfter, String source) {
            boolean current = recorder.heartbeatMillis() == 0 || recorder.alive(nowMs, staleAfter);
            return new Head(recorder.value(RecorderStatusDescriptor.HEAD_INDEX), recorder.text(RecorderStatusDescriptor.TEXT_QUEUE_ID),
                    current, source);
        }
    }

    /**
     * One estimate.
     *
     * @param quality how sure
     * @param records records after the checkpoint, up to the head (-1 unknown): {@code unread + uncommitted}
     * @param unread records appended and not read yet (-1 unknown); for a converter that is down, everything after its
     *     checkpoint, since what it had read but not committed is read again at its next start
     * @param uncommitted records read and not committed yet: the file being written (0 for a converter that is down)
     * @param behindSinceMs the last time the converter had read everything (0: it has now, -1: unknown)
     * @param head the newest head known (-1 none)
     * @param headSource who published that head
     * @param note why the estimate is not exact, or empty
     */
    public record Estimate(Quality quality, long records, long unread, long uncommitted, long behindSinceMs, long head, String headSource,
            String note) {

        public boolean known() {
            return quality != Quality.UNKNOWN;
        }

        /** Seconds since the converter was last caught up: 0 when it is, NaN when unknown. */
        public double secondsBehind(long nowMs) {
            if (!known()) {
                return Double.NaN;
            }
            return behindSinceMs <= 0 ? 0 : Math.max(0, nowMs - behindSinceMs) / 1000.0;
        }
    }

    /**
     * Estimates a converter's lag from its snapshot and the heads recorders published.
     *
     * @param converter the converter's status
     * @param converterAlive {@link Liveness} of the converter
     * @param heads heads published by recorders; those of another queue id are left out (and said so in the note)
     */
    public static Estimate estimate(StatusSnapshot converter, boolean converterAlive, List<Head> heads) {
        boolean detail = converter.minorVersion() >= MINOR_WITH_LAG_DETAIL;
        long convHead = converter.value(HEAD_INDEX);
        long unread = detail ? converter.value(UNREAD_RECORDS) : Math.max(0, converter.value(LAG_RECORDS));
        long uncommitted = detail ? converter.value(UNCOMMITTED_RECORDS) : 0;
        int shift = detail ? (int) converter.value(INDEX_CYCLE_SHIFT) : 0;
        String queueId = converter.text(TEXT_QUEUE_ID);

        List<String> notes = new ArrayList<>();
        Head newest = null;
        for (Head h : heads) {
            if (!queueId.isEmpty() && !h.queueId().isEmpty() && !queueId.equals(h.queueId())) {
                notes.add("ignored " + h.source() + ": it records queue id " + h.queueId() + ", not " + queueId);
            } else if (newest == null || h.index() > newest.index()) {
                newest = h;
            }
        }

        Quality quality = Quality.EXACT;
        long extra = 0;
        long head = convHead;
        String headSource = "converter";
        if (newest != null && newest.index() > convHead) {
            head = newest.index();
            headSource = newest.source();
            if (shift > 0 && convHead >= 0 && (newest.index() >>> shift) == (convHead >>> shift)) {
                extra = newest.index() - convHead;
            } else {
                quality = Quality.AT_LEAST;
                extra = shift > 0 ? (newest.index() & ((1L << shift) - 1)) + 1 : 1;
                notes.add(shift > 0 ? "the head is in a later cycle than the converter last saw: records left in earlier cycles are not counted"
                        : "the converter does not publish its index layout: at least one record was appended since");
            }
            if (!newest.current()) {
                quality = Quality.AT_LEAST;
                notes.add(newest.source() + " stopped without a last publication: the head may have moved since");
            }
        } else if (!converterAlive) {
            if (newest == null) {
                notes.add("the converter is not running and no recorder status of its queue says where the head is now");
                return new Estimate(Quality.UNKNOWN, -1, -1, 0, -1, convHead, "converter (as it last saw it)", String.join("; ", notes));
            }
            if (!newest.current()) {
                quality = Quality.AT_LEAST;
                notes.add(newest.source() + " stopped without a last publication: the head may have moved since");
            }
            headSource = newest.index() == convHead ? newest.source() : headSource;
        }
        if (!converterAlive) {
            unread += uncommitted; // read again at the next start
            uncommitted = 0;
        }
        unread += extra;
        long behindSince = 0;
        if (unread > 0) {
            long caughtUp = converter.value(CAUGHT_UP_MS);
            behindSince = caughtUp > 0 ? caughtUp : converter.startTimeMillis();
        }
        return new Estimate(quality, unread + uncommitted, unread, uncommitted, behindSince, head, headSource, String.join("; ", notes));
    }

    /**
     * The recorder status files in a queue directory: {@code recorder.status} and, when several processes record into
     * the queue, {@code recorder-<pid>.status}. Files that cannot be read as a recorder's are left out.
     */
    public static List<Head> headsInQueueDirectory(Path queueDir, long nowMs, Duration staleAfter) {
        List<Head> out = new ArrayList<>();
        if (!Files.isDirectory(queueDir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(queueDir, "recorder*.status")) {
            for (Path f : files) {
                try (StatusFile s = StatusFile.open(f, false, StatusFileDescriptor.KIND_RECORDER)) {
                    out.add(Head.of(s.snapshot(), nowMs, staleAfter, f.toString()));
                } catch (RuntimeException e) {
                    // not a recorder's status file (or gone meanwhile): it says nothing about the head
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list queue directory: queue=" + queueDir + ": " + e, e);
        }
        return out;
    }
}
