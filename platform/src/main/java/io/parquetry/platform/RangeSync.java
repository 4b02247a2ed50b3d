package io.parquetry.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Forces part of a cycle file to disk: the bytes of the records that must be durable, not the whole file.
 *
 * <p>Why not {@code fsync}: a producer writes the queue through a mapping all the time, and a whole-file sync also writes
 * back (and write-protects) the pages it is writing right then: the store header's page, which every append updates,
 * and the pages the pretouch thread dirtied ahead of it. Its next store to each such page then faults into the file
 * system, which waits for the journal commit the sync started: measured here, a converter forcing its queue once a
 * second put a producer at 1 M records/s from a p99 of 4-6 ms to 70-114 ms. A ranged sync ({@code msync} of the range
 * with {@code MS_SYNC}, which Linux turns into a sync of that file range and the journal commit it needs, as for
 * {@code fdatasync}) writes only pages the producer has left behind, except the last one.
 *
 * <p>What the range leaves out (the store header after its first sync, index arrays ahead) is not needed to read the
 * records back: after a power cut the reader and the recorder's repair do without it (docs/FORMAT.md §6).
 */
public final class RangeSync {

    private static final long PAGE = 4096;
    /** A mapping holds at most 2 GiB: a longer range is forced in pieces. */
    private static final long CHUNK = 1L << 30;
    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private RangeSync() {
    }

    /**
     * Forces bytes {@code [from, to)} of {@code file} (whole pages) to disk.
     *
     * @throws UncheckedIOException naming the file when it cannot be forced
     */
    public static void force(Path file, long from, long to) {
        long start = Math.max(0, from) & ~(PAGE - 1);
        if (to <= start) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = Math.min(to, ch.size());
            if (end <= start) {
                return;
            }
            for (long at = start; at < end; at += CHUNK) {
                MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, at, Math.min(CHUNK, end - at));
                try {
                    m.force();
                } finally {
                    UNSAFE.invokeCleaner(m); // unmapped now, not at some later garbage collection
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot force the queue's records to disk: file=" + file + ", bytes " + from + ".." + to + ": " + e, e);
        }
    }

    /** Forces the whole of {@code file} (fdatasync): for a cycle file nobody writes any more. */
    public static void forceWhole(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot force the queue's records to disk: file=" + file + ": " + e, e);
        }
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
