package io.parquetry.recorder;

import io.parquetry.queue.QueueDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The recorders of one queue, across processes: each open recorder holds a shared lock on {@value #FILE_NAME} in the
 * queue directory; the first to open after all were closed (or died, a power cut included) gets it exclusively first,
 * and only then may change what lies in the queue's files before Chronicle opens them ({@link QueueRepair}): no other
 * recorder is appending. File locks belong to a process, so recorders of one queue in one process share one lock.
 */
final class QueueLock implements AutoCloseable {

    static final String FILE_NAME = QueueDirectory.RECORDER_LOCK;

    /** The lock of each queue this process holds, and how many recorders of this process hold it. */
    private static final Map<Path, Held> HELD = new HashMap<>();

    private static final class Held {
        final FileChannel channel;
        FileLock lock;
        int users;

        Held(FileChannel channel) {
            this.channel = channel;
        }
    }

    private final Path key;
    private final boolean exclusive;
    private boolean closed;

    private QueueLock(Path key, boolean exclusive) {
        this.key = key;
        this.exclusive = exclusive;
    }

    /**
     * Takes the queue's lock: exclusively when no other recorder (of any process) holds it, else shared (waiting for one
     * that holds it exclusively while it repairs the queue).
     */
    static QueueLock acquire(Path queueDir) {
        Path key = queueDir.toAbsolutePath().normalize();
        synchronized (HELD) {
            Held h = HELD.get(key);
            if (h != null) {
                h.users++;
                return new QueueLock(key, false);
            }
            Path f = key.resolve(FILE_NAME);
            FileChannel ch = null;
            try {
                ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                h = new Held(ch);
                h.lock = ch.tryLock(0, Long.MAX_VALUE, false);
                boolean exclusive = h.lock != null;
                if (!exclusive) {
                    h.lock = ch.lock(0, Long.MAX_VALUE, true);
                }
                h.users = 1;
                HELD.put(key, h);
                return new QueueLock(key, exclusive);
            } catch (IOException e) {
                closeQuietly(ch);
                throw new UncheckedIOException("cannot lock the queue for recording: file=" + f + ": " + e, e);
            }
        }
    }

    /** True when no other recorder held the queue when this one took the lock: it may repair the queue's files. */
    boolean exclusive() {
        return exclusive && !closed;
    }

    /** After the repair: lets other recorders open the queue. */
    void share() {
        if (!exclusive) {
            return;
        }
        synchronized (HELD) {
            Held h = HELD.get(key);
            try {
                h.lock.release();
                h.lock = h.channel.lock(0, Long.MAX_VALUE, true);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot share the queue's lock: file=" + key.resolve(FILE_NAME) + ": " + e, e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (HELD) {
            if (closed) {
                return;
            }
            closed = true;
            Held h = HELD.get(key);
            if (--h.users == 0) {
                HELD.remove(key);
                closeQuietly(h.channel); // releases the lock
            }
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the lock goes with the channel; nothing was written through it
            }
        }
    }
}
