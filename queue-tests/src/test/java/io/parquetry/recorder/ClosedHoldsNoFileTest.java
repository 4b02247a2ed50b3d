package io.parquetry.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.reader.QueueReader;
import io.parquetry.testing.MarketData;
import io.parquetry.testing.OpenFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A closed recorder or reader holds no file of the queue once close returns: Chronicle releases mapped files on a
 * background thread, and a caller that checks, deletes or unmounts right after close must not find them open.
 */
class ClosedHoldsNoFileTest {

    @TempDir
    Path dir;

    @Test
    void nothingUnderTheQueueIsOpenOnceCloseReturns() throws Exception {
        MarketData md = new MarketData();
        Path queue = dir.resolve("q");
        for (int round = 0; round < 20; round++) {
            try (Recorder r = Recorder.open(queue, md.schema, RecorderOptions.defaults()); RecordWriter w = r.newWriter()) {
                for (long i = 0; i < 1_000; i++) {
                    md.write(w, round * 1_000L + i);
                }
            }
            assertThat(OpenFiles.under(queue)).as("round %d: files open after the recorder closed", round).isEmpty();
            try (QueueReader reader = QueueReader.open(queue)) {
                reader.toStart();
                long[] n = {0};
                while (reader.read((index, rec) -> n[0]++, 4096) > 0) {
                    assertThat(n[0]).isPositive();
                }
                assertThat(n[0]).isEqualTo((round + 1) * 1_000L);
            }
            assertThat(OpenFiles.under(queue)).as("round %d: files open after the reader closed", round).isEmpty();
        }
    }
}
