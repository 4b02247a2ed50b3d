package io.parquetry.benchmarks;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.testing.MarketData;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.rollcycles.SparseRollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Append throughput of the 52-byte market-data record: the recorder's writer against raw Chronicle
 * {@code writingDocument} writing the same 52 bytes in the same order, in the same run and JVM settings. Run with
 * {@code -t 1} and {@code -t 2}; {@code -prof gc} reports allocation per append.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AppendBenchmark {

    /** One queue per benchmark run, shared by the threads, deleted afterwards. */
    @State(Scope.Benchmark)
    public static class Queues {
        Path recorderDir;
        Path rawDir;
        Recorder recorder;
        ChronicleQueue raw;
        MarketData md;

        @Setup(Level.Trial)
        public void open() throws Exception {
            md = new MarketData();
            recorderDir = BenchQueues.create("bench-recorder");
            rawDir = BenchQueues.create("bench-raw");
            RecorderOptions options = RecorderOptions.defaults();
            if (Boolean.getBoolean("bench.quietHousekeeping")) { // diagnosis: take the housekeeping thread out of the picture
                options.statusInterval(java.time.Duration.ofHours(1)).diskCheckInterval(java.time.Duration.ofHours(1));
            }
            // Each side as it comes by default; -Dbench.rawDoubleBuffer / -Dbench.recorderDoubleBuffer override, for diagnosis.
            if (System.getProperty("bench.recorderPretouchMiB") != null) { // diagnosis: 0 turns the pretouch thread off
                options.pretouchAhead(Long.getLong("bench.recorderPretouchMiB") << 20);
            }
            if (System.getProperty("bench.recorderDoubleBuffer") != null) {
                options.doubleBuffer(Boolean.getBoolean("bench.recorderDoubleBuffer"));
            }
            recorder = Recorder.open(recorderDir, md.schema, options);
            raw = ChronicleQueue.singleBuilder(rawDir).rollCycle(SparseRollCycles.LARGE_HOURLY_SPARSE)
                    .doubleBuffer(Boolean.getBoolean("bench.rawDoubleBuffer")).build();
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            recorder.close();
            raw.close();
            BenchQueues.delete(recorderDir);
            BenchQueues.delete(rawDir);
        }
    }

    /** A recorder of a queue without record checksums (layout version 1), to price the checksum against the same anchor. */
    @State(Scope.Benchmark)
    public static class UncheckedQueue {
        Path dir;
        Recorder recorder;

        @Setup(Level.Trial)
        public void open() throws Exception {
            dir = BenchQueues.create("bench-nocrc");
            recorder = Recorder.open(dir, new MarketData().schema, RecorderOptions.defaults().recordChecksums(false));
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            recorder.close();
            BenchQueues.delete(dir);
        }
    }

    @State(Scope.Thread)
    public static class UncheckedWriter {
        RecordWriter writer;
        long i;

        @Setup(Level.Trial)
        public void open(UncheckedQueue q) {
            writer = q.recorder.newWriter();
        }

        @TearDown(Level.Trial)
        public void close() {
            writer.close();
        }
    }

    /** A recorder in periodic msync mode (every 100 ms), to price OS-crash durability against the same anchor. */
    @State(Scope.Benchmark)
    public static class SyncedQueue {
        Path dir;
        Recorder recorder;

        @Setup(Level.Trial)
        public void open() throws Exception {
            dir = BenchQueues.create("bench-msync");
            recorder = Recorder.open(dir, new MarketData().schema, RecorderOptions.defaults().syncInterval(java.time.Duration.ofMillis(100)));
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            recorder.close();
            BenchQueues.delete(dir);
        }
    }

    @State(Scope.Thread)
    public static class SyncedWriter {
        RecordWriter writer;
        long i;

        @Setup(Level.Trial)
        public void open(SyncedQueue q) {
            writer = q.recorder.newWriter();
        }

        @TearDown(Level.Trial)
        public void close() {
            writer.close();
        }
    }

    /** Per-thread writer and appender, created and closed on the benchmark thread itself. */
    @State(Scope.Thread)
    public static class Writers {
        RecordWriter writer;
        ExcerptAppender appender;
        long i;

        @Setup(Level.Trial)
        public void open(Queues q) {
            writer = q.recorder.newWriter();
            appender = q.raw.createAppender();
        }

        @TearDown(Level.Trial)
        public void close() {
            writer.close();
            appender.close();
        }
    }

    private static final byte[][] SYMBOLS = {bytes("AAPL"), bytes("MSFT"), bytes("NVDA"), bytes("AMZN"), bytes("GOOGL"), bytes("META"),
        bytes("TSLA"), bytes("BRK.B")};

    private static byte[] bytes(String s) {
        return java.util.Arrays.copyOf(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 8);
    }

    @Benchmark
    public int recorder(Queues q, Writers w) {
        return append(q.md, w.writer, w.i++);
    }

    @Benchmark
    public int recorderWithoutChecksums(Queues q, UncheckedWriter w) {
        return append(q.md, w.writer, w.i++);
    }

    @Benchmark
    public int recorderMsync100ms(Queues q, SyncedWriter w) {
        return append(q.md, w.writer, w.i++);
    }

    private static int append(MarketData md, RecordWriter wr, long i) {
        int rc = wr.begin();
        if (rc == RecordWriter.OK) {
            byte[] sym = SYMBOLS[(int) (i & 7)];
            wr.setLong(md.ts, 1_763_700_000_000_000_000L + i * 1000).setBytes(md.symbol, sym, 0, 8).setLong(md.orderId, i)
                    .setInt(md.side, (int) (i & 1)).setLong(md.price, 10_000_000_000L + (i & 1023) * 1_000_000L)
                    .setLong(md.quantity, 100 + (i & 511)).setInt(md.orderType, (int) (i & 3)).setInt(md.exchange, (int) (i & 7));
            wr.commit();
        }
        return rc;
    }

    @Benchmark
    public long rawChronicle(Writers w) {
        long i = w.i++;
        try (DocumentContext dc = w.appender.writingDocument()) {
            Bytes<?> b = dc.wire().bytes();
            b.writeLong(1_763_700_000_000_000_000L + i * 1000);
            b.write(SYMBOLS[(int) (i & 7)], 0, 8);
            b.writeLong(i);
            b.writeInt((int) (i & 1));
            b.writeLong(10_000_000_000L + (i & 1023) * 1_000_000L);
            b.writeLong(100 + (i & 511));
            b.writeInt((int) (i & 3));
            b.writeInt((int) (i & 7));
        }
        return i;
    }
}
