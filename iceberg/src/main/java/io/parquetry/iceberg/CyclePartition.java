package io.parquetry.iceberg;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.apache.iceberg.StructLike;

/** The partition tuple of a file under the cycle partitioning: (dt as days since 1970-01-01, hour of day), UTC. */
final class CyclePartition implements StructLike {

    private final Object[] values;

    CyclePartition(long cycleStartMillis) {
        ZonedDateTime t = Instant.ofEpochMilli(cycleStartMillis).atZone(ZoneOffset.UTC);
        values = new Object[] {(int) t.toLocalDate().toEpochDay(), t.getHour()};
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
        return javaClass.cast(values[pos]);
    }

    @Override
    public <T> void set(int pos, T value) {
        throw new UnsupportedOperationException("a file's partition is fixed");
    }
}
