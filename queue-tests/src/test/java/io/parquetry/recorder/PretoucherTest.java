package io.parquetry.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.testing.AllTypes;
import io.parquetry.testing.Await;
import io.parquetry.testing.MarketData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The pretouch thread: it takes the producing thread's page faults, and it never changes a byte of the queue. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PretoucherTest {

    private static final long AHEAD = 8L << 20;

    @TempDir
    Path dir;

    @Test
    void producingThreadTakesNoPageFaultsOnPretouchedPages() throws Exception {
        long off = minorFaultsWriting4MiB(dir.resolve("off"), 0);
        long on = minorFaultsWriting4MiB(dir.resolve("on"), AHEAD);
        System.out.printf("minor page faults of the appending thread over 4 MiB of records: pretouch off %d, on %d%n", off, on);
        // 4 MiB of records is 1024 pages: without pretouch most cost the appending thread a page fault (754 measured; the
        // kernel maps some pages in groups).
        assertThat(off).as("page faults without pretouch").isGreaterThan(500);
        assertThat(on).as("page faults with pretouch (without: %d)", off).isLessThan(off / 20);
    }

    private long minorFaultsWriting4MiB(Path queue, long ahead) throws Exception {
        MarketData md = new MarketData();
        try (Recorder rec = Recorder.open(queue, md.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0).pretouchAhead(ahead));
             RecordWriter w = rec.newWriter()) {
            long i = 0;
            for (; i < 100_000; i++) { // warm-up, so the measured appends run compiled code
                md.write(w, i);
            }
            if (ahead > 0) {
                Pretoucher p = rec.pretoucher();
                Await.until(() -> p.touchedUpTo() >= w.hintPosition() + ahead - Pretoucher.PAGE);
            }
            int records = (4 << 20) / rec.format().excerptLength() + 1;
            long before = minorFaultsOfThisThread();
            for (long end = i + records; i < end; i++) {
                md.write(w, i);
            }
            return minorFaultsOfThisThread() - before;
        }
    }

    @Test
    void touchesAheadOfTheWritersWithoutChangingAByte() throws Exception {
        AllTypes t = new AllTypes();
        try (Recorder rec = Recorder.open(dir, t.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0).pretouchAhead(AHEAD));
             RecordWriter w = rec.newWriter()) {
            for (long s = 0; s < 20_000; s++) {
                assertThat(t.write(w, s)).isEqualTo(RecordWriter.OK);
            }
            Pretoucher p = rec.pretoucher();
            long end = w.hintPosition();
            Await.until(() -> p.touchedUpTo() >= end + AHEAD - Pretoucher.PAGE);
            assertThat(p.touchedCycle()).isEqualTo(w.hintCycle());
            assertThat(p.pagesTouched()).isGreaterThanOrEqualTo(AHEAD / Pretoucher.PAGE - 1);
            assertThat(p.touchedUpTo()).as("touched only what is reserved").isLessThanOrEqualTo(rec.reserver().reservedUpTo(w.hintCycle()));

            // Everything past the last record, up to where the pretoucher got, still reads as zero.
            Path cycleFile = onlyCycleFile();
            try (FileChannel ch = FileChannel.open(cycleFile)) {
                assertThat(ch.size()).as("cycle file length").isGreaterThanOrEqualTo(p.touchedUpTo());
                ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                for (long pos = end; pos < p.touchedUpTo(); pos += buf.capacity()) {
                    buf.clear();
                    ch.read(buf, pos);
                    buf.flip();
                    while (buf.hasRemaining()) {
                        int at = buf.position();
                        assertThat(buf.get()).as("byte at offset %d of %s", pos + at, cycleFile).isZero();
                    }
                }
            }
            // And records written over touched pages are intact, with none extra.
            for (long s = 20_000; s < 100_000; s++) {
                assertThat(t.write(w, s)).isEqualTo(RecordWriter.OK);
            }
        }
        List<Long> seqs = RecorderTest.readAllChecked(dir);
        assertThat(seqs).hasSize(100_000);
        for (int k = 0; k < seqs.size(); k++) {
            assertThat(seqs.get(k)).isEqualTo(k);
        }
    }

    @Test
    void pretouchCanBeTurnedOffAndRejectsBadDistances() {
        MarketData md = new MarketData();
        try (Recorder rec = Recorder.open(dir, md.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0).pretouchAhead(0))) {
            assertThat(rec.pretoucher()).isNull();
        }
        assertThat(RecorderOptions.defaults().pretouchAhead()).isEqualTo(RecorderOptions.DEFAULT_PRETOUCH_AHEAD);
        for (long bad : new long[] {-1, 4096, (1L << 30) + 1}) {
            assertThatThrownBy(() -> RecorderOptions.defaults().pretouchAhead(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("pretouchAhead=" + bad);
        }
    }

    private Path onlyCycleFile() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(f -> f.getFileName().toString().endsWith(".cq4")).toList();
            assertThat(files).hasSize(1);
            return files.get(0);
        }
    }

    /** Field 10 of /proc/thread-self/stat: minor faults of the calling thread. */
    private static long minorFaultsOfThisThread() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
    }
}
