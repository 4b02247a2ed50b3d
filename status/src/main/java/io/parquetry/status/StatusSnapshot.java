package io.parquetry.status;

import java.time.Duration;

/**
 * One consistent copy of a status file: every value and text of one publication (read under the seqlock), with the
 * header and heartbeat as they were at the copy.
 */
public final class StatusSnapshot {

    private final int kind;
    private final int minorVersion;
    private final long pid;
    private final long startTimeMillis;
    private final long heartbeatMillis;
    private final long[] values;
    private final String[] texts;

    StatusSnapshot(int kind, int minorVersion, long pid, long startTimeMillis, long heartbeatMillis, long[] values, String[] texts) {
        this.kind = kind;
        this.minorVersion = minorVersion;
        this.pid = pid;
        this.startTimeMillis = startTimeMillis;
        this.heartbeatMillis = heartbeatMillis;
        this.values = values;
        this.texts = texts;
    }

    public int kind() {
        return kind;
    }

    public int minorVersion() {
        return minorVersion;
    }

    public long pid() {
        return pid;
    }

    public long startTimeMillis() {
        return startTimeMillis;
    }

    /** The last heartbeat, or 0 when the owner stopped cleanly. */
    public long heartbeatMillis() {
        return heartbeatMillis;
    }

    public long value(int slot) {
        StatusFileDescriptor.valueOffset(slot);
        return values[slot];
    }

    public String text(int slot) {
        StatusFileDescriptor.textOffset(slot);
        return texts[slot];
    }

    /** {@link Liveness#alive} of this snapshot's owner. */
    public boolean alive(long nowMillis, Duration staleAfter) {
        return Liveness.alive(heartbeatMillis, pid, nowMillis, staleAfter);
    }
}
