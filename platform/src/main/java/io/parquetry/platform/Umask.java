package io.parquetry.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The process's file mode creation mask. Java has no call for it; Linux publishes it in {@code /proc/self/status}.
 * Libraries that set modes themselves (Hadoop's local file system applies its own {@code fs.permissions.umask-mode},
 * 022 by default) are handed it, so every file Parquetry creates follows the umask the operator chose.
 */
public final class Umask {

    private static final Pattern LINE = Pattern.compile("(?m)^Umask:\\s*([0-7]{1,4})\\s*$");

    private Umask() {
    }

    /** The umask, e.g. {@code 0027}; empty where the system does not publish it. */
    public static OptionalInt current() {
        try {
            return parse(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException | SecurityException e) {
            return OptionalInt.empty();
        }
    }

    /** The umask in a {@code /proc/<pid>/status} text. */
    static OptionalInt parse(String status) {
        Matcher m = LINE.matcher(status);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1), 8)) : OptionalInt.empty();
    }

    /** Three octal digits, as Hadoop's {@code fs.permissions.umask-mode} takes them: {@code 027}. */
    public static String octal(int umask) {
        return String.format("%03o", umask & 0777);
    }
}
