package io.parquetry.reader;

import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.QueueSchemaStore;
import io.parquetry.queue.SchemaHistory;
import io.parquetry.schema.Field;
import io.parquetry.schema.Schema;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The versions of a queue's schema a reader knows, each with its excerpt format, its {@link RecordReader} and its
 * {@link RecordRun}, found by the schema version a record carries (queue layout version 4, docs/FORMAT.md §3). A queue of
 * an older layout has one version, which every record has. Single-threaded, like the reader.
 *
 * <p>A record that carries a version the reader does not know makes it load the history again, once per such version
 * and second: a recorder adds a version to the history, durably, before its first record of it.
 */
final class RecordVersions {

    static final int UNKNOWN = -1;
    private static final long RELOAD_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private final Path queueDir;
    private final int layout;
    private SchemaHistory history;
    private ExcerptFormat any;
    private int[] numbers = new int[0];
    private ExcerptFormat[] formats = new ExcerptFormat[0];
    private RecordReader[] readers = new RecordReader[0];
    private RecordRun[] runs = new RecordRun[0];
    private Field[][] variables = new Field[0][];
    private int lastNumber = Integer.MIN_VALUE;
    private int lastSlot = UNKNOWN;
    private int lastUnknown = Integer.MIN_VALUE;
    private long lastReload;

    RecordVersions(Path queueDir, SchemaHistory history, int layout) {
        this.queueDir = queueDir;
        this.layout = layout;
        take(history);
    }

    private void take(SchemaHistory h) {
        this.history = h;
        this.any = ExcerptFormat.anyOf(layout, h);
        int n = layout == ExcerptFormat.VERSIONED ? h.size() : 1;
        int known = numbers.length;
        numbers = Arrays.copyOf(numbers, n);
        formats = Arrays.copyOf(formats, n);
        readers = Arrays.copyOf(readers, n);
        runs = Arrays.copyOf(runs, n);
        variables = Arrays.copyOf(variables, n);
        for (int i = known; i < n; i++) {
            Schema s = layout == ExcerptFormat.VERSIONED ? h.versions().get(i).schema() : h.newest().schema();
            ExcerptFormat f = ExcerptFormat.of(layout, s);
            numbers[i] = s.version();
            formats[i] = f;
            readers[i] = new RecordReader(s, f);
            runs[i] = f.variable() ? null : new RecordRun(readers[i], f.recordLength(), f.excerptLength());
            variables[i] = s.variableFields();
        }
    }

    /** True when records carry their schema version (layout version 4). */
    boolean versioned() {
        return layout == ExcerptFormat.VERSIONED;
    }

    /** Every version as one format: what lengths an excerpt of a record may have, whatever its version. */
    ExcerptFormat any() {
        return any;
    }

    SchemaHistory history() {
        return history;
    }

    /**
     * The slot of the version a record says it has ({@code number}, read after the record), or {@link #UNKNOWN} when the
     * history has no such version even read again.
     */
    int slotOf(int number) {
        if (!versioned()) {
            return 0;
        }
        if (number == lastNumber) {
            return lastSlot;
        }
        for (int i = 0; i < numbers.length; i++) {
            if (numbers[i] == number) {
                lastNumber = number;
                lastSlot = i;
                return i;
            }
        }
        long now = System.nanoTime();
        if (number != lastUnknown || now - lastReload > RELOAD_NANOS) {
            lastUnknown = number;
            lastReload = now;
            SchemaHistory h = QueueSchemaStore.history(queueDir); // throws, in one line, at a layout this code does not know
            if (h.size() > history.size()) {
                take(h);
                return slotOf(number);
            }
        }
        return UNKNOWN;
    }

    ExcerptFormat format(int slot) {
        return formats[slot];
    }

    RecordReader reader(int slot) {
        return readers[slot];
    }

    RecordRun run(int slot) {
        return runs[slot];
    }

    Field[] variables(int slot) {
        return variables[slot];
    }
}
