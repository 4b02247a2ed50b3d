package io.parquetry.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A line of progress on stderr every interval while a long command runs (stdout keeps only the final summary, so
 * scripts that read it are not disturbed). Nothing is printed for a command that ends within one interval.
 */
final class Progress implements AutoCloseable {

    private final Thread thread;

    private Progress(Thread thread) {
        this.thread = thread;
    }

    /**
     * Starts printing {@code line.get()} to {@code err} every {@code interval}; a zero interval prints nothing.
     * A line that is null (nothing to say yet) is skipped.
     */
    static Progress start(Duration interval, PrintStream err, Supplier<String> line) {
        if (interval.isZero()) {
            return new Progress(null);
        }
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(interval.toMillis());
                    String s = line.get();
                    if (s != null) {
                        err.println(s);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // closed: the command is done
            } catch (RuntimeException e) {
                err.println("progress unavailable: " + Main.describe(e));
            }
        }, "parquetry-progress");
        t.setDaemon(true);
        t.start();
        return new Progress(t);
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
