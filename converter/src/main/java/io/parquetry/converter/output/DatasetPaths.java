package io.parquetry.converter.output;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;

/**
 * File names of a dataset (docs/FORMAT.md §7):
 * {@code <output>/<dataset>/dt=YYYY-MM-DD/hour=HH/part-<source>-<queueId>-<firstIndex>.parquet}, partitioned by the start
 * of the queue cycle of the file's first record (UTC), so a file never spans two partitions. The queue id (16 hex
 * digits, see {@link io.parquetry.queue.QueueIdentity}) keeps the files of a re-created queue, whose indexes restart
 * at the same numbers, apart from the old queue's; the first index is written as 20 zero-padded decimal digits, so one
 * queue's names sort in index order. A file being written is hidden: {@code .part-….parquet.inprogress}, which Spark,
 * Hive and DuckDB globs skip.
 *
 * <p>Files written before queue identities are named {@code part-<source>-<firstIndex>.parquet} ({@link #legacyFinalPath}).
 */
public final class DatasetPaths {

    public static final String FINAL_SUFFIX = ".parquet";
    public static final String IN_PROGRESS_SUFFIX = ".parquet.inprogress";

    private final Path datasetDir;
    private final String source;
    private final String queueId;
    private final long cycleMillis;
    private final Pattern ownInProgress;

    public DatasetPaths(Path datasetDir, String source, String queueId, long cycleMillis) {
        this.datasetDir = datasetDir;
        this.source = source;
        this.queueId = queueId;
        this.cycleMillis = cycleMillis;
        // Any queue of this source, and the names from before queue identities: the source's lease says no other live
        // converter writes this source into this dataset, so every such in-progress file is a dead converter's leftover.
        this.ownInProgress = Pattern.compile("\\.part-" + Pattern.quote(source) + "-([0-9a-f]{16}-)?\\d{20}" + Pattern.quote(IN_PROGRESS_SUFFIX));
    }

    public Path datasetDir() {
        return datasetDir;
    }

    public String source() {
        return source;
    }

    public String queueId() {
        return queueId;
    }

    /** The partition directory of a cycle. */
    public Path partition(int cycle) {
        ZonedDateTime t = Instant.ofEpochMilli(cycle * cycleMillis).atZone(ZoneOffset.UTC);
        return new Path(datasetDir, String.format("dt=%04d-%02d-%02d/hour=%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour()));
    }

    public static String baseName(String source, String queueId, long firstIndex) {
        return String.format("part-%s-%s-%020d", source, queueId, firstIndex);
    }

    public Path finalPath(int cycle, long firstIndex) {
        return new Path(partition(cycle), baseName(source, queueId, firstIndex) + FINAL_SUFFIX);
    }

    public Path inProgressPath(int cycle, long firstIndex) {
        return new Path(partition(cycle), "." + baseName(source, queueId, firstIndex) + IN_PROGRESS_SUFFIX);
    }

    /** The name this source's file starting at {@code firstIndex} had before queue identities. */
    public Path legacyFinalPath(int cycle, long firstIndex) {
        return new Path(partition(cycle), String.format("part-%s-%020d", source, firstIndex) + FINAL_SUFFIX);
    }

    /** True for this source's in-progress file names (of any of its queues). */
    public boolean isOwnInProgress(String fileName) {
        return ownInProgress.matcher(fileName).matches();
    }
}
