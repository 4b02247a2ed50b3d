package io.parquetry.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.powercut.Policy;
import io.parquetry.powercut.PowerCut;
import io.parquetry.powercut.Report;
import io.parquetry.queue.QueueMetadata;
import io.parquetry.queue.RollCycleNames;
import io.parquetry.queue.SyncMark;
import io.parquetry.reader.QueueReader;
import io.parquetry.testing.Await;
import io.parquetry.testing.ChildJvm;
import io.parquetry.testing.DamagedQueues;
import io.parquetry.testing.PowerCutProducer;
import io.parquetry.testing.QueueScan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recorder reopening a queue after a power cut ({@link PowerCut}: each page written since its file's last sync holds
 * its old or its new content) finds the same end as the reader, right after the last whole record, and never appends
 * where a record it cannot see lies; the queue's metadata file survives, or is rebuilt.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RecorderPowerCutTest {

    private static final Pattern SYNCED = Pattern.compile("(?m)^SYNCED (\\d+)$");
    private static final Pattern READY = Pattern.compile("(?m)^READY (-?\\d+)$");
    private static final Pattern APPENDED = Pattern.compile("(?m)^APPENDED (\\d+)$");

    @TempDir
    Path dir;

    private Process child;

    @AfterEach
    void kill() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process producer(PowerCut cut, Path queue, String name, long rate, long syncMs, int incarnation, long count) throws Exception {
        child = ChildJvm.start(dir.resolve(name + ".log"), null, cut.environment(), "-Xmx256m", PowerCutProducer.class, queue.toString(),
                Long.toString(rate), Long.toString(syncMs), Integer.toString(incarnation), Long.toString(count));
        return child;
    }

    private long await(Process p, String name, Pattern pattern, long atLeast) {
        Path log = dir.resolve(name + ".log");
        long[] result = new long[1];
        Await.until(String.format("timed out waiting for %s in %s", pattern, log), Duration.ofSeconds(90), () -> {
            String text = Files.exists(log) ? Files.readString(log) : "";
            Matcher m = pattern.matcher(text);
            boolean found = false;
            long last = Long.MIN_VALUE;
            while (m.find()) {
                found = true;
                last = Long.parseLong(m.group(1));
            }
            if (found && last >= atLeast) {
                result[0] = last;
                return true;
            }
            assertThat(p.isAlive()).as("%s died: %s", name, text).isTrue();
            return false;
        });
        return result[0];
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** A power cut for {@code <dir>/root}, baselined before anything runs. */
    private PowerCut powerCut() throws Exception {
        PowerCut cut = new PowerCut(Files.createDirectories(dir.resolve("root")), dir.resolve("powercut"));
        cut.baseline();
        return cut;
    }

    @Test
    @Tag("slow")
    void aRecorderReopenedAfterACutThatLostOnePageAppendsRightAfterTheLastWholeRecord() throws Exception {
        PowerCut cut = powerCut();
        Path root = cut.root();
        Path queue = root.resolve("queue");
        Process first = producer(cut, queue, "first", 50_000, 1000, 1, 0); // a sync a second: half a second unsynced at the kill
        long synced = await(first, "first", SYNCED, 20_000);
        Thread.sleep(500);
        stop(first);
        // Lose one page half-way between the last synced record and the end, and keep every later one: a hole in the
        // queue's end, with whole records and a write position after it, which no reader can reach.
        SyncMark.Mark mark = SyncMark.read(queue);
        Path cycleFile = DamagedQueues.cycleFiles(queue).get(DamagedQueues.cycleFiles(queue).size() - 1);
        String rel = root.relativize(cycleFile).toString();
        List<Long> written = DamagedQueues.recordPositions(cycleFile);
        long markPage = mark.position() / PowerCut.PAGE;
        long lastPage = written.get(written.size() - 1) / PowerCut.PAGE;
        assertThat(lastPage - markPage).as("pages written after the last sync").isGreaterThanOrEqualTo(4);
        long lost = markPage + (lastPage - markPage) / 2;
        Report r = cut.cut(Policy.picking("lose page " + lost, (file, page) -> !(file.equals(rel) && page == lost)), 0);
        System.out.println("cut: " + r);
        List<Long> holeRecord = DamagedQueues.recordPositions(cycleFile);
        long before = holeRecord.stream().filter(p -> p < lost * PowerCut.PAGE).count();

        Process second = producer(cut, queue, "second", 50_000, 100, 2, 10_000);
        long resumed = await(second, "second", READY, Long.MIN_VALUE);
        await(second, "second", APPENDED, 10_000);
        stop(second);
        assertThat(resumed).as("continues after the last synced record").isGreaterThan(synced);
        assertThat(resumed).as("and right after the last whole record before the lost page").isLessThanOrEqualTo(before);
        QueueScan.Result scan = QueueScan.scan(queue);
        assertThat(scan.damaged()).isEmpty();
        for (int i = 0; i < scan.rows().size(); i++) {
            assertThat(scan.rows().get(i).orderId()).as("order_id of record %d", i).isEqualTo(i);
            assertThat(scan.rows().get(i).exchange()).as("incarnation of record %d", i).isEqualTo(i < resumed ? 1 : 2);
        }
        assertThat(scan.rows()).hasSize((int) resumed + 10_000);
        DamagedQueues.Outcome o = DamagedQueues.readAll(queue);
        assertThat(o.damage).as("the converter's reader meets no damage").isNull();
        assertThat(o.orderIds).hasSize(scan.rows().size());
        try (Stream<Path> saved = Files.list(queue.resolve(QueueRepair.REPAIR_DIR))) {
            assertThat(saved.toList()).as("the bytes cut from the end are kept").isNotEmpty();
        }
    }

    @Test
    @Tag("slow")
    void theMetadataFileSurvivesACutRightAfterTheQueueWasCreated() throws Exception {
        PowerCut cut = powerCut();
        Path queue = cut.root().resolve("queue");
        Process p = producer(cut, queue, "first", 10_000, 0, 1, 1000); // never syncs the queue
        await(p, "first", APPENDED, 1000);
        stop(p);
        cut.cut(Policy.LOSE_ALL, 0);
        assertThat(QueueMetadata.problem(queue.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE), RollCycleNames.resolve(
                RecorderOptions.DEFAULT_ROLL_CYCLE))).isNull();
        try (QueueReader r = QueueReader.open(queue)) {
            r.toStart();
            assertThat(r.read((i, rec) -> { }, 10)).as("nothing was synced but the queue opens").isZero();
        }
    }

    @Test
    void aMetadataFileOfZerosIsRefusedInOneLineAndRebuiltByTheNextRecorder() throws Exception {
        DamagedQueues.write(dir, RecorderOptions.DEFAULT_ROLL_CYCLE, 0, 100);
        Path meta = dir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE);
        Files.write(meta, new byte[(int) Files.size(meta)]);
        long start = System.nanoTime();
        assertThatThrownBy(() -> QueueReader.open(dir)).isInstanceOf(IllegalStateException.class).hasMessageContaining("holds only zeros")
                .hasMessageContaining("file=" + meta).hasMessageContaining("a recorder rebuilds it").hasMessageNotContaining("\n");
        assertThat(System.nanoTime() - start).as("no minute of Chronicle's retries").isLessThan(TimeUnit.SECONDS.toNanos(30));
        DamagedQueues.write(dir, RecorderOptions.DEFAULT_ROLL_CYCLE, 100, 200);
        assertThat(DamagedQueues.readAll(dir).orderIds).hasSize(200);
    }

    @Test
    void aMetadataFileAToolRewroteWithAnotherRollCycleIsRefusedByTheReaderAndRebuiltByTheRecorder() throws Exception {
        DamagedQueues.write(dir, RecorderOptions.DEFAULT_ROLL_CYCLE, 0, 100);
        Path meta = dir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE);
        // A power cut emptied the metadata file (a recorder of an earlier version never synced it); a tool that opens the
        // queue with Chronicle's defaults then writes its own roll cycle into it.
        Files.write(meta, new byte[(int) Files.size(meta)]);
        assertThatThrownBy(() -> {
            try (ChronicleQueue q = ChronicleQueue.singleBuilder(dir).rollCycle(RollCycles.DEFAULT).build(); ExcerptAppender a = q.createAppender()) {
                a.writeText("x");
            }
        }).hasMessageContaining("Unable to parse");
        assertThat(QueueMetadata.problem(meta, RollCycleNames.resolve(RecorderOptions.DEFAULT_ROLL_CYCLE))).contains("another roll cycle");
        assertThatThrownBy(() -> QueueReader.open(dir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not hold the queue's roll cycle " + RecorderOptions.DEFAULT_ROLL_CYCLE).hasMessageNotContaining("\n");
        DamagedQueues.write(dir, RecorderOptions.DEFAULT_ROLL_CYCLE, 100, 200);
        assertThat(DamagedQueues.readAll(dir).orderIds).hasSize(200);
        try (Stream<Path> aside = Files.list(dir.resolve(QueueRepair.REPAIR_DIR))) {
            assertThat(aside.map(p -> p.getFileName().toString()).toList()).anySatisfy(n -> assertThat(n).startsWith("metadata.cq4t."));
        }
    }

    @Test
    void aCleanCloseLeavesASyncMarkAtTheQueuesEndInEveryMode() {
        DamagedQueues.write(dir, RecorderOptions.DEFAULT_ROLL_CYCLE, 0, 1000);
        SyncMark.Mark m = SyncMark.read(dir);
        assertThat(m).isNotNull();
        List<Long> positions = DamagedQueues.recordPositions(DamagedQueues.cycleFiles(dir).get(0));
        assertThat(m.position()).isEqualTo(positions.get(positions.size() - 1));
        assertThat(m.sequence()).isEqualTo(999);
        DamagedQueues.write(dir, DamagedQueues.options(RecorderOptions.DEFAULT_ROLL_CYCLE).syncInterval(Duration.ofMillis(20)), 1000, 1500);
        SyncMark.Mark later = SyncMark.read(dir);
        assertThat(later.generation()).isGreaterThan(m.generation());
        assertThat(later.sequence()).isEqualTo(1499);
    }
}
