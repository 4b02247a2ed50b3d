package io.parquetry.converter.parquet;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The second stage of the converter's pipeline: the tailing thread copies records into batches ({@link #add}); this
 * stage's thread encodes them into the current {@link PartWriter}. With two cores, reading and encoding overlap.
 *
 * <p>Protocol: the tailing thread owns the part's life cycle. Before it closes or abandons a part it calls
 * {@link #drain()}, which returns once every batch handed over has been encoded, so only one thread touches a part at a
 * time; the blocking queue and the {@code processed} counter carry the happens-before edges. Batches hold at most 1 MiB
 * of records, and there are four, so the stage's memory is bounded whatever the queue's length.
 */
final class EncodeStage implements AutoCloseable {

    private static final int BATCHES = 4;
    private static final int BATCH_BYTES = 1 << 20;

    private static final class Batch {
        final byte[] data;
        int count;
        PartWriter part;
        boolean poison;

        Batch(int bytes) {
            data = new byte[bytes];
        }
    }

    private final int recordLength;
    private final int batchRecords;
    private final ArrayBlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES);
    private final ArrayBlockingQueue<Batch> full = new ArrayBlockingQueue<>(BATCHES + 1);
    private final Thread thread;
    private Batch filling;
    private long submitted;
    private volatile long processed;
    private volatile long estimatedBytes;
    private volatile long encodedRows;
    private volatile Throwable failure;

    EncodeStage(int recordLength, String name) {
        this.recordLength = recordLength;
        this.batchRecords = Math.max(1, Math.min(4096, BATCH_BYTES / recordLength));
        for (int i = 0; i < BATCHES; i++) {
            free.add(new Batch(batchRecords * recordLength));
        }
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (true) {
            Batch b;
            try {
                b = full.take();
            } catch (InterruptedException e) {
                return;
            }
            if (b.poison) {
                return;
            }
            try {
                if (failure == null) {
                    PartWriter p = b.part;
                    for (int i = 0, off = 0; i < b.count; i++, off += recordLength) {
                        p.write(b.data, off);
                    }
                    estimatedBytes = p.estimatedBytes();
                    encodedRows = p.rows();
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                b.count = 0;
                b.part = null;
                free.add(b);
                processed = processed + 1;
            }
        }
    }

    /** Copies {@code count} records from {@code records} at {@code offset} into batches for {@code part}. */
    void add(PartWriter part, byte[] records, int offset, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            Batch b = filling;
            if (b == null) {
                b = takeFree();
                b.part = part;
                filling = b;
            }
            System.arraycopy(records, offset + i * recordLength, b.data, b.count * recordLength, recordLength);
            if (++b.count == batchRecords) {
                submit();
            }
        }
    }

    private Batch takeFree() throws IOException {
        checkFailure();
        try {
            Batch b;
            while ((b = free.poll(100, TimeUnit.MILLISECONDS)) == null) {
                checkFailure();
            }
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for the encoder");
        }
    }

    private void submit() {
        Batch b = filling;
        filling = null;
        submitted++;
        full.add(b);
    }

    /** Returns once every record handed over is in its part; rethrows the encoder's failure. */
    void drain() throws IOException {
        if (filling != null) {
            if (filling.count > 0) {
                submit();
            } else {
                filling.part = null;
                free.add(filling);
                filling = null;
            }
        }
        while (processed != submitted) {
            if (!thread.isAlive()) {
                throw new IOException("encoder thread died");
            }
            LockSupport.parkNanos(20_000);
        }
        checkFailure();
    }

    /** After a part was given up: waits for what was handed over, forgets its failure, and is ready for the next part. */
    void reset() {
        try {
            drain();
        } catch (IOException ignored) {
            // the part this failure belonged to is being given up
        }
        failure = null;
        resetEstimate();
    }

    /** The current part's estimated size after the last encoded batch (approximate by at most one batch). */
    long estimatedBytes() {
        return estimatedBytes;
    }

    /** A new part starts: forget the previous part's size. Call only when drained. */
    void resetEstimate() {
        estimatedBytes = 0;
        encodedRows = 0;
    }

    /**
     * The current part's size once {@code rows} handed-over rows are encoded: the encoder's last estimate plus the rows
     * still in flight at the bytes per row seen so far ({@code recordLength} before any batch is encoded).
     */
    long projectedBytes(long rows, int recordLength) {
        long encoded = encodedRows;
        long est = estimatedBytes;
        long pending = rows - encoded;
        return encoded == 0 ? rows * (long) recordLength : est + pending * est / encoded;
    }

    private void checkFailure() throws IOException {
        Throwable t = failure;
        if (t != null) {
            if (t instanceof IOException io) {
                throw io;
            }
            throw new IOException("encoding failed: " + t, t);
        }
    }

    @Override
    public void close() {
        Batch poison = new Batch(0);
        poison.poison = true;
        full.add(poison);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
