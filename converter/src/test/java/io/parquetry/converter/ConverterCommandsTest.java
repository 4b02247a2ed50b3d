package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.config;
import static io.parquetry.converter.ConverterFixtures.assertExactlyOnce;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.recorder.AllTypes;
import io.parquetry.status.ConverterControl;
import io.parquetry.status.ConverterState;
import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Flush, rotate, pause and resume through the status file, with a converter running on another thread. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConverterCommandsTest {

    @TempDir
    Path dir;

    @Test
    void flushRotatePauseAndResumeThroughTheStatusFile() throws Exception {
        AllTypes t = new AllTypes();
        Path dataset = dir.resolve("out/all_types");
        try (Recorder rec = Recorder.open(dir.resolve("queue"), t.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0));
             RecordWriter w = rec.newWriter()) {
            for (long s = 0; s < 100; s++) {
                t.write(w, s);
            }
            Converter c = Converter.open(config(dir, "rotation: {maxAge: 1h}\n"));
            Thread th = new Thread(() -> c.run(false));
            th.start();
            try (ConverterControl ctl = ConverterControl.open(c.statusFile())) {
                assertThat(ctl.alive()).isTrue();
                // flush: everything appended before the request is committed, and the answer names the file.
                ConverterControl.Outcome f = ctl.flush(Duration.ofSeconds(20));
                assertThat(f.ok()).as(f.message()).isTrue();
                assertThat(f.file()).endsWith(".parquet");
                assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dataset))).isEqualTo(100);

                for (long s = 100; s < 150; s++) {
                    t.write(w, s);
                }
                awaitRows(ctl, 50);
                ConverterControl.Outcome r = ctl.rotate(Duration.ofSeconds(20));
                assertThat(r.ok()).as(r.message()).isTrue();
                assertThat(Datasets.files(dataset, ".parquet")).hasSize(2);

                ConverterControl.Outcome p = ctl.pause(Duration.ofSeconds(20));
                assertThat(p.ok()).as(p.message()).isTrue();
                assertThat(ctl.state()).isEqualTo(ConverterState.PAUSED);
                for (long s = 150; s < 200; s++) {
                    t.write(w, s);
                }
                Thread.sleep(200);
                assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dataset))).isEqualTo(150);
                ConverterControl.Outcome res = ctl.resume(Duration.ofSeconds(20));
                assertThat(res.ok()).as(res.message()).isTrue();
                ConverterControl.Outcome f2 = ctl.flush(Duration.ofSeconds(20));
                assertThat(f2.ok()).isTrue();
                assertExactlyOnce(dataset, 200);
                assertThat(ctl.snapshot().value(ConverterStatusDescriptor.LAG_RECORDS)).isZero();
            } finally {
                c.requestStop();
                th.join(10_000);
                c.close();
            }
            try (ConverterControl ctl = ConverterControl.open(c.statusFile())) {
                assertThat(ctl.alive()).isFalse();
                assertThat(ctl.flush(Duration.ofMillis(500)).ok()).isFalse();
            }
        }
    }

    private static void awaitRows(ConverterControl ctl, long rows) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ctl.snapshot().value(ConverterStatusDescriptor.CURRENT_ROWS) < rows) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
