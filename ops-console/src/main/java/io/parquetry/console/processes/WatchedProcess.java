package io.parquetry.console.processes;

import io.parquetry.status.ConverterControl;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusFileDescriptor;
import io.parquetry.status.StatusSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Locale;

/**
 * One watched status file. Maps it lazily (a process may start after the console) and re-maps when the owner replaced
 * it (a restart creates a fresh file). Reading never throws: whatever is wrong with the file (missing, not a status
 * file, of another kind, of an unknown version, unreadable) is this process's {@link Reading#error()}, and nothing
 * else's. Thread-safe: the sampler and request threads share it.
 */
final class WatchedProcess {

    enum Kind {
        CONVERTER, RECORDER;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        int statusKind() {
            return this == CONVERTER ? StatusFileDescriptor.KIND_CONVERTER : StatusFileDescriptor.KIND_RECORDER;
        }
    }

    /**
     * What reading the status file gave: a snapshot, or why there is none.
     *
     * @param snapshot the snapshot, or null
     * @param missing true when the file does not exist (yet)
     * @param error why there is no snapshot, or null
     */
    record Reading(StatusSnapshot snapshot, boolean missing, String error) {

        boolean ok() {
            return snapshot != null;
        }
    }

    private final String id;
    private final Kind kind;
    private final Path statusFile;
    private final Rates rates;
    private StatusFile mapped;
    private Object mappedKey;

    WatchedProcess(String id, Kind kind, Path statusFile, Duration rateWindow) {
        this.id = id;
        this.kind = kind;
        this.statusFile = statusFile;
        this.rates = new Rates(rateWindow);
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

    Rates rates() {
        return rates;
    }

    /** A consistent copy of the status file, or the reason there is none. */
    synchronized Reading read() {
        try {
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(statusFile, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                mapped = null;
                return new Reading(null, true, "status file not found (is the process running?): path=" + statusFile);
            }
            if (!attrs.isRegularFile()) {
                mapped = null;
                return new Reading(null, false, "not a status file (not a regular file): path=" + statusFile);
            }
            Object key = attrs.fileKey();
            if (mapped == null || key == null || !key.equals(mappedKey)) {
                mapped = null;
                mapped = StatusFile.open(statusFile, false, kind.statusKind());
                mappedKey = key;
            }
            return new Reading(mapped.snapshot(), false, null);
        } catch (IOException | RuntimeException e) {
            mapped = null;
            return new Reading(null, false, message(e));
        }
    }

    private String message(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (m.contains("of another kind")) {
            return "this " + kind.label() + "'s status file is another kind's (" + m + "): is the entry under the right list in console.yaml?";
        }
        return m.contains(statusFile.toString()) ? m : m + ": path=" + statusFile;
    }

    /**
     * A control client on the status file, with the console's liveness threshold.
     *
     * @throws IllegalStateException naming the file when this is not a converter, or its file is not a converter's
     */
    ConverterControl control(Duration staleAfter) {
        if (kind != Kind.CONVERTER) {
            throw new IllegalStateException("commands go to converters only: id=" + id + " is a recorder");
        }
        return ConverterControl.open(statusFile, staleAfter);
    }
}
