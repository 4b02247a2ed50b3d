package io.parquetry.cli;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.schema.Schema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A recorder process that appends when told, for tests that watch a live recorder from another process (the console's):
 * arguments {@code schemaFile queueDir}; each line {@code append N} on standard input appends N synthetic records and
 * answers {@code appended TOTAL}; end of input closes the recorder. It prints {@code READY} once the recorder is open.
 */
public final class ScriptedRecorder {

    private ScriptedRecorder() {
    }

    public static void main(String[] args) throws Exception {
        Schema schema = Schema.load(Path.of(args[0]));
        SyntheticSource source = new SyntheticSource(schema, 1);
        long next = 0;
        try (Recorder recorder = Recorder.open(Path.of(args[1]), schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0));
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            System.out.println("READY " + recorder.statusFile());
            System.out.flush();
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.trim().split("\\s+");
                if (words.length == 2 && words[0].equals("append")) {
                    long n = Long.parseLong(words[1]);
                    try (RecordWriter w = recorder.newWriter()) {
                        for (long i = 0; i < n; i++) {
                            if (source.write(w, next++) != RecordWriter.OK) {
                                throw new IllegalStateException("append refused at record " + (next - 1));
                            }
                        }
                    }
                    System.out.println("appended " + recorder.appended());
                    System.out.flush();
                }
            }
        }
    }
}
