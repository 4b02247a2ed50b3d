package io.parquetry.converter;

import io.parquetry.status.Liveness;
import io.parquetry.status.StatusFile;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a recorder has a queue open now, from the status files recorders publish in the queue directory by default
 * ({@code recorder.status}, {@code recorder-<pid>.status}): a live heartbeat and a live pid ({@link Liveness}). A
 * recorder whose status file is configured elsewhere is not seen.
 */
final class RecorderPresence {

    private RecorderPresence() {
    }

    static boolean anyLive(Path queueDir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(queueDir, "recorder*.status")) {
            for (Path f : files) {
                try (StatusFile s = StatusFile.open(f, false)) {
                    if (s.alive(Liveness.DEFAULT_STALE_AFTER)) {
                        return true;
                    }
                } catch (RuntimeException unreadable) {
                    // a damaged or half-written status file says nothing of a live recorder
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
