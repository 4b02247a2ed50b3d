package io.parquetry.cli;

import io.parquetry.platform.Units;
import java.time.Duration;
import picocli.CommandLine;

/** picocli type converters for the units config files use too ({@link Units}), so {@code --timeout 1h} means an hour. */
final class UnitConverters {

    private UnitConverters() {
    }

    /** {@code 500ms}, {@code 1.5s}, {@code 30s}, {@code 5m}, {@code 1h}; a bare {@code 0} is zero ("off" for intervals). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            if (value != null && value.trim().equals("0")) {
                return Duration.ZERO;
            }
            try {
                return Units.parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code 1048576}, {@code 512KiB}, {@code 128MiB}, {@code 1GiB}. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Units.parseSize(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
