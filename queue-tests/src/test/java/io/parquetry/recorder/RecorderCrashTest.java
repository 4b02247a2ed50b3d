package io.parquetry.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.testing.AllTypes;
import io.parquetry.testing.Await;
import io.parquetry.testing.ChildJvm;
import io.parquetry.testing.CrashingProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A producer JVM killed with SIGKILL mid-stream leaves a queue that a new recorder appends to and a reader reads whole. */
@Tag("slow")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RecorderCrashTest {

    @TempDir
    Path dir;

    @Test
    void producerKilledWithSigkillLeavesAReadableAppendableQueue() throws Exception {
        Path queue = dir.resolve("q");
        Path log = dir.resolve("producer.log");
        for (int round = 0; round < 3; round++) {
            long start = round == 0 ? 0 : RecorderTest.readAllChecked(queue).size();
            Process p = ChildJvm.start(log, "-Xmx256m", CrashingProducer.class, queue.toString(), Long.toString(start), "100000000");
            try {
                Await.until("producer did not start", Duration.ofSeconds(60), () -> {
                    if (Files.readString(log).contains("STARTED")) {
                        return true;
                    }
                    assertThat(p.isAlive()).as("producer died early: %s", Files.readString(log)).isTrue();
                    return false;
                });
                Thread.sleep(200 + round * 150L);
            } finally {
                p.destroyForcibly(); // SIGKILL on Linux
                p.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(Files.readString(log)).doesNotContain("DONE");
            List<Long> seqs = RecorderTest.readAllChecked(queue);
            assertThat(seqs.size()).as("records after round %d", round).isGreaterThan((int) start + 1000);
            for (int i = 0; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).as("record %d", i).isEqualTo(i);
            }
        }
        // A recorder in this JVM appends after the crashes, and the reader reads to the very end.
        int before = RecorderTest.readAllChecked(queue).size();
        AllTypes t = new AllTypes();
        try (Recorder rec = Recorder.open(queue, t.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0));
             RecordWriter w = rec.newWriter()) {
            for (long s = before; s < before + 500; s++) {
                assertThat(t.write(w, s)).isEqualTo(RecordWriter.OK);
            }
        }
        List<Long> seqs = RecorderTest.readAllChecked(queue);
        assertThat(seqs).hasSize(before + 500);
        for (int i = 0; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).isEqualTo(i);
        }
    }
}
