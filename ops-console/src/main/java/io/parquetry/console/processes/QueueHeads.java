package io.parquetry.console.processes;

import static io.parquetry.status.ConverterStatusDescriptor.TEXT_QUEUE;
import static io.parquetry.status.ConverterStatusDescriptor.TEXT_QUEUE_ID;

import io.parquetry.status.ConverterLag;
import io.parquetry.status.RecorderStatusDescriptor;
import io.parquetry.status.StatusSnapshot;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the console finds a queue's head for a converter that is down: the recorder linked to it in the configuration,
 * or else every watched recorder of the same queue and every {@code recorder*.status} file in the converter's queue
 * directory (the recorder's default place). Directory listings are kept for a few seconds and files stay mapped.
 */
final class QueueHeads {

    private static final long LIST_EVERY_MS = 2_000;

    private final Map<String, WatchedProcess> recorders;
    private final Duration rateWindow;
    private final Map<Path, Listing> listings = new HashMap<>();

    private record Listing(long atMs, List<WatchedProcess> files) {
    }

    /** @param recorders the watched recorders by id */
    QueueHeads(Map<String, WatchedProcess> recorders, Duration rateWindow) {
        this.recorders = recorders;
        this.rateWindow = rateWindow;
    }

    /**
     * The heads that may tell where the converter's queue is now.
     *
     * @param linkedRecorder the configured recorder id, or null
     */
    List<ConverterLag.Head> heads(String linkedRecorder, StatusSnapshot converter, long nowMs, Duration staleAfter) {
        List<ConverterLag.Head> out = new ArrayList<>();
        if (linkedRecorder != null) {
            WatchedProcess r = recorders.get(linkedRecorder);
            add(out, r, nowMs, staleAfter, "recorder " + linkedRecorder);
            return out;
        }
        String queue = converter.text(TEXT_QUEUE);
        String queueId = converter.text(TEXT_QUEUE_ID);
        List<Path> seen = new ArrayList<>();
        for (WatchedProcess r : recorders.values()) {
            WatchedProcess.Reading reading = r.read();
            if (reading.ok() && (sameQueue(reading.snapshot(), queue, queueId))) {
                out.add(ConverterLag.Head.of(reading.snapshot(), nowMs, staleAfter, "recorder " + r.id()));
                seen.add(r.statusFile().toAbsolutePath().normalize());
            }
        }
        if (!queue.isEmpty()) {
            for (WatchedProcess f : listing(Path.of(queue), nowMs)) {
                if (!seen.contains(f.statusFile().toAbsolutePath().normalize())) {
                    add(out, f, nowMs, staleAfter, f.statusFile().toString());
                }
            }
        }
        return out;
    }

    private static boolean sameQueue(StatusSnapshot recorder, String queue, String queueId) {
        String id = recorder.text(RecorderStatusDescriptor.TEXT_QUEUE_ID);
        return !queueId.isEmpty() && queueId.equals(id) || !queue.isEmpty() && queue.equals(recorder.text(RecorderStatusDescriptor.TEXT_QUEUE));
    }

    private static void add(List<ConverterLag.Head> out, WatchedProcess r, long nowMs, Duration staleAfter, String source) {
        if (r == null) {
            return;
        }
        WatchedProcess.Reading reading = r.read();
        if (reading.ok()) {
            out.add(ConverterLag.Head.of(reading.snapshot(), nowMs, staleAfter, source));
        }
    }

    private synchronized List<WatchedProcess> listing(Path queueDir, long nowMs) {
        Listing l = listings.get(queueDir);
        if (l == null || nowMs - l.atMs() >= LIST_EVERY_MS) {
            Map<Path, WatchedProcess> known = new HashMap<>();
            if (l != null) {
                l.files().forEach(w -> known.put(w.statusFile(), w));
            }
            List<WatchedProcess> files = new ArrayList<>();
            if (Files.isDirectory(queueDir)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(queueDir, "recorder*.status")) {
                    for (Path p : ds) {
                        files.add(known.getOrDefault(p, new WatchedProcess(p.getFileName().toString(), WatchedProcess.Kind.RECORDER, p,
                                rateWindow)));
                    }
                } catch (IOException | RuntimeException e) {
                    // an unreadable queue directory tells nothing about the head: the lag is then unknown
                }
            }
            l = new Listing(nowMs, files);
            listings.put(queueDir, l);
        }
        return l.files();
    }
}
