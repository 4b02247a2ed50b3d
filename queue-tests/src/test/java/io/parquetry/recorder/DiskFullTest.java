package io.parquetry.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.reader.QueueReader;
import io.parquetry.testing.Await;
import io.parquetry.testing.ChildJvm;
import io.parquetry.testing.SmallFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The disk guard holds at any setting: a producer in a child JVM appends to a queue on a real 64 MiB file system (tmpfs,
 * and ext4 on a loop device) until it is full. It must never die (a write into a sparse page of a full file system is a SIGBUS, or an
 * {@link InternalError} from the JVM), it must see {@link RecordWriter#REFUSED_DISK_GUARD}, every record it committed
 * must be read back, and once the test frees space its appends must resume.
 */
@Tag("slow")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DiskFullTest {

    private static final long MIB = 1L << 20;
    private static final long FS_SIZE = 64 * MIB;
    private static final long FILLER = 16 * MIB;
    private static final Pattern COMMITTED = Pattern.compile("committed\\.(\\d+)=(\\d+)");

    @TempDir
    Path dir;

    /** name, file system, threads, roll cycle, diskGuardMinFreeBytes, pretouchAhead, reserveAhead (0: default). */
    static Stream<Arguments> settings() {
        return Stream.of(
                // The reported case: a guard of 1 MiB, below the default pretouch distance of 32 MiB. Three times: before the
                // fix it faulted in about half the runs (a race between the pretouch thread and the 100 ms free-space check).
                Arguments.of("guard 1 MiB < pretouch 32 MiB, run 1", "tmpfs", 1, "LARGE_HOURLY_SPARSE", MIB, 32 * MIB, 0L),
                Arguments.of("guard 1 MiB < pretouch 32 MiB, run 2", "tmpfs", 1, "LARGE_HOURLY_SPARSE", MIB, 32 * MIB, 0L),
                Arguments.of("guard 1 MiB < pretouch 32 MiB, run 3", "tmpfs", 1, "LARGE_HOURLY_SPARSE", MIB, 32 * MIB, 0L),
                Arguments.of("guard 0, pretouch 32 MiB", "tmpfs", 1, "LARGE_HOURLY_SPARSE", 0L, 32 * MIB, 0L),
                Arguments.of("guard 1 MiB, pretouch off", "tmpfs", 1, "LARGE_HOURLY_SPARSE", MIB, 0L, 0L),
                Arguments.of("guard 40 MiB > pretouch 8 MiB", "tmpfs", 1, "LARGE_HOURLY_SPARSE", 40 * MIB, 8 * MIB, 16 * MIB),
                Arguments.of("guard 1 MiB < pretouch 2 MiB, 2 threads, rolls every second", "tmpfs", 2, "TEST_SECONDLY", MIB, 2 * MIB,
                        4 * MIB),
                Arguments.of("guard 0, pretouch off, 2 threads, rolls every second", "tmpfs", 2, "TEST_SECONDLY", 0L, 0L, 4 * MIB),
                Arguments.of("guard 0, pretouch 1 MiB, 1 thread, rolls every second, default reserve", "tmpfs", 1, "TEST_SECONDLY", 0L,
                        MIB, 0L),
                Arguments.of("ext4: guard 1 MiB < pretouch 32 MiB", "ext4", 1, "LARGE_HOURLY_SPARSE", MIB, 32 * MIB, 0L),
                Arguments.of("ext4: guard 0, pretouch 2 MiB, 2 threads, rolls every second", "ext4", 2, "TEST_SECONDLY", 0L, 2 * MIB,
                        4 * MIB));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("settings")
    void producerNeverFaultsOnAFullFileSystemAndResumesWhenSpaceReturns(String name, String fsType, int threads, String rollCycle,
            long minFree, long pretouch, long reserve) throws Exception {
        Path queue;
        Path log = dir.resolve("producer.log");
        Path resume = dir.resolve("resume");
        long[] committed;
        try (SmallFileSystem fs = SmallFileSystem.mount(fsType, dir.resolve("fs"), FS_SIZE)) {
            queue = fs.path().resolve("queue");
            Path filler = fs.filler("filler.bin", FILLER);
            Process p = ChildJvm.start(log, dir, "-Xmx256m", DiskFillingProducer.class, queue.toString(), Integer.toString(threads),
                    rollCycle, Long.toString(minFree), Long.toString(MIB), Long.toString(pretouch), Long.toString(reserve),
                    resume.toString());
            try {
                awaitLine(p, log, "FULL ");
                long freeWhenFull = fs.usableSpace();
                Files.delete(filler);
                Files.createFile(resume);
                assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("producer finished: %s", Files.readString(log)).isTrue();
                String out = Files.readString(log);
                assertThat(p.exitValue()).as("producer exit status (134/135: killed by a signal):%n%s", out).isZero();
                assertThat(out).doesNotContain("InternalError", "fault occurred", "SIGBUS", "pretouch failed", "reservation failed");
                String fullLine = line(out, "FULL ");
                for (int k = 0; k < threads; k++) {
                    assertThat(fullLine).as("thread %d saw the guard refuse", k).containsPattern("refused\\." + k + "=[1-9]");
                }
                committed = committed(line(out, "DONE "), threads);
                System.out.printf("%s: free when full %d bytes; %s%n%s%n", name, freeWhenFull, fullLine, line(out, "DONE "));
            } finally {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            // Read back while the file system is still mounted (the test JVM reads the producer's files).
            List<List<Long>> perThread = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                perThread.add(new ArrayList<>());
            }
            Set<Integer> cycles = new TreeSet<>();
            try (QueueReader r = QueueReader.open(queue)) {
                r.toStart();
                while (r.read((index, rec) -> {
                    long s = rec.getLong(rec.schema().field("seq"));
                    perThread.get((int) (s / DiskFillingProducer.THREAD_STRIDE)).add(s % DiskFillingProducer.THREAD_STRIDE);
                    cycles.add(r.cycleOf(index));
                }, 100_000) > 0) {
                    // keep reading
                }
            }
            for (int k = 0; k < threads; k++) {
                List<Long> seqs = perThread.get(k);
                assertThat(seqs).as("records of thread %d read back", k).hasSize((int) committed[k]);
                for (int i = 0; i < seqs.size(); i++) {
                    assertThat(seqs.get(i)).as("record %d of thread %d", i, k).isEqualTo(i);
                }
            }
            if (rollCycle.startsWith("TEST_")) {
                assertThat(cycles).as("cycles the records are in (the queue rolled during the test)").hasSizeGreaterThan(1);
            }
        }
    }

    private static void awaitLine(Process p, Path log, String prefix) {
        Await.until(() -> String.format("no %s line within 150 s:%n%s", prefix.trim(), Files.exists(log) ? Files.readString(log) : ""),
                Duration.ofSeconds(150), () -> {
                    String out = Files.exists(log) ? Files.readString(log) : "";
                    if (out.contains("\n" + prefix) || out.startsWith(prefix)) {
                        return true;
                    }
                    assertThat(p.isAlive()).as("producer died (exit status %s) before %s:%n%s", p.isAlive() ? "" : p.exitValue(),
                            prefix.trim(), out).isTrue();
                    return false;
                });
    }

    private static String line(String out, String prefix) {
        for (String l : out.split("\n")) {
            if (l.startsWith(prefix)) {
                return l;
            }
        }
        throw new AssertionError("no line starting with " + prefix + " in:\n" + out);
    }

    private static long[] committed(String line, int threads) {
        long[] c = new long[threads];
        Matcher m = COMMITTED.matcher(line);
        int found = 0;
        while (m.find()) {
            c[Integer.parseInt(m.group(1))] = Long.parseLong(m.group(2));
            found++;
        }
        assertThat(found).as("committed counts in %s", line).isEqualTo(threads);
        return c;
    }
}
