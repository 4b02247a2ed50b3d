package io.parquetry.converter;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import net.openhft.chronicle.queue.RollCycle;

/** Cycle numbers of Chronicle cycle file names ({@code 20261121-05LS.cq4}), for retention. */
final class QueueCycles {

    private QueueCycles() {
    }

    /**
     * The cycle of a cycle file's name, or -1 when the name does not follow the roll cycle's format. Every field the
     * format leaves out defaults to its start (an hourly name is the hour's first second), so sub-hour and sub-minute
     * cycles map to their own numbers.
     */
    static int cycleOf(String fileName, RollCycle rollCycle) {
        String stem = fileName.endsWith(".cq4") ? fileName.substring(0, fileName.length() - 4) : fileName;
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
