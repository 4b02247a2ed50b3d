package io.parquetry.cli;

import io.parquetry.queue.QueueDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The demo empties {@code <work>/queue} and {@code <work>/out} before it runs; it deletes them only when everything in
 * them is what a previous demo wrote, so a mistyped {@code --work} never costs anyone their files.
 */
final class DemoWork {

    /**
     * A previous demo's queue: Chronicle's files, the recorder's own (schema, sync mark, lock, what a repair took out),
     * status files, and the demo converter's state.
     */
    private static final Pattern QUEUE_FILE = Pattern.compile("[^/]+\\.cq4t?|" + Pattern.quote(QueueDirectory.SCHEMA_FILE) + "|"
            + Pattern.quote(QueueDirectory.SYNC_MARK) + "|" + Pattern.quote(QueueDirectory.RECORDER_LOCK) + "|" + Pattern.quote(QueueDirectory.REPAIR_DIR)
            + "(/.*)?|recorder(-\\d+)?\\.status|converter-demo(/.*)?");
    /** A previous demo's dataset: source {@code demo}'s committed and in-progress files, and the dataset's lease. */
    private static final Pattern OUT_FILE = Pattern.compile(
            "[^/]+/(_parquetry(/.*)?|dt=[^/]+/hour=[^/]+/(part-demo-[^/]+\\.parquet|\\.part-demo-[^/]+\\.parquet\\.inprogress))");

    private DemoWork() {
    }

    /**
     * @throws IllegalStateException naming the first files found that no demo writes
     */
    static void refuseUnlessDemoOutput(Path queue, Path out) throws IOException {
        List<String> foreign = new ArrayList<>();
        foreign(queue, QUEUE_FILE, foreign);
        foreign(out, OUT_FILE, foreign);
        if (!foreign.isEmpty()) {
            throw new IllegalStateException("refusing to empty " + queue + " and " + out + ": they hold files no demo writes: found="
                    + foreign.subList(0, Math.min(5, foreign.size())) + (foreign.size() > 5 ? " and " + (foreign.size() - 5) + " more" : "")
                    + " (choose another --work, or remove them yourself)");
        }
    }

    private static void foreign(Path dir, Pattern allowed, List<String> found) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            found.add(dir.toString());
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!Files.isDirectory(p) && !allowed.matcher(dir.relativize(p).toString().replace('\\', '/')).matches()) {
                    found.add(p.toString());
                }
            }
        }
    }
}
