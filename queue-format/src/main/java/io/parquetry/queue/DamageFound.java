package io.parquetry.queue;

import java.nio.file.Path;

/**
 * Raised inside the read path when a cycle file's own content shows damage ({@code CycleFile.damageAt}); the queue
 * reader's {@code ReadVerifier} turns it into a {@code QueueDamagedException} with the reader's context (last good
 * index, first readable index). No stack trace: it is a finding, not a bug.
 */
public final class DamageFound extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int cycle;
    private final long position;
    private final boolean pastEnd;
    private boolean notReady;

    /**
     * @param pastEnd Chronicle cannot be let near it: the file ends before bytes it would read (a read-only mapping faults
     *     there), or its store header cannot be read (Chronicle waits for it, then gives up on the file)
     */
    DamageFound(Path file, int cycle, long position, String found, boolean pastEnd) {
        super(found, null, false, false);
        this.file = file;
        this.cycle = cycle;
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
    public boolean pastEnd() {
        return pastEnd;
    }

    public Path file() {
        return file;
    }

    public int cycle() {
        return cycle;
    }

    /** Byte position in the cycle file where the damage was found. */
    public long position() {
        return position;
    }

    public String found() {
        return getMessage();
    }
}
