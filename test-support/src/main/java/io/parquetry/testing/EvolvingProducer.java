package io.parquetry.testing;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.schema.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * A producer process for schema-change tests: appends {@link EvolvingTicks} records of one version, seq {@code start}
 * and on, at a fixed rate, until a stop file appears; several of them, each with its own version and a disjoint seq
 * range, append to one queue at once as a rolling deploy does. Prints STARTED after the first thousand records and
 * {@code DONE <count>} at the end, {@code count} the records appended (seq {@code start .. start+count-1}). Arguments:
 * queue version start recordsPerSecond stopFile.
 */
public final class EvolvingProducer {

    private static final int STEP = 500;

    private EvolvingProducer() {
    }

    public static void main(String[] args) {
        Path queue = Path.of(args[0]);
        Schema schema = EvolvingTicks.schema(Integer.parseInt(args[1]));
        long start = Long.parseLong(args[2]);
        long interval = 1_000_000_000L / Long.parseLong(args[3]);
        Path stop = Path.of(args[4]);
        long next = System.nanoTime();
        long s = start;
        try (Recorder rec = Recorder.open(queue, schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0));
             RecordWriter w = rec.newWriter()) {
            while (true) {
                if ((s - start) % STEP == 0) {
                    // Pace in steps, sleeping rather than spinning: these tests run several JVMs on few cores.
                    if (Files.exists(stop)) {
                        break;
                    }
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    next += interval * STEP;
                }
                if (EvolvingTicks.write(w, schema, s) != RecordWriter.OK) {
                    throw new IllegalStateException("refused at seq " + s);
                }
                s++;
                if (s == start + 1000) {
                    System.out.println("STARTED");
                    System.out.flush();
                }
            }
        }
        System.out.println("DONE " + (s - start));
        System.out.flush();
    }
}
