package io.parquetry.platform.duty;

/** The time a duty cycle works with: the system's in production, a fake one in tests. */
public interface Clock {

    /** The system clock. */
    Clock SYSTEM = new Clock() {
        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanos() {
            return System.nanoTime();
        }
    };

    /** Wall-clock time, ms since the epoch (what status files and footers record). */
    long millis();

    /** A monotonic time for measuring intervals, ns from an arbitrary origin. */
    long nanos();
}
