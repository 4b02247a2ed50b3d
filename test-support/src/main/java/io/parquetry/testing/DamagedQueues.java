package io.parquetry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.queue.BootId;
import io.parquetry.queue.CycleFile;
import io.parquetry.queue.CycleFileDescriptor;
import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.QueueSchemaStore;
import io.parquetry.reader.QueueDamagedException;
import io.parquetry.reader.QueueReader;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Writes market-data queues whose records carry their sequence in {@code order_id}, finds where a record sits in a
 * cycle file, and damages cycle files on disk the ways a crash or a stray writer does. Shared by the damage tests.
 */
public final class DamagedQueues {

    public static final RecorderOptions OPTIONS = RecorderOptions.defaults().diskGuardMinFreeBytes(0);

    private DamagedQueues() {
    }

    /** Appends records {@code from .. to-1} (order_id = the number) to the queue in {@code dir}. */
    public static void write(Path dir, String rollCycle, long from, long to) {
        write(dir, options(rollCycle), from, to);
    }

    /** As {@link #write(Path, String, long, long)}, with the recorder's options given. */
    public static void write(Path dir, RecorderOptions options, long from, long to) {
        MarketData md = new MarketData();
        try (Recorder rec = Recorder.open(dir, md.schema, options); RecordWriter w = rec.newWriter()) {
            for (long i = from; i < to; i++) {
                assertThat(md.write(w, i)).isEqualTo(RecordWriter.OK);
            }
        }
    }

    /**
     * Appends one cycle per count, with a secondly roll cycle: {@code counts[0]} records (order_id 0, 1, ...) in one second,
     * the next ones in the following seconds. Returns the cycle files, oldest first.
     */
    public static List<Path> writeCycles(Path dir, long... counts) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            List<Path> files = tryWriteCycles(dir, counts);
            if (files != null) {
                return files;
            }
            // A busy machine let a second pass while one cycle's records were written: start again.
            assertThat(attempt).as("attempts to write each cycle's records within one second").isLessThan(5);
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static List<Path> tryWriteCycles(Path dir, long... counts) throws InterruptedException {
        MarketData md = new MarketData();
        long id = 0;
        try (Recorder rec = Recorder.open(dir, md.schema, options("TEST_SECONDLY").pretouchAhead(0)); RecordWriter w = rec.newWriter()) {
            for (long count : counts) {
                long second = System.currentTimeMillis() / 1000;
                while (System.currentTimeMillis() / 1000 == second) {
                    Thread.sleep(2);
                }
                for (long i = 0; i < count; i++, id++) {
                    assertThat(md.write(w, id)).isEqualTo(RecordWriter.OK);
                }
            }
        }
        List<Path> files = cycleFiles(dir);
        if (files.size() != counts.length) {
            return null;
        }
        for (int i = 0; i < counts.length; i++) {
            if (recordPositions(files.get(i)).size() != counts[i]) {
                return null;
            }
        }
        return files;
    }

    /**
     * Makes this JVM see another boot than the one that wrote the queue, as after a power cut, until the returned handle
     * is closed: readers then check records' checksums (records read in the boot that wrote them cannot be torn, and
     * are not checked).
     */
    public static AutoCloseable rebooted(Path scratch) throws IOException {
        Path f = scratch.resolve("boot_id-" + java.util.UUID.randomUUID());
        Files.writeString(f, java.util.UUID.randomUUID().toString());
        System.setProperty(BootId.FILE_PROPERTY, f.toString());
        return () -> {
            System.clearProperty(BootId.FILE_PROPERTY);
            Files.deleteIfExists(f);
        };
    }

    /** Header to header of the records of the queue in {@code dir}, by its layout version. */
    public static int stride(Path dir) {
        return ExcerptFormat.of(QueueSchemaStore.layoutVersion(dir), QueueSchemaStore.read(dir)).stride();
    }

    /**
     * Makes {@code dir} a market-data queue of layout version {@code layoutVersion}, as an earlier Parquetry created it
     * (a recorder keeps a queue's layout): for tests of the layouts a new queue no longer gets.
     */
    public static void createWithLayout(Path dir, String rollCycle, int layoutVersion) {
        QueueSchemaStore.storeOrCheck(dir, new MarketData().schema, rollCycle, layoutVersion);
        assertThat(QueueSchemaStore.layoutVersion(dir)).isEqualTo(layoutVersion);
    }

    public static RecorderOptions options(String rollCycle) {
        return RecorderOptions.defaults().diskGuardMinFreeBytes(0).rollCycle(rollCycle);
    }

    /** The queue's cycle files, oldest first. */
    public static List<Path> cycleFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".cq4")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Header positions of every data excerpt in a cycle file, in order, found by following its headers. */
    public static List<Long> recordPositions(Path cycleFile) {
        List<Long> positions = new ArrayList<>();
        try (CycleFile f = CycleFile.open(cycleFile, 0)) {
            f.checkHeader();
            CycleFile.Walk w = new CycleFile.Walk();
            long pos = 0;
            while (true) {
                f.walk(pos, Long.MAX_VALUE, 0, w);
                if (w.outcome != CycleFile.LIMIT) {
                    return positions;
                }
                positions.add(w.position);
                pos = CycleFileDescriptor.nextHeader(w.position, f.header(w.position));
            }
        }
    }

    public static void truncate(Path file, long length) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void zero(Path file, long from, long to) {
        write(file, from, new byte[(int) (to - from)]);
    }

    public static void garbage(Path file, long from, long to, long seed) {
        byte[] b = new byte[(int) (to - from)];
        new Random(seed).nextBytes(b);
        write(file, from, b);
    }

    /**
     * Sets the store header's write position to {@code position}, the header of the record with sequence {@code sequence},
     * as Chronicle leaves it after appending that record (what a power cut that lost the header's later updates leaves).
     */
    public static void setWritePosition(Path file, long position, long sequence) {
        try (CycleFile f = CycleFile.open(file, 0)) {
            f.checkHeader();
            int shift = CycleFileDescriptor.sequenceShift(f.indexCount(), f.indexSpacing());
            putLong(file, f.writePositionOffset(), position);
            putLong(file, f.writePositionOffset() + 8, (position << shift) + sequence);
        }
    }

    public static void putLong(Path file, long at, long value) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        write(file, at, b);
    }

    public static void putInt(Path file, long at, int value) {
        write(file, at, new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)});
    }

    public static int getInt(Path file, long at) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(at);
            return Integer.reverseBytes(f.readInt());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code length} bytes of {@code file} from {@code at}. */
    public static byte[] read(Path file, long at, int length) {
        byte[] b = new byte[length];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(at);
            f.readFully(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b;
    }

    public static void write(Path file, long at, byte[] bytes) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            f.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a read of the whole queue delivered, and how it ended. */
    public static final class Outcome {
        public final List<Long> orderIds = new ArrayList<>();
        public final List<Long> indexes = new ArrayList<>();
        public QueueDamagedException damage;

        public long lastIndex() {
            return indexes.isEmpty() ? -1 : indexes.get(indexes.size() - 1);
        }
    }

    /** Reads until the end or damage, in batches of {@code batch}, collecting order_ids and indexes. */
    public static Outcome readAll(QueueReader r, int batch, Outcome into) {
        MarketData md = new MarketData(r.schema());
        try {
            while (r.read((index, rec) -> {
                assertThat(rec.length()).as("excerpt length at index %d", index).isEqualTo(r.format().excerptLength());
                into.orderIds.add(rec.getLong(md.orderId));
                into.indexes.add(index);
            }, batch) > 0) {
                // keep reading
            }
        } catch (QueueDamagedException e) {
            into.damage = e;
        }
        return into;
    }

    /** Opens the queue and reads it from the start; damage met while opening or positioning ends the outcome too. */
    public static Outcome readAll(Path dir) {
        Outcome o = new Outcome();
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            return readAll(r, 1000, o);
        } catch (QueueDamagedException e) {
            o.damage = e;
            return o;
        }
    }

    /** Asserts that the read delivered exactly the records {@code from .. to-1}, each once, in order. */
    public static void assertDelivered(Outcome o, long from, long to) {
        assertThat(o.orderIds).as("records delivered").hasSize((int) (to - from));
        for (int i = 0; i < o.orderIds.size(); i++) {
            if (o.orderIds.get(i) != from + i) {
                throw new AssertionError("record " + i + " delivered has order_id " + o.orderIds.get(i) + ", expected " + (from + i));
            }
        }
    }

    /** The first {@code n} records of an outcome. */
    public static Outcome first(Outcome o, int n) {
        Outcome f = new Outcome();
        f.orderIds.addAll(o.orderIds.subList(0, n));
        f.indexes.addAll(o.indexes.subList(0, n));
        return f;
    }

    /** The list {@code from .. to-1}. */
    public static List<Long> range(long from, long to) {
        List<Long> l = new ArrayList<>();
        for (long i = from; i < to; i++) {
            l.add(i);
        }
        return l;
    }
}
