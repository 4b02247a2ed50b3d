package io.parquetry.queue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Which boot of the machine this is: Linux's {@code /proc/sys/kernel/random/boot_id}, new at every boot. A record read
 * from the page cache in the boot that wrote it is exactly what was written; only a power cut or an OS crash, which end
 * a boot, can leave a record torn on disk. So the queue's sync mark says in which boot a recorder last made the queue
 * whole ({@link SyncMark}), and a reader checks records' checksums only when that was another boot.
 *
 * <p>Tests that model a power cut without rebooting name another file, in the environment variable
 * {@value #FILE_VARIABLE} (child processes) or the system property {@value #FILE_PROPERTY} (in-process), and write a new
 * id into it at each cut.
 */
public final class BootId {

    static final String FILE_VARIABLE = "PARQUETRY_BOOT_ID_FILE";
    public static final String FILE_PROPERTY = "parquetry.bootIdFile";
    private static final Path LINUX = Path.of("/proc/sys/kernel/random/boot_id");

    private BootId() {
    }

    /** This boot's id, or null when the system does not say (then no two boots are taken for the same). */
    static UUID current() {
        String override = System.getProperty(FILE_PROPERTY, System.getenv(FILE_VARIABLE));
        Path f = override != null && !override.isEmpty() ? Path.of(override) : LINUX;
        try {
            return UUID.fromString(Files.readString(f, StandardCharsets.US_ASCII).trim());
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
