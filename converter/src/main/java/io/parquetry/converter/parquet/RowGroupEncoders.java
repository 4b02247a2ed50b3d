package io.parquetry.converter.parquet;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The encoder threads shared by every {@link ParquetPartFile} of one converter. Each thread encodes whole row groups
 * with its own reusable state (column vectors, dictionaries, page buffers, codec contexts), released when the pool
 * closes. Files bound their own work in flight; the pool's queue is not bounded.
 */
public final class RowGroupEncoders implements AutoCloseable {

    private static final ThreadLocal<RowGroupEncoder> ENCODER = new ThreadLocal<>();

    private final int threads;
    private final String name;
    private final ThreadPoolExecutor executor;
    private final AtomicInteger busy = new AtomicInteger();
    /** Record chunks free for any file, by chunk length (files of one schema share one list). */
    private final ConcurrentHashMap<Integer, ConcurrentLinkedQueue<byte[]>> freeChunks = new ConcurrentHashMap<>();
    /** Record arenas free for any file of a schema with variable fields (of any size: one grows when it is too small). */
    private final ConcurrentLinkedQueue<RecordArena> freeArenas = new ConcurrentLinkedQueue<>();

    /**
     * @param threads encoder threads, at least 1
     * @param threadNamePrefix threads are named {@code <prefix>-1}, {@code <prefix>-2}, ...
     */
    public RowGroupEncoders(int threads, String threadNamePrefix) {
        if (threads < 1) {
            throw new IllegalArgumentException("encoder threads must be at least 1: threads=" + threads);
        }
        this.threads = threads;
        this.name = threadNamePrefix;
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(() -> {
                try {
                    r.run();
                } finally {
                    RowGroupEncoder e = ENCODER.get();
                    if (e != null) {
                        e.close(); // native codec contexts
                        ENCODER.remove();
                    }
                }
            }, threadNamePrefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    /** Row groups submitted and not finished, queued or being encoded (for tests and diagnostics). */
    public int busy() {
        return busy.get();
    }

    /** Queues {@code task}; returns the handle {@link #cancel} takes. */
    Runnable execute(Runnable task) throws IOException {
        Runnable handle = () -> {
            try {
                task.run();
            } finally {
                busy.decrementAndGet();
            }
        };
        busy.incrementAndGet();
        try {
            executor.execute(handle);
        } catch (RejectedExecutionException e) {
            busy.decrementAndGet();
            throw new IOException("encoder pool is closed: pool=" + name, e);
        }
        return handle;
    }

    /** Takes a task that has not started off the queue; false when it has started (or finished). */
    boolean cancel(Runnable handle) {
        if (executor.remove(handle)) {
            busy.decrementAndGet();
            return true;
        }
        return false;
    }

    /**
     * The free list of record chunks of {@code bytes} each. It holds at most what the files using it had in flight at
     * once, and keeps a new file (a rotation) from allocating its row groups' memory again.
     */
    ConcurrentLinkedQueue<byte[]> freeChunks(int bytes) {
        return freeChunks.computeIfAbsent(bytes, b -> new ConcurrentLinkedQueue<>());
    }

    /** The free list of record arenas (schemas with variable fields): as {@link #freeChunks}, for the variable values. */
    ConcurrentLinkedQueue<RecordArena> freeArenas() {
        return freeArenas;
    }

    /** The pool's name: its threads' prefix. */
    String name() {
        return name;
    }

    /** The calling pool thread's encoder. */
    static RowGroupEncoder encoder() {
        RowGroupEncoder e = ENCODER.get();
        if (e == null) {
            e = new RowGroupEncoder();
            ENCODER.set(e);
        }
        return e;
    }

    /** Stops the threads once queued work is done (waiting up to 10 s), releasing their codec contexts, free chunks and arenas. */
    @Override
    public void close() {
        freeChunks.clear();
        freeArenas.clear();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "RowGroupEncoders[" + name + ", threads=" + threads + "]";
    }
}
