package io.parquetry.recorder;

import java.nio.file.Path;

/**
 * Raised inside the read path when a cycle file's own content shows damage; {@link ReadVerifier} turns it into a
 * {@link QueueDamagedException} with the reader's context (last good index, first readable index). No stack trace: it
 * is a finding, not a bug.
 */
final class DamageFound extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int cycle;
    private final long position;
    private final boolean pastEnd;
    private boolean notReady;

    DamageFound(CycleFile file, long position, String found) {
        this(file, position, found, false);
    }

    /**
     * @param pastEnd Chronicle cannot be let near it: the file ends before bytes it would read (a read-only mapping faults
     *     there), or its store header cannot be read (Chronicle waits for it, then gives up on the file)
     */
    DamageFound(CycleFile file, long position, String found, boolean pastEnd) {
        super(found, null, false, false);
        this.file = file.path();
        this.cycle = file.cycle();
        this.position = position;
        this.pastEnd = pastEnd;
    }

    /**
     * Marks a store header that is zero or incomplete: an appender creating the file writes it first, so in the newest
     * cycle file this is damage only when it lasts.
     */
    DamageFound notReady() {
        this.notReady = true;
        return this;
    }

    boolean isNotReady() {
        return notReady;
    }

    /** Chronicle must not be let open or read the file where this was found. */
    boolean pastEnd() {
        return pastEnd;
    }

    Path file() {
        return file;
    }

    int cycle() {
        return cycle;
    }

    /** Byte position in the cycle file where the damage was found. */
    long position() {
        return position;
    }

    String found() {
        return getMessage();
    }
}
