package io.parquetry.converter;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.openhft.chronicle.queue.RollCycle;

/** Cycle numbers of Chronicle cycle file names ({@code 20261121-05LS.cq4}), for retention. */
final class QueueCycles {

    private QueueCycles() {
    }

    /** The cycle of a cycle file's name, or -1 when the name does not follow the roll cycle's format. */
    static int cycleOf(String fileName, RollCycle rollCycle) {
        String stem = fileName.endsWith(".cq4") ? fileName.substring(0, fileName.length() - 4) : fileName;
        try {
            DateTimeFormatter f = DateTimeFormatter.ofPattern(rollCycle.format());
            java.time.temporal.TemporalAccessor t = f.parse(stem);
            LocalDateTime dt;
            if (t.isSupported(java.time.temporal.ChronoField.HOUR_OF_DAY)) {
                dt = LocalDateTime.of(java.time.LocalDate.from(t), java.time.LocalTime.of(t.get(java.time.temporal.ChronoField.HOUR_OF_DAY),
                        t.isSupported(java.time.temporal.ChronoField.MINUTE_OF_HOUR) ? t.get(java.time.temporal.ChronoField.MINUTE_OF_HOUR) : 0));
            } else {
                dt = java.time.LocalDate.from(t).atStartOfDay();
            }
            return (int) (dt.toInstant(ZoneOffset.UTC).toEpochMilli() / rollCycle.lengthInMillis());
        } catch (java.time.DateTimeException e) {
            return -1;
        }
    }
}
