package io.parquetry.converter.verify;

/**
 * Committed files of one partition (every source), their rows and bytes.
 *
 * @param partition {@code dt=…/hour=…}
 * @param files committed files
 * @param rows rows of their row groups, from the footers
 * @param bytes their lengths
 * @param ownFiles files of the verified source and queue
 */
public record PartitionStats(String partition, int files, long rows, long bytes, int ownFiles) {

    PartitionStats plus(DatasetFile f) {
        return new PartitionStats(partition, files + 1, rows + Math.max(0, f.rows()), bytes + f.bytes(),
                ownFiles + (f.kind() == DatasetFile.Kind.OWN ? 1 : 0));
    }
}
