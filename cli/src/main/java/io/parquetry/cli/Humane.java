package io.parquetry.cli;

import java.time.Duration;
import java.util.Locale;

/** Numbers as a person reads them: counts with separators, sizes in binary units, ages and rates. */
final class Humane {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Humane() {
    }

    /** {@code 12,345,678}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** {@code 512 B}, {@code 1.5 KiB}, {@code 43.4 MiB}, {@code 2.0 GiB}. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        int u = 0;
        double v = n;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
    }

    /** {@code 850 ms}, {@code 4.2 s}, {@code 3 min 12 s}, {@code 2 h 5 min}, {@code 3 d 4 h}. */
    static String duration(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        if (s < 86_400) {
            return (s / 3600) + " h " + (s % 3600 / 60) + " min";
        }
        return (s / 86_400) + " d " + (s % 86_400 / 3600) + " h";
    }

    /** {@code 1,234,567/s}. */
    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f/s", perSecond);
    }
}
