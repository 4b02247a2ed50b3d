package io.parquetry.benchmarks;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.schema.Field;
import io.parquetry.schema.Schema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
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
 * Append throughput of an app-log record ({@code conf/schemas/app-log.yaml}) with a message of about 100 bytes and
 * JSON attributes on half the records: the recorder's writer, setting the message from a {@code String} (UTF-8 encoded
 * into the record) and computing the record's CRC-32C, against raw Chronicle {@code writingDocument} writing the same
 * bytes (the message already encoded), in the same run. {@code -prof gc} reports allocation per append.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AppLogAppendBenchmark {

    /** Values picked per record: 64 messages of 60..140 ASCII bytes (mean ~100), attributes, services, trace ids. */
    @State(Scope.Benchmark)
    public static class Values {
        final String[] messages = new String[64];
        final byte[][] messageBytes = new byte[64][];
        final String[] attributes = new String[16];
        final byte[][] attributeBytes = new byte[16][];
        final byte[][] services = new byte[8][];
        final byte[][] traces = new byte[32][];
        final byte[][] levels = {bytes("INFO", 5), bytes("INFO", 5), bytes("INFO", 5), bytes("WARN", 5), bytes("DEBUG", 5), bytes("INFO", 5),
            bytes("ERROR", 5), bytes("INFO", 5)};

        @Setup(Level.Trial)
        public void make() {
            Random r = new Random(7);
            String words = "request handled user order payment cache miss retry upstream latency timeout session token refresh ok";
            String[] w = words.split(" ");
            for (int i = 0; i < messages.length; i++) {
                StringBuilder sb = new StringBuilder();
                int target = 60 + r.nextInt(81);
                while (sb.length() < target) {
                    sb.append(w[r.nextInt(w.length)]).append(' ');
                }
                messages[i] = sb.substring(0, target);
                messageBytes[i] = messages[i].getBytes(StandardCharsets.UTF_8);
            }
            for (int i = 0; i < attributes.length; i++) {
                attributes[i] = "{\"user\":" + r.nextInt(100_000) + ",\"region\":\"eu-west-" + r.nextInt(3) + "\",\"ms\":" + r.nextInt(900) + "}";
                attributeBytes[i] = attributes[i].getBytes(StandardCharsets.UTF_8);
            }
            for (int i = 0; i < services.length; i++) {
                services[i] = bytes("service-" + (char) ('a' + i), 24);
            }
            for (int i = 0; i < traces.length; i++) {
                StringBuilder sb = new StringBuilder();
                for (int k = 0; k < 32; k++) {
                    sb.append(Character.forDigit(r.nextInt(16), 16));
                }
                traces[i] = sb.toString().getBytes(StandardCharsets.US_ASCII);
            }
        }
    }

    static byte[] bytes(String s, int width) {
        return java.util.Arrays.copyOf(s.getBytes(StandardCharsets.US_ASCII), width);
    }

    /** One recorder queue and one raw queue per run, shared by the threads, deleted afterwards. */
    @State(Scope.Benchmark)
    public static class Queues {
        Path recorderDir;
        Path rawDir;
        Recorder recorder;
        ChronicleQueue raw;
        Schema schema;
        Field ts;
        Field level;
        Field service;
        Field trace;
        Field message;
        Field attributes;

        @Setup(Level.Trial)
        public void open() throws Exception {
            schema = Schema.load(Path.of(System.getProperty("parquetry.root", ".")).resolve("conf/schemas/app-log.yaml"));
            ts = schema.field("timestamp_ns");
            level = schema.field("level");
            service = schema.field("service");
            trace = schema.field("trace_id");
            message = schema.field("message");
            attributes = schema.field("attributes");
            recorderDir = BenchQueues.create("bench-applog-recorder");
            rawDir = BenchQueues.create("bench-applog-raw");
            recorder = Recorder.open(recorderDir, schema, RecorderOptions.defaults());
            raw = ChronicleQueue.singleBuilder(rawDir).rollCycle(SparseRollCycles.LARGE_HOURLY_SPARSE).build();
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            recorder.close();
            raw.close();
            BenchQueues.delete(recorderDir);
            BenchQueues.delete(rawDir);
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

    @Benchmark
    public int recorder(Queues q, Values v, Writers w) {
        long i = w.i++;
        RecordWriter wr = w.writer;
        int rc = wr.begin();
        if (rc == RecordWriter.OK) {
            byte[] lv = v.levels[(int) (i & 7)];
            wr.setLong(q.ts, 1_763_700_000_000_000_000L + i * 1000).setBytes(q.level, lv, 0, lv.length)
                    .setBytes(q.service, v.services[(int) (i >>> 3 & 7)], 0, 24);
            if ((i & 3) == 0) {
                wr.setNull(q.trace);
            } else {
                wr.setBytes(q.trace, v.traces[(int) (i & 31)], 0, 32);
            }
            wr.setString(q.message, v.messages[(int) (i & 63)]);
            if ((i & 1) == 0) {
                wr.setString(q.attributes, v.attributes[(int) (i >>> 1 & 15)]);
            } else {
                wr.setNull(q.attributes);
            }
            rc = wr.commit();
        }
        return rc;
    }

    /** The same record's bytes as the recorder lays them out: null bitmap, fixed fields, end slots, values (no checksum). */
    @Benchmark
    public long rawChronicle(Queues q, Values v, Writers w) {
        long i = w.i++;
        byte[] msg = v.messageBytes[(int) (i & 63)];
        byte[] attr = (i & 1) == 0 ? v.attributeBytes[(int) (i >>> 1 & 15)] : null;
        int fixed = q.schema.fixedLength();
        try (DocumentContext dc = w.appender.writingDocument()) {
            Bytes<?> b = dc.wire().bytes();
            b.writeByte((byte) (((i & 3) == 0 ? 1 : 0) | (attr == null ? 2 : 0)));
            b.writeLong(1_763_700_000_000_000_000L + i * 1000);
            b.write(v.levels[(int) (i & 7)], 0, 5);
            b.write(v.services[(int) (i >>> 3 & 7)], 0, 24);
            b.write(v.traces[(int) (i & 31)], 0, 32);
            b.writeInt(fixed + msg.length);
            b.writeInt(fixed + msg.length + (attr == null ? 0 : attr.length));
            b.write(msg, 0, msg.length);
            if (attr != null) {
                b.write(attr, 0, attr.length);
            }
        }
        return i;
    }
}
