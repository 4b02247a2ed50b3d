package io.parquetry.recorder;

import java.nio.file.Path;

/** A producer process for crash tests: appends AllTypes records from seq 0 until killed, printing progress. */
public final class CrashingProducer {

    private CrashingProducer() {
    }

    public static void main(String[] args) {
        Path queue = Path.of(args[0]);
        long start = Long.parseLong(args[1]);
        long count = Long.parseLong(args[2]);
        AllTypes t = new AllTypes();
        try (Recorder rec = Recorder.open(queue, t.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0));
             RecordWriter w = rec.newWriter()) {
            for (long s = start; s < start + count; s++) {
                if (t.write(w, s) != RecordWriter.OK) {
                    throw new IllegalStateException("refused at seq " + s);
                }
                if (s == start + 1000) {
                    System.out.println("STARTED");
                    System.out.flush();
                }
            }
            System.out.println("DONE");
        }
    }
}
