package io.parquetry.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.queue.CycleFiles;
import io.parquetry.queue.QueueSchemaStore;
import io.parquetry.queue.RollCycleNames;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.testing.Await;
import io.parquetry.testing.ChildJvm;
import io.parquetry.testing.DamagedQueues;
import io.parquetry.testing.MarketData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A healthy live queue is never reported damaged: a reader tails while several writers append (double buffered, with
 * the pretoucher, in this process or another), across cycle rolls, while converted cycle files are deleted behind it;
 * it reads every record exactly once, in each writer's order.
 */
@Tag("slow")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class QueueReaderLiveTest {

    @TempDir
    Path dir;

    /** Rolls every second, an index entry every 4 records: rolls and index arrays come often. */
    @Test
    void tailsWritersInThisProcessAcrossSecondlyRolls() throws Exception {
        assertThat(tailInProcess("TEST_SECONDLY", 2, 60_000, 6_000).cycles).isGreaterThan(4);
    }

    /** An index array every 128 records, so the tailer passes index arrays between records all the time. */
    @Test
    void tailsAcrossIndexArraysBetweenRecords() throws Exception {
        assertThat(tailInProcess("TEST4_SECONDLY", 2, 1_000, 5_000).cycles).isGreaterThan(3);
    }

    /** Two writers as fast as they go into one hourly cycle: contended, double-buffered appends. */
    @Test
    void tailsContendedWritersAtFullSpeed() throws Exception {
        assertThat(tailInProcess(RecorderOptions.DEFAULT_ROLL_CYCLE, 2, 2_000_000, 4_000).records).isGreaterThan(1_000_000);
    }

    @Test
    void tailsAWriterInAnotherProcessAcrossRolls() throws Exception {
        Path queue = dir.resolve("q");
        Path log = dir.resolve("producer.log");
        Process p = ChildJvm.start(log, "-Xmx256m", LiveProducer.class, queue.toString(), "TEST_SECONDLY", "2", "50000", "6000");
        try {
            CompletableFuture<long[]> counts = p.onExit().thenApply(done -> parseCounts(log));
            Tail tail = tail(queue, counts::isDone, () -> sum(counts.join()));
            assertThat(p.exitValue()).as("producer exit, log: %s", read(log)).isZero();
            tail.assertExactlyOnce(counts.join());
            assertThat(tail.cycles).isGreaterThan(3);
        } finally {
            p.destroyForcibly();
        }
    }

    private Tail tailInProcess(String rollCycle, int threads, long ratePerThread, long millis) throws Exception {
        Path queue = dir.resolve("q");
        CompletableFuture<long[]> counts = CompletableFuture.supplyAsync(() -> {
            try {
                return LiveProducer.run(queue, rollCycle, threads, ratePerThread, millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        Tail tail = tail(queue, counts::isDone, () -> sum(counts.join()));
        tail.assertExactlyOnce(counts.join());
        return tail;
    }

    /** What a tail read: per writer thread the next expected record, and how many records and cycles it saw. */
    private static final class Tail {
        final long[] next = new long[8];
        long records;
        int cycles;

        void assertExactlyOnce(long[] counts) {
            for (int t = 0; t < counts.length; t++) {
                assertThat(next[t]).as("records of writer %d read", t).isEqualTo(counts[t]);
            }
            assertThat(records).isEqualTo(sum(counts));
        }
    }

    /**
     * Tails the queue until the producer is done and everything it wrote was read; deletes cycle files wholly behind the
     * reader as it goes, as the converter's retention does.
     */
    private static Tail tail(Path queue, java.util.function.BooleanSupplier producerDone, LongSupplier total) throws Exception {
        Await.until(() -> Files.exists(QueueSchemaStore.file(queue)) && !DamagedQueues.cycleFiles(queue).isEmpty());
        Tail tail = new Tail();
        MarketData md = new MarketData();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        int[] lastCycle = {Integer.MIN_VALUE};
        try (QueueReader r = QueueReader.open(queue)) {
            r.toStart();
            CycleFiles names = new CycleFiles(queue, RollCycleNames.resolve(QueueSchemaStore.rollCycle(queue)), 0);
            long lastRetention = System.nanoTime();
            while (true) {
                int n = r.read((index, rec) -> {
                    assertThat(rec.length()).isEqualTo(r.format().excerptLength());
                    long id = rec.getLong(md.orderId);
                    int t = (int) (id >>> 40);
                    long i = id & ((1L << 40) - 1);
                    if (i != tail.next[t]) {
                        throw new AssertionError("writer " + t + ": read record " + i + ", expected " + tail.next[t] + " at index " + index);
                    }
                    tail.next[t]++;
                    tail.records++;
                    int c = r.cycleOf(index);
                    if (c != lastCycle[0]) {
                        lastCycle[0] = c;
                        tail.cycles++;
                    }
                }, 1000);
                if (System.nanoTime() - lastRetention > TimeUnit.MILLISECONDS.toNanos(300) && lastCycle[0] != Integer.MIN_VALUE) {
                    deleteCyclesBefore(queue, names, lastCycle[0] - 1);
                    lastRetention = System.nanoTime();
                }
                if (n == 0) {
                    if (producerDone.getAsBoolean() && tail.records >= total.getAsLong()) {
                        break;
                    }
                    assertThat(System.nanoTime()).as("tail finished in time, read %d", tail.records).isLessThan(deadline);
                    LockSupport.parkNanos(200_000);
                }
            }
            assertThat(r.read((index, rec) -> tail.records++, 1000)).as("nothing more").isZero();
        }
        return tail;
    }

    private static void deleteCyclesBefore(Path queue, CycleFiles names, int cycle) throws IOException {
        try (Stream<Path> s = Files.list(queue)) {
            for (Path p : s.toList()) {
                int c = names.cycleOf(p.getFileName().toString());
                if (c >= 0 && c < cycle) {
                    Files.delete(p);
                }
            }
        }
    }

    private static long sum(long[] counts) {
        long s = 0;
        for (long c : counts) {
            s += c;
        }
        return s;
    }

    private static long[] parseCounts(Path log) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        for (String l : lines) {
            if (l.startsWith("DONE")) {
                String[] parts = l.trim().split(" ");
                long[] counts = new long[parts.length - 1];
                for (int i = 1; i < parts.length; i++) {
                    counts[i - 1] = Long.parseLong(parts[i]);
                }
                return counts;
            }
        }
        throw new IllegalStateException("producer did not finish: " + lines);
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
