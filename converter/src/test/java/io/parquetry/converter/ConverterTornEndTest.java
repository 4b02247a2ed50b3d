package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.assertExactlyOnce;
import static io.parquetry.converter.ConverterFixtures.awaitStatus;
import static io.parquetry.converter.ConverterFixtures.config;
import static io.parquetry.converter.ConverterFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.status.ConverterState;
import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.testing.DamagedQueues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A converter that starts after a power cut, before any recorder has opened the queue again, meets the torn end the cut
 * left (a record whose bytes were not all persisted, after the last synced record). It must neither convert it nor stop
 * for good: it commits what lies before it and waits, RETRYING with the cause, until a recorder repairs the end; then it
 * converts on, exactly once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConverterTornEndTest {

    @TempDir
    Path dir;

    @Test
    void aTornEndAfterTheLastSyncWaitsForTheRecorderToRepairItThenConvertsOn() throws Exception {
        Path queue = dir.resolve("queue");
        recordAllTypes(queue, 0, 1000);
        Path mark = queue.resolve("parquetry-sync.mark");
        Path synced = dir.resolve("mark-at-1000");
        Files.copy(mark, synced);
        recordAllTypes(queue, 1000, 2000);
        // The records after the first thousand were never synced (the mark says so), and a cut tore record 1500.
        Files.copy(synced, mark, StandardCopyOption.REPLACE_EXISTING);
        Path cycle = DamagedQueues.cycleFiles(queue).get(0);
        List<Long> positions = DamagedQueues.recordPositions(cycle);
        DamagedQueues.zero(cycle, positions.get(1500) + 20, positions.get(1500) + 40);

        try (AutoCloseable reboot = DamagedQueues.rebooted(dir)) { // a power cut's damage is met after a reboot
            convertWaitRepairConvert(queue, cycle);
        }
        assertExactlyOnce(dir.resolve("out/all_types"), 2500);
        try (var saved = Files.list(queue.resolve("parquetry-repair"))) {
            assertThat(saved.toList()).as("the torn end, kept aside").hasSize(1);
        }
    }

    private void convertWaitRepairConvert(Path queue, Path cycle) throws Exception {
        ConverterConfig cfg = config(dir, "");
        Converter c = Converter.open(cfg);
        Thread th = new Thread(() -> c.run(false), "converter");
        th.start();
        try {
            var waiting = awaitStatus(cfg.statusFile(), "waiting for a recorder at the torn end",
                    s -> ConverterState.decode(s.value(ConverterStatusDescriptor.STATE)) == ConverterState.RETRYING);
            assertThat(waiting.text(ConverterStatusDescriptor.TEXT_LAST_ERROR)).contains("no recorder has it open to repair it")
                    .contains(cycle.toString());
            assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(dir.resolve("out/all_types")))).as("what lies before it")
                    .isEqualTo(1500);

            recordAllTypes(queue, 1500, 2500); // the recorder repairs the end (records 1500.. were not synced) and appends
            awaitStatus(cfg.statusFile(), "caught up after the repair", s -> ConverterState.decode(s.value(ConverterStatusDescriptor.STATE))
                    == ConverterState.RUNNING && s.value(ConverterStatusDescriptor.LAST_READ_INDEX) >= lastIndexOf(queue)
                    && s.value(ConverterStatusDescriptor.UNREAD_RECORDS) == 0);
        } finally {
            c.requestStop();
            th.join(20_000);
            c.close();
        }
    }

    private static long lastIndexOf(Path queue) {
        try (io.parquetry.reader.QueueReader r = io.parquetry.reader.QueueReader.open(queue)) {
            return r.lastIndex();
        }
    }
}
