package io.parquetry.converter.verify;

import org.apache.hadoop.fs.Path;

/**
 * One file found in a dataset, as its name and footer describe it. Index fields are -1 where the file has none.
 *
 * @param kind how the file relates to the verified queue and source
 * @param path the file
 * @param partition its partition directory relative to the dataset ({@code dt=…/hour=…}), or "" at the top
 * @param bytes its length
 * @param source the source its name gives, or null
 * @param queueId the queue id its name gives, or null (files written before queue identities)
 * @param firstIndex the first index (from the footer for committed files, else the name)
 * @param lastIndex the last index its footer gives
 * @param records the record count its footer gives
 * @param rows the rows of its row groups
 * @param schemaVersion the schema version its footer says it is written in, or -1
 * @param schemaFingerprint that version's fingerprint from its footer (16 hex digits), or null
 */
public record DatasetFile(Kind kind, Path path, String partition, long bytes, String source, String queueId, long firstIndex,
        long lastIndex, long records, long rows, int schemaVersion, String schemaFingerprint) {

    /** How a file relates to the verified queue and source. */
    public enum Kind {
        /** A committed file of this source and queue: checked against the queue. */
        OWN,
        /** A committed file of another source or queue: listed and counted in its partition. */
        FOREIGN,
        /** A hidden in-progress file. */
        IN_PROGRESS,
        /** Anything else a reader would see. */
        STRAY
    }

    public String name() {
        return path.getName();
    }
}
