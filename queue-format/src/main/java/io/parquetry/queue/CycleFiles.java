package io.parquetry.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.RollCycle;

/**
 * The cycle files of a queue directory, named by Chronicle after their cycle's start (UTC) in the roll cycle's format;
 * and whether one's store header is written yet. Not thread-safe.
 */
public final class CycleFiles {

    public static final String SUFFIX = ".cq4";

    private final Path queueDir;
    private final RollCycle rollCycle;
    private final long epoch;
    private final DateTimeFormatter parser;
    private final DateTimeFormatter formatter;

    /** How long the newest cycle file's store header may stay unwritten before that is damage (Chronicle's own timeout). */
    private static final long NOT_READY_GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private int notReadyCycle = Integer.MIN_VALUE;
    private long notReadySince;

    public CycleFiles(Path queueDir, RollCycle rollCycle, long epoch) {
        this.queueDir = queueDir;
        this.rollCycle = rollCycle;
        this.epoch = epoch;
        // Fields the format leaves out default to their start, so an hourly name is its hour's first second.
        this.parser = new DateTimeFormatterBuilder().appendPattern(rollCycle.format()).parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
                .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0).parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0).toFormatter();
        this.formatter = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
    }

    /** Every cycle file of a queue directory, in name order (which is cycle order). */
    public static java.util.List<Path> list(Path queueDir) throws IOException {
        try (Stream<Path> s = Files.list(queueDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
    }

    /** The file of {@code cycle} (whether or not it exists). */
    public Path path(int cycle) {
        return queueDir.resolve(formatter.format(Instant.ofEpochMilli(epoch + (long) cycle * rollCycle.lengthInMillis())) + SUFFIX);
    }

    /** The cycle a file name stands for, or -1 when it is not a cycle file's name. */
    public int cycleOf(String fileName) {
        if (!fileName.endsWith(SUFFIX)) {
            return -1;
        }
        try {
            LocalDateTime t = LocalDateTime.parse(fileName.substring(0, fileName.length() - SUFFIX.length()), parser);
            return (int) ((t.toInstant(ZoneOffset.UTC).toEpochMilli() - epoch) / rollCycle.lengthInMillis());
        } catch (java.time.DateTimeException e) {
            return -1;
        }
    }

    /**
     * Checks {@code f}'s store header and first index array; false when the header is not written yet and {@code f} is
     * the newest cycle file (an appender writes it right after it creates the file), for up to Chronicle's timeout.
     *
     * @throws DamageFound when they are damaged
     */
    public boolean headerReady(CycleFile f) {
        try {
            f.checkHeader();
            return true;
        } catch (DamageFound e) {
            if (!e.isNotReady() || !between(f.cycle(), Integer.MAX_VALUE).isEmpty()) {
                throw e; // a later cycle file exists: this one was created long ago
            }
            long now = System.nanoTime();
            if (notReadyCycle != f.cycle()) {
                notReadyCycle = f.cycle();
                notReadySince = now;
            }
            if (now - notReadySince > NOT_READY_GRACE_NANOS) {
                throw e;
            }
            return false;
        }
    }

    /** Cycle files on disk whose cycle is strictly between {@code after} and {@code before}, by cycle. */
    public TreeMap<Integer, Path> between(int after, int before) {
        TreeMap<Integer, Path> found = new TreeMap<>();
        try (Stream<Path> s = Files.list(queueDir)) {
            s.forEach(p -> {
                int c = cycleOf(p.getFileName().toString());
                if (c >= 0 && c > after && c < before) {
                    found.put(c, p);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the queue directory: queue=" + queueDir, e);
        }
        return found;
    }
}
