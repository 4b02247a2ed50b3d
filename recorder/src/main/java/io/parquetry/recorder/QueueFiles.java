package io.parquetry.recorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.RollCycle;

/** The cycle files of a queue directory ({@code 20261121-05LS.cq4}) and the cycles their names stand for. */
final class QueueFiles {

    static final String CYCLE_SUFFIX = ".cq4";

    private QueueFiles() {
    }

    /** The queue's cycle files, in name order (which is cycle order). */
    static List<Path> cycleFiles(Path queueDir) throws IOException {
        try (Stream<Path> s = Files.list(queueDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(CYCLE_SUFFIX)).sorted().toList();
        }
    }

    /**
     * The cycle of a cycle file's name, or -1 when the name does not follow the roll cycle's format. Every field the
     * format leaves out defaults to its start (an hourly name is the hour's first second), so sub-hour and sub-minute
     * cycles map to their own numbers.
     */
    static int cycleOf(String fileName, RollCycle rollCycle) {
        String stem = fileName.endsWith(CYCLE_SUFFIX) ? fileName.substring(0, fileName.length() - CYCLE_SUFFIX.length()) : fileName;
        try {
            DateTimeFormatter f = new DateTimeFormatterBuilder().appendPattern(rollCycle.format())
                    .parseDefaulting(ChronoField.HOUR_OF_DAY, 0).parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
                    .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0).toFormatter();
            LocalDateTime dt = LocalDateTime.parse(stem, f);
            return (int) (dt.toInstant(ZoneOffset.UTC).toEpochMilli() / rollCycle.lengthInMillis());
        } catch (java.time.DateTimeException e) {
            return -1;
        }
    }
}
