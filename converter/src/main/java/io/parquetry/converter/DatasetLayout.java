package io.parquetry.converter;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;

/**
 * File names of a dataset (DESIGN §4):
 * {@code <output>/<dataset>/dt=YYYY-MM-DD/hour=HH/part-<source>-<firstIndex>.parquet}, partitioned by the start of the
 * queue cycle of the file's first record (UTC), so a file never spans two partitions. The first index is written as 20
 * zero-padded decimal digits, so names sort in index order. A file being written is hidden:
 * {@code .part-<source>-<firstIndex>.parquet.inprogress}, which Spark, Hive and DuckDB globs skip.
 */
public final class DatasetLayout {

    public static final String FINAL_SUFFIX = ".parquet";
    public static final String IN_PROGRESS_SUFFIX = ".parquet.inprogress";

    private final Path datasetDir;
    private final String source;
    private final long cycleMillis;
    private final Pattern ownName;

    public DatasetLayout(Path datasetDir, String source, long cycleMillis) {
        this.datasetDir = datasetDir;
        this.source = source;
        this.cycleMillis = cycleMillis;
        this.ownName = Pattern.compile("\\.?part-" + Pattern.quote(source) + "-(\\d{20})\\.parquet(\\.inprogress)?");
    }

    public Path datasetDir() {
        return datasetDir;
    }

    public String source() {
        return source;
    }

    /** The partition directory of a cycle. */
    public Path partition(int cycle) {
        ZonedDateTime t = Instant.ofEpochMilli(cycle * cycleMillis).atZone(ZoneOffset.UTC);
        return new Path(datasetDir, String.format("dt=%04d-%02d-%02d/hour=%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour()));
    }

    public static String baseName(String source, long firstIndex) {
        return String.format("part-%s-%020d", source, firstIndex);
    }

    public Path finalPath(int cycle, long firstIndex) {
        return new Path(partition(cycle), baseName(source, firstIndex) + FINAL_SUFFIX);
    }

    public Path inProgressPath(int cycle, long firstIndex) {
        return new Path(partition(cycle), "." + baseName(source, firstIndex) + IN_PROGRESS_SUFFIX);
    }

    /** True for this source's in-progress file names. */
    public boolean isOwnInProgress(String fileName) {
        Matcher m = ownName.matcher(fileName);
        return m.matches() && m.group(2) != null && fileName.startsWith(".");
    }
}
