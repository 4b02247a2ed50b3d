package io.parquetry.recorder;

import io.parquetry.testing.AllTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A producer process for the full-disk tests ({@link DiskFullTest}): writer threads append AllTypes records to a queue
 * on a small file system until the recorder refuses every append for a second ({@code FULL}), then wait for the test
 * to free space and create the resume file, then must append {@link #AFTER_RESUME} more records each ({@code DONE}).
 * Thread {@code k} appends sequence numbers {@code k * 1e9, k * 1e9 + 1, ...}, retrying a refused one, so the committed
 * records of each thread are exactly the first {@code committed.k} of its sequence.
 *
 * <p>Arguments: queue threads rollCycle diskGuardMinFreeBytes diskGuardHysteresisBytes pretouchAhead reserveAhead
 * resumeFile. A reserveAhead of 0 keeps the default. Exit status 0 only when everything went as described; a thread
 * that throws (an {@link InternalError} from a page fault on a full disk, say) makes it 2.
 */
public final class DiskFillingProducer {

    static final long THREAD_STRIDE = 1_000_000_000L;
    static final int AFTER_RESUME = 2_000;
    private static final long FULL_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private DiskFillingProducer() {
    }

    public static void main(String[] args) throws Exception {
        Path queue = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        RecorderOptions options = RecorderOptions.defaults().rollCycle(args[2]).diskGuardMinFreeBytes(Long.parseLong(args[3]))
                .diskGuardHysteresisBytes(Long.parseLong(args[4])).pretouchAhead(Long.parseLong(args[5]));
        long reserve = Long.parseLong(args[6]);
        if (reserve > 0) {
            options.reserveAhead(reserve);
        }
        Path resume = Path.of(args[7]);
        AllTypes t = new AllTypes();
        AtomicLongArray committed = new AtomicLongArray(threads);
        AtomicLongArray refused = new AtomicLongArray(threads);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch full = new CountDownLatch(threads);
        CountDownLatch resumed = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        try (Recorder rec = Recorder.open(queue, t.schema, options)) {
            System.out.println("STARTED");
            for (int k = 0; k < threads; k++) {
                int id = k;
                Thread th = new Thread(() -> {
                    try (RecordWriter w = rec.newWriter()) {
                        appendUntilRefusedForASecond(t, w, id, committed, refused);
                        full.countDown();
                        resumed.await();
                        long target = committed.get(id) + AFTER_RESUME;
                        while (committed.get(id) < target) {
                            append(t, w, id, committed, refused);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                        e.printStackTrace();
                        full.countDown();
                    } finally {
                        done.countDown();
                    }
                }, "producer-" + k);
                th.setDaemon(true);
                th.start();
            }
            if (!full.await(120, TimeUnit.SECONDS)) {
                System.out.println("NOT FULL after 120 s: " + counts(committed, refused));
                System.exit(3);
            }
            if (failure.get() != null) {
                System.out.println("FAILED " + failure.get());
                System.exit(2);
            }
            System.out.println("FULL " + counts(committed, refused) + " guard=" + rec.diskGuardTripped());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(resume)) {
                if (System.nanoTime() > deadline) {
                    System.out.println("NO RESUME FILE");
                    System.exit(4);
                }
                Thread.sleep(10);
            }
            resumed.countDown();
            if (!done.await(60, TimeUnit.SECONDS)) {
                System.out.println("NOT RESUMED within 60 s: " + counts(committed, refused) + " guard=" + rec.diskGuardTripped()
                        + " starved=" + rec.reserver().starved() + " freeBytes=" + Files.getFileStore(queue).getUsableSpace()
                        + " held=" + rec.reserver().heldCycles() + " reserved=" + rec.reserver().reservedBytes());
                System.exit(5);
            }
            if (failure.get() != null) {
                System.out.println("FAILED " + failure.get());
                System.exit(2);
            }
            System.out.println("DONE " + counts(committed, refused));
        }
        System.out.flush();
        System.exit(0);
    }

    private static void appendUntilRefusedForASecond(AllTypes t, RecordWriter w, int id, AtomicLongArray committed,
            AtomicLongArray refused) {
        long refusedSince = -1;
        while (true) {
            if (append(t, w, id, committed, refused)) {
                refusedSince = -1;
            } else if (refusedSince < 0) {
                refusedSince = System.nanoTime();
            } else if (System.nanoTime() - refusedSince > FULL_AFTER_NANOS) {
                return;
            }
        }
    }

    /** One attempt: true when committed; a refusal sleeps a little (the test machine has two shared cores). */
    private static boolean append(AllTypes t, RecordWriter w, int id, AtomicLongArray committed, AtomicLongArray refused) {
        long n = committed.get(id);
        int rc = t.write(w, id * THREAD_STRIDE + n);
        if (rc == RecordWriter.OK) {
            committed.set(id, n + 1);
            return true;
        }
        if (rc != RecordWriter.REFUSED_DISK_GUARD) {
            throw new IllegalStateException("unexpected result: " + rc);
        }
        refused.incrementAndGet(id);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        return false;
    }

    private static String counts(AtomicLongArray committed, AtomicLongArray refused) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < committed.length(); k++) {
            sb.append(k == 0 ? "" : " ").append("committed.").append(k).append('=').append(committed.get(k))
                    .append(" refused.").append(k).append('=').append(refused.get(k));
        }
        return sb.toString();
    }
}
