package io.parquetry.status;

import java.time.Duration;

/**
 * The one rule for "is the owner of a status file running": its heartbeat is no older than a threshold and its process
 * exists. A heartbeat of 0 means it stopped cleanly. Recorders beat every 100 ms and converters every 200 ms by
 * default, so the default threshold leaves room for a long GC pause without calling a healthy process down.
 */
public final class Liveness {

    /** The default threshold, used by {@code bin/parquetry} and the console unless configured. */
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(3);

    private Liveness() {
    }

    /** True when {@code heartbeatMillis} is fresh at {@code nowMillis} and process {@code pid} is alive on this host. */
    public static boolean alive(long heartbeatMillis, long pid, long nowMillis, Duration staleAfter) {
        if (heartbeatMillis == 0 || nowMillis - heartbeatMillis > staleAfter.toMillis()) {
            return false;
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
