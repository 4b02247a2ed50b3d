package io.parquetry.converter.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link DatasetVerifier} found: the files, rows and bytes per partition, the problems (in the order found, the
 * first being the one to fix first) and notes that need no action.
 *
 * @param dataset the dataset directory
 * @param source the verified source
 * @param queueDir the queue directory
 * @param queueId the queue's identity
 * @param queueFirstIndex the queue's first index, or {@code Long.MAX_VALUE} when empty
 * @param queueLastIndex the queue's last index, or -1 when empty
 * @param checkpoint the checkpoint's last committed index, or -1 without one
 * @param coveredFirst the first index covered by this queue's files, or -1 without files
 * @param coveredLast the last index covered by this queue's files, or -1 without files
 * @param files every file found, sorted by path
 * @param partitions committed files per partition
 * @param schemaVersions this queue's committed files per schema version, oldest version first (several are normal)
 * @param problems what is wrong
 * @param notes what is worth knowing but needs no action
 */
public record VerifyReport(String dataset, String source, String queueDir, String queueId, long queueFirstIndex, long queueLastIndex,
        long checkpoint, long coveredFirst, long coveredLast, List<DatasetFile> files, List<PartitionStats> partitions,
        List<SchemaVersionStats> schemaVersions, List<Problem> problems, List<String> notes) {

    public boolean ok() {
        return problems.isEmpty();
    }

    public Problem firstProblem() {
        return problems.isEmpty() ? null : problems.get(0);
    }

    public List<DatasetFile> files(DatasetFile.Kind kind) {
        return files.stream().filter(f -> f.kind() == kind).toList();
    }

    /** Rows of this queue's committed files. */
    public long ownRows() {
        return files(DatasetFile.Kind.OWN).stream().mapToLong(DatasetFile::rows).sum();
    }

    /** The report as lines for a terminal. */
    public List<String> render() {
        List<String> out = new ArrayList<>();
        out.add("dataset:    " + dataset);
        out.add("queue:      " + queueDir + " (id " + queueId + "), "
                + (queueLastIndex < 0 ? "empty" : "indexes " + queueFirstIndex + " to " + queueLastIndex));
        out.add("source:     " + source + ", checkpoint " + (checkpoint < 0 ? "none" : Long.toString(checkpoint)));
        out.add(String.format(Locale.ROOT, "files:      %d of this queue (%,d rows), %d foreign, %d in progress, %d stray",
                files(DatasetFile.Kind.OWN).size(), ownRows(), files(DatasetFile.Kind.FOREIGN).size(),
                files(DatasetFile.Kind.IN_PROGRESS).size(), files(DatasetFile.Kind.STRAY).size()));
        if (coveredFirst >= 0) {
            out.add("covered:    indexes " + coveredFirst + " to " + coveredLast
                    + (problems.stream().anyMatch(p -> p.kind() == Problem.Kind.GAP || p.kind() == Problem.Kind.OVERLAP) ? ", with gaps or overlaps"
                    : ", exactly once"));
        }
        if (!partitions.isEmpty()) {
            out.add(String.format(Locale.ROOT, "%-28s %6s %8s %14s %14s", "partition", "files", "of queue", "rows", "bytes"));
            for (PartitionStats p : partitions) {
                out.add(String.format(Locale.ROOT, "%-28s %6d %8d %,14d %,14d", p.partition(), p.files(), p.ownFiles(), p.rows(), p.bytes()));
            }
        }
        for (SchemaVersionStats v : schemaVersions) {
            out.add(String.format(Locale.ROOT, "schema:     %s: %d file(s), indexes %d to %d, %,d rows", v.label(), v.files(), v.firstIndex(),
                    v.lastIndex(), v.rows()));
        }
        for (DatasetFile f : files(DatasetFile.Kind.FOREIGN)) {
            out.add(String.format(Locale.ROOT, "foreign:    %s/%s (source %s, queue id %s, %,d rows)", f.partition(), f.name(), f.source(),
                    f.queueId() == null ? "none" : f.queueId(), f.rows()));
        }
        for (DatasetFile f : files(DatasetFile.Kind.IN_PROGRESS)) {
            out.add("in progress: " + f.partition() + "/" + f.name() + " (a running converter's, or a dead one's leftover: its next start "
                    + "deletes it)");
        }
        for (DatasetFile f : files(DatasetFile.Kind.STRAY)) {
            out.add("stray:      " + (f.partition().isEmpty() ? "" : f.partition() + "/") + f.name());
        }
        for (String n : notes) {
            out.add("note:       " + n);
        }
        for (Problem p : problems) {
            out.add("PROBLEM:    " + p);
        }
        out.add(ok() ? "OK" : "FAILED: " + problems.size() + " problem(s)");
        return out;
    }
}
