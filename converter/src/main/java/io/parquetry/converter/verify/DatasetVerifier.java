package io.parquetry.converter.verify;

import io.parquetry.converter.Checkpoint;
import io.parquetry.converter.output.DatasetPaths;
import io.parquetry.converter.output.FooterKeys;
import io.parquetry.reader.QueueReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Checks a dataset against the queue it was converted from, reading only the footers of its files (parquet-hadoop's
 * footer reader: no data page is read) and the converter's checkpoint:
 * <ul>
 *   <li>the queue's converted range, from its first record to the checkpoint, is covered by this source's committed
 *   files of this queue exactly once: no gap, no overlap;</li>
 *   <li>each such file holds as many records as the queue has in the file's index range, its row groups agree with its
 *   footer, its footer with its name, and it lies in the partition of its first record's cycle;</li>
 *   <li>each such file's first and last record, and the checkpoint's record, are the queue's records at those indexes
 *   (the CRC-32C of their bytes, kept in footers and checkpoint, against the queue's records): a queue that lost records
 *   in a power cut and got others at the same indexes has the same counts, but not the same records;</li>
 *   <li>everything else a reader of the dataset would see is listed: files of other sources or queues (a problem only
 *   when {@code strict}), in-progress files (likewise) and stray files, which no converter names so (always a problem:
 *   a {@code **}{@code /*.parquet} reader would count their rows too).</li>
 * </ul>
 * Records the queue no longer holds (deleted by retention) cannot be counted; the report says so in a note.
 */
public final class DatasetVerifier {

    private static final Pattern FINAL = Pattern.compile("part-(.+)-([0-9a-f]{16})-(\\d{20})" + Pattern.quote(DatasetPaths.FINAL_SUFFIX));
    private static final Pattern LEGACY = Pattern.compile("part-(.+)-(\\d{20})" + Pattern.quote(DatasetPaths.FINAL_SUFFIX));
    private static final Pattern IN_PROGRESS = Pattern.compile("\\.part-.+" + Pattern.quote(DatasetPaths.IN_PROGRESS_SUFFIX));
    private static final String STATE_DIR = "_parquetry";

    private final FileSystem fs;
    private final Configuration conf;
    private final Path datasetDir;
    private final String source;
    private final QueueReader queue;
    private final String queueId;
    private final DatasetPaths layout;
    private final List<Problem> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<long[]> accepted = new ArrayList<>();
    /** The first and last record's checksums of this queue's files, from their footers (files written before them: absent). */
    private final Map<Path, long[]> checksums = new java.util.HashMap<>();
    private int withoutChecksums;

    private DatasetVerifier(FileSystem fs, Configuration conf, Path datasetDir, String source, QueueReader queue) {
        this.fs = fs;
        this.conf = conf;
        this.datasetDir = fs.makeQualified(datasetDir);
        this.source = source;
        this.queue = queue;
        this.queueId = queue.identity().id();
        this.layout = new DatasetPaths(this.datasetDir, source, queueId, queue.cycleLengthMillis());
    }

    /**
     * Verifies {@code datasetDir} against {@code queue} for {@code source}.
     *
     * @param checkpoint what the converter's checkpoint says, or null when it has none
     * @param strict files of other sources or queues, and in-progress files, are problems too
     * @throws IOException when the dataset cannot be listed
     */
    public static VerifyReport verify(FileSystem fs, Configuration conf, Path datasetDir, String source, QueueReader queue,
            Checkpoint.Saved checkpoint, boolean strict) throws IOException {
        return verify(fs, conf, datasetDir, source, queue, checkpoint, strict, List.of());
    }

    /**
     * As above, where {@code accepted} are the damaged ranges an operator accepted to lose ({@code {fromIndex,
     * resumeIndex}}, see {@code AcceptedDamage}): a gap that is exactly such a range is a note, not a problem.
     */
    public static VerifyReport verify(FileSystem fs, Configuration conf, Path datasetDir, String source, QueueReader queue,
            Checkpoint.Saved checkpoint, boolean strict, List<long[]> accepted) throws IOException {
        DatasetVerifier v = new DatasetVerifier(fs, conf, datasetDir, source, queue);
        v.accepted.addAll(accepted);
        return v.run(checkpoint, strict);
    }

    private VerifyReport run(Checkpoint.Saved saved, boolean strict) throws IOException {
        long checkpoint = -1;
        if (saved != null && saved.queueId() != null && !saved.queueId().equals(queueId)) {
            problems.add(new Problem(Problem.Kind.CHECKPOINT, "the checkpoint belongs to another queue: checkpoint queue id=" + saved.queueId()
                    + ", queue id=" + queueId + " (wrong --state-dir?); checked without it"));
        } else if (saved != null) {
            checkpoint = saved.lastCommitted();
            if (saved.lastRecordChecksum() >= 0) {
                compareRecord(checkpoint, saved.lastRecordChecksum(), "the checkpoint's record");
            }
        }
        List<DatasetFile> files = fs.exists(datasetDir) ? list() : List.of();
        if (!fs.exists(datasetDir)) {
            notes.add("the dataset directory does not exist");
        }
        for (DatasetFile f : files) {
            if (f.kind() == DatasetFile.Kind.STRAY) {
                problems.add(new Problem(Problem.Kind.STRAY, "file=" + rel(f.path()) + " is not named like a converter's file"
                        + " (readers of the dataset would count its rows too)"));
            } else if (strict && f.kind() == DatasetFile.Kind.FOREIGN) {
                problems.add(new Problem(Problem.Kind.FOREIGN, "file=" + rel(f.path()) + " is of source " + f.source() + ", queue id "
                        + f.queueId()));
            } else if (strict && f.kind() == DatasetFile.Kind.IN_PROGRESS) {
                problems.add(new Problem(Problem.Kind.IN_PROGRESS, "file=" + rel(f.path())));
            }
        }
        List<DatasetFile> own = files.stream().filter(f -> f.kind() == DatasetFile.Kind.OWN)
                .sorted(Comparator.comparingLong(DatasetFile::firstIndex).thenComparingLong(DatasetFile::lastIndex)).toList();
        own.forEach(this::checkOne);
        if (withoutChecksums > 0) {
            notes.add(withoutChecksums + " file(s) of this queue carry no record checksums (written by an earlier version): their "
                    + "records are counted against the queue, not compared with it");
        }
        long[] covered = coverage(own, checkpoint);
        Map<String, PartitionStats> partitions = new TreeMap<>();
        for (DatasetFile f : files) {
            if (f.kind() == DatasetFile.Kind.OWN || f.kind() == DatasetFile.Kind.FOREIGN) {
                partitions.computeIfAbsent(f.partition(), p -> new PartitionStats(p, 0, 0, 0, 0));
                partitions.computeIfPresent(f.partition(), (p, s) -> s.plus(f));
            }
        }
        // Files of several versions are normal (a queue whose schema changed): listed, never a problem.
        Map<String, SchemaVersionStats> versions = new TreeMap<>();
        for (DatasetFile f : own) {
            versions.merge(SchemaVersionStats.key(f), SchemaVersionStats.of(f), SchemaVersionStats::plus);
        }
        long last = queue.lastIndex();
        return new VerifyReport(datasetDir.toString(), source, queue.queueDir().toString(), queueId, queue.firstIndex(), last, checkpoint,
                covered[0], covered[1], files, List.copyOf(partitions.values()), List.copyOf(versions.values()), List.copyOf(problems),
                List.copyOf(notes));
    }

    private List<DatasetFile> list() throws IOException {
        String root = datasetDir.toUri().getPath();
        List<DatasetFile> out = new ArrayList<>();
        for (FileStatus st : walk(datasetDir, new ArrayList<>())) {
            String rel = st.getPath().toUri().getPath().substring(root.length() + 1);
            int slash = rel.lastIndexOf('/');
            String partition = slash < 0 ? "" : rel.substring(0, slash);
            String name = st.getPath().getName();
            if (IN_PROGRESS.matcher(name).matches()) {
                out.add(new DatasetFile(DatasetFile.Kind.IN_PROGRESS, st.getPath(), partition, st.getLen(), null, null, -1, -1, -1, -1, -1,
                        null));
            } else if (!hidden(rel)) { // readers skip names starting with "." or "_" (checksums, markers)
                out.add(classify(st, partition, name));
            }
        }
        out.sort(Comparator.comparing(f -> f.path().toString()));
        return out;
    }

    /** Every file under {@code dir} but the dataset's own state ({@value #STATE_DIR}), through plain listings. */
    private List<FileStatus> walk(Path dir, List<FileStatus> into) throws IOException {
        for (FileStatus st : fs.listStatus(dir)) {
            if (st.isDirectory()) {
                if (!(dir.equals(datasetDir) && st.getPath().getName().equals(STATE_DIR))) {
                    walk(st.getPath(), into);
                }
            } else {
                into.add(st);
            }
        }
        return into;
    }

    private static boolean hidden(String rel) {
        for (String part : rel.split("/")) {
            if (part.startsWith(".") || part.startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    private DatasetFile classify(FileStatus st, String partition, String name) {
        Matcher m = FINAL.matcher(name);
        Matcher legacy = LEGACY.matcher(name);
        String nameSource;
        String nameQueueId;
        long nameFirst;
        if (m.matches()) {
            nameSource = m.group(1);
            nameQueueId = m.group(2);
            nameFirst = Long.parseLong(m.group(3));
        } else if (legacy.matches()) {
            nameSource = legacy.group(1);
            nameQueueId = null;
            nameFirst = Long.parseLong(legacy.group(2));
        } else {
            return new DatasetFile(DatasetFile.Kind.STRAY, st.getPath(), partition, st.getLen(), null, null, -1, -1, -1, -1, -1, null);
        }
        Map<String, String> kv;
        long rows;
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromStatus(st, conf))) {
            kv = r.getFooter().getFileMetaData().getKeyValueMetaData();
            rows = r.getRecordCount();
        } catch (IOException | RuntimeException e) {
            problems.add(new Problem(Problem.Kind.UNREADABLE, "file=" + rel(st.getPath()) + ": " + e));
            return new DatasetFile(DatasetFile.Kind.STRAY, st.getPath(), partition, st.getLen(), nameSource, nameQueueId, nameFirst, -1, -1, -1,
                    -1, null);
        }
        boolean ownQueue = nameQueueId != null ? nameQueueId.equals(queueId)
                : queue.queueDir().toAbsolutePath().toString().equals(kv.get(FooterKeys.QUEUE)) && kv.get(FooterKeys.QUEUE_ID) == null;
        DatasetFile.Kind kind = nameSource.equals(source) && ownQueue ? DatasetFile.Kind.OWN : DatasetFile.Kind.FOREIGN;
        long first = parse(kv, FooterKeys.FIRST_INDEX);
        long last = parse(kv, FooterKeys.LAST_INDEX);
        long records = parse(kv, FooterKeys.RECORD_COUNT);
        int schemaVersion = (int) Math.min(Integer.MAX_VALUE, parse(kv, FooterKeys.SCHEMA_VERSION));
        String fingerprint = kv.get(FooterKeys.SCHEMA_FINGERPRINT);
        if (kind == DatasetFile.Kind.OWN) {
            if (first < 0 || last < first || records < 0) {
                problems.add(new Problem(Problem.Kind.FOOTER_MISMATCH, "file=" + rel(st.getPath()) + " lacks Parquetry's footer keys or has a "
                        + "bad range: " + FooterKeys.FIRST_INDEX + "=" + kv.get(FooterKeys.FIRST_INDEX) + ", " + FooterKeys.LAST_INDEX + "="
                        + kv.get(FooterKeys.LAST_INDEX) + ", " + FooterKeys.RECORD_COUNT + "=" + kv.get(FooterKeys.RECORD_COUNT)));
                return new DatasetFile(DatasetFile.Kind.STRAY, st.getPath(), partition, st.getLen(), nameSource, nameQueueId, nameFirst, last,
                        records, rows, schemaVersion, fingerprint);
            }
            long firstSum = FooterKeys.checksum(kv, FooterKeys.FIRST_RECORD_CRC32C);
            long lastSum = FooterKeys.checksum(kv, FooterKeys.LAST_RECORD_CRC32C);
            if (firstSum >= 0 && lastSum >= 0) {
                checksums.put(st.getPath(), new long[] {firstSum, lastSum});
            } else {
                withoutChecksums++;
            }
            if (first != nameFirst || (nameQueueId != null && !nameQueueId.equals(kv.get(FooterKeys.QUEUE_ID)))) {
                problems.add(new Problem(Problem.Kind.FOOTER_MISMATCH, "file=" + rel(st.getPath()) + " has a footer of another file: "
                        + FooterKeys.FIRST_INDEX + "=" + first + ", " + FooterKeys.QUEUE_ID + "=" + kv.get(FooterKeys.QUEUE_ID)));
            }
        }
        return new DatasetFile(kind, st.getPath(), partition, st.getLen(), nameSource, nameQueueId, first < 0 ? nameFirst : first, last,
                records, rows, schemaVersion, fingerprint);
    }

    /** A file's name relative to the dataset, as messages show it. */
    private String rel(Path p) {
        String root = datasetDir.toUri().getPath() + "/";
        String path = p.toUri().getPath();
        return path.startsWith(root) ? path.substring(root.length()) : p.toString();
    }

    private static String count(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }

    private static long parse(Map<String, String> kv, String key) {
        try {
            String v = kv.get(key);
            return v == null ? -1 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One file of this queue: counts against its row groups and the queue, and its partition. */
    private void checkOne(DatasetFile f) {
        if (f.rows() != f.records()) {
            problems.add(new Problem(Problem.Kind.COUNT_MISMATCH, "file=" + rel(f.path()) + ": its footer says " + f.records()
                    + " records, its row groups hold " + f.rows()));
        }
        Path expected = fs.makeQualified(layout.partition(queue.cycleOf(f.firstIndex())));
        if (!expected.equals(fs.makeQualified(f.path().getParent()))) {
            problems.add(new Problem(Problem.Kind.WRONG_PARTITION, "file=" + rel(f.path()) + " starts at index " + f.firstIndex()
                    + ", whose cycle's partition is " + expected));
        }
        if (f.firstIndex() < queue.firstIndex()) {
            return; // counted in the note on retention
        }
        long inQueue = 1 + queue.recordsBetween(f.firstIndex(), f.lastIndex());
        if (inQueue != f.records()) {
            problems.add(new Problem(Problem.Kind.COUNT_MISMATCH, "file=" + rel(f.path()) + " holds " + f.records() + " records for indexes "
                    + f.firstIndex() + " to " + f.lastIndex() + ", the queue has " + inQueue));
        }
        long[] sums = checksums.get(f.path());
        if (sums != null) {
            compareRecord(f.firstIndex(), sums[0], "file=" + rel(f.path()) + ": its first record");
            compareRecord(f.lastIndex(), sums[1], "file=" + rel(f.path()) + ": its last record");
        }
    }

    /** The queue's record at {@code index} must have the CRC-32C {@code expected}, as {@code what} remembers it. */
    private void compareRecord(long index, long expected, String what) {
        long found = checksumAt(index);
        if (found >= 0 && found != expected) {
            problems.add(new Problem(Problem.Kind.CONTENT_MISMATCH, what + " (index " + index + ") has CRC32C " + FooterKeys.checksumText(expected)
                    + ", the queue's record at that index " + FooterKeys.checksumText(found) + ": the dataset holds a record the queue does not"
                    + " (the queue lost records in a power cut and got others at the same indexes, or was replaced)"));
        }
    }

    /** CRC-32C of the queue's record at {@code index}, or -1 when the queue has none there or cannot read it. */
    private long checksumAt(long index) {
        long[] found = {-1};
        try {
            if (index < queue.firstIndex() || !queue.moveTo(index)) {
                return -1;
            }
            queue.read((i, rec) -> found[0] = i == index ? Integer.toUnsignedLong(rec.recordChecksum()) : -1, 1);
        } catch (RuntimeException damaged) {
            return -1; // damage is the converter's and skip-damaged's to report; counts show what it cost
        }
        return found[0];
    }

    /** The accepted damaged range that is exactly the gap after {@code last} up to {@code next}, or null. */
    private long[] acceptedBetween(long last, long next) {
        for (long[] r : accepted) {
            if (r[1] == next && r[0] > last && queue.recordsBetween(last, r[0]) <= 1) {
                return r;
            }
        }
        return null;
    }

    /** The converted range covered exactly once: returns the covered {first, last}, or {-1, -1}. */
    private long[] coverage(List<DatasetFile> own, long checkpoint) {
        long queueFirst = queue.firstIndex();
        DatasetFile reach = null; // the file reaching furthest so far
        for (DatasetFile f : own) {
            if (reach == null) {
                if (queueFirst != Long.MAX_VALUE && f.firstIndex() > queueFirst) {
                    problems.add(new Problem(Problem.Kind.GAP, count(queue.recordsBetween(queueFirst, f.firstIndex())) + " records from the queue's "
                            + "first index " + queueFirst + " up to index " + f.firstIndex() + " (exclusive) are in no file; the first file is "
                            + rel(f.path())));
                } else if (f.firstIndex() < queueFirst) {
                    notes.add("records before index " + queueFirst + " are no longer in the queue (retention): files before it were not "
                            + "counted against it");
                }
            } else if (f.firstIndex() <= reach.lastIndex()) {
                long both = Math.min(reach.lastIndex(), f.lastIndex());
                problems.add(new Problem(Problem.Kind.OVERLAP, "indexes " + f.firstIndex() + " to " + both
                        + (f.firstIndex() >= queueFirst ? " (" + count(1 + queue.recordsBetween(f.firstIndex(), both)) + " records)" : "")
                        + " are in two files: " + rel(reach.path()) + " (indexes " + reach.firstIndex() + " to " + reach.lastIndex() + ") and "
                        + rel(f.path()) + " (indexes " + f.firstIndex() + " to " + f.lastIndex() + ")"));
            } else if (reach.lastIndex() >= queueFirst) {
                long missing = queue.recordsBetween(reach.lastIndex(), f.firstIndex()) - 1;
                long[] skipped = acceptedBetween(reach.lastIndex(), f.firstIndex());
                if (missing > 0 && skipped != null) {
                    notes.add(count(missing) + " records after index " + reach.lastIndex() + " and before index " + f.firstIndex()
                            + " are in no file: a damaged range an operator accepted to lose (accepted-damage, from index " + skipped[0] + ")");
                } else if (missing > 0) {
                    problems.add(new Problem(Problem.Kind.GAP, count(missing) + " records after index " + reach.lastIndex() + " (the last of "
                            + rel(reach.path()) + ") and before index " + f.firstIndex() + " (the first of " + rel(f.path()) + ") are in no file"));
                }
            }
            if (reach == null || f.lastIndex() > reach.lastIndex()) {
                reach = f;
            }
        }
        if (checkpoint >= 0) {
            if (reach == null) {
                problems.add(new Problem(Problem.Kind.GAP, "the checkpoint says records up to index " + checkpoint
                        + " were committed, but the dataset holds no file of this queue and source"));
            } else if (reach.lastIndex() < checkpoint) {
                problems.add(new Problem(Problem.Kind.GAP, count(queue.recordsBetween(reach.lastIndex(), checkpoint)) + " records after index "
                        + reach.lastIndex() + " (the last of " + rel(reach.path()) + ") up to the checkpoint's index " + checkpoint + " are in no file"));
            } else if (reach.lastIndex() > checkpoint) {
                notes.add("files after the checkpoint (index " + checkpoint + ") reach index " + reach.lastIndex()
                        + ": committed before a crash or while the converter runs; it adopts them at its next start");
            }
        } else if (reach != null) {
            notes.add("no checkpoint: the converted range is taken from the files");
        }
        return reach == null ? new long[] {-1, -1} : new long[] {own.get(0).firstIndex(), reach.lastIndex()};
    }
}
