package io.parquetry.testing;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import java.nio.file.Path;

/**
 * A producer process for crash tests: appends AllTypes records {@code start .. start+count-1}, optionally at a fixed rate,
 * printing STARTED after the first thousand and DONE at the end. Arguments: queue start count [recordsPerSecond [variable]]
 * ({@code variable}: the schema with string/binary fields, {@link AllTypes#withVariableFields()}).
 */
public final class CrashingProducer {

    private CrashingProducer() {
    }

    public static void main(String[] args) {
        Path queue = Path.of(args[0]);
        long start = Long.parseLong(args[1]);
        long count = Long.parseLong(args[2]);
        long rate = args.length > 3 ? Long.parseLong(args[3]) : 0; // records per second, 0 = unthrottled
        long interval = rate > 0 ? 1_000_000_000L / rate : 0;
        long next = System.nanoTime();
        AllTypes t = args.length > 4 && args[4].equals("variable") ? AllTypes.withVariableFields() : new AllTypes();
        try (Recorder rec = Recorder.open(queue, t.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0));
             RecordWriter w = rec.newWriter()) {
            for (long s = start; s < start + count; s++) {
                if (interval > 0 && (s - start) % 1000 == 0) {
                    // Pace in steps of 1000 records, sleeping rather than spinning: crash tests share two cores.
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    next += interval * 1000;
                }
                if (t.write(w, s) != RecordWriter.OK) {
                    throw new IllegalStateException("refused at seq " + s);
                }
                if (s == start + 1000) {
                    System.out.println("STARTED");
                    System.out.flush();
                }
            }
            System.out.println("DONE");
            System.out.flush();
        }
    }
}
