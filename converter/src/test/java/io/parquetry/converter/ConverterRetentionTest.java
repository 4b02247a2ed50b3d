package io.parquetry.converter;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.testing.AllTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Retention deletes only queue cycles that are wholly converted and old enough, and the queue stays usable. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConverterRetentionTest {

    @TempDir
    Path dir;

    private List<Path> cycleFiles() throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve("queue"))) {
            return s.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
        }
    }

    private void record(Recorder r, AllTypes t, long from, long to) {
        try (RecordWriter w = r.newWriter()) {
            for (long s = from; s < to; s++) {
                t.write(w, s);
            }
        }
    }

    @Test
    void deletesConvertedOldCyclesOnlyAndKeepsTheQueueUsable() throws Exception {
        AllTypes t = new AllTypes();
        RecorderOptions secondly = RecorderOptions.defaults().diskGuardMinFreeBytes(0).rollCycle("TEST_SECONDLY");
        String yaml = "queue: " + dir.resolve("queue") + "\noutput: " + dir.resolve("out") + "\nsource: ret\n"
                + "retention: {enabled: true, keep: 1s}\n";
        try (Recorder r = Recorder.open(dir.resolve("queue"), t.schema, secondly)) {
            record(r, t, 0, 100);
            Thread.sleep(1100);
            record(r, t, 100, 200);
            Thread.sleep(2100); // both cycles end more than `keep` ago
            record(r, t, 200, 300);
            List<Path> beforeFiles = cycleFiles();
            int before = beforeFiles.size();
            assertThat(before).isGreaterThanOrEqualTo(3);
            Path newest = beforeFiles.get(before - 1);

            // Nothing converted yet: retention never deletes a cycle with unconverted records.
            ConverterConfig cfg = ConverterConfig.parse(yaml, "ret.yaml", ConverterConfig.Overrides.none());
            ConversionResult c = ConverterService.run(cfg, true);
            assertThat(c.rowsWritten()).isEqualTo(300);
            // Now converted: every cycle before the checkpoint's cycle and older than 1 s is gone, the last one stays.
            List<Path> after = cycleFiles();
            assertThat(after).hasSizeLessThan(before).contains(newest);
            ConverterFixtures.assertExactlyOnce(dir.resolve("out/all_types"), 300);

            // The queue after retention: the recorder appends, a new converter resumes from its checkpoint.
            record(r, t, 300, 400);
        }
        ConversionResult again = ConverterService.run(ConverterConfig.parse(yaml, "ret.yaml", ConverterConfig.Overrides.none()), true);
        assertThat(again.rowsWritten()).isEqualTo(100);
        ConverterFixtures.assertExactlyOnce(dir.resolve("out/all_types"), 400);
    }
}
