package io.parquetry.converter.verify;

/**
 * One thing wrong with a dataset, in words an operator can act on.
 *
 * @param kind what is wrong
 * @param message the files and indexes involved
 */
public record Problem(Kind kind, String message) {

    /** What is wrong. */
    public enum Kind {
        /** Records of the converted range that are in no committed file. */
        GAP,
        /** Records that are in more than one committed file. */
        OVERLAP,
        /** A file whose record count differs from the queue's records in its index range, or from its own row groups. */
        COUNT_MISMATCH,
        /** A file whose footer disagrees with its name or lacks Parquetry's keys. */
        FOOTER_MISMATCH,
        /** A file in another partition than its first record's cycle. */
        WRONG_PARTITION,
        /** A file readers would see that no converter wrote under the dataset's naming (a copy, a compaction output). */
        STRAY,
        /** A file of another source or queue (a problem only when asked for with strict checking). */
        FOREIGN,
        /** A hidden in-progress file (a running converter's, or a dead one's leftover; a problem only when strict). */
        IN_PROGRESS,
        /** The checkpoint belongs to another queue. */
        CHECKPOINT,
        /**
         * A file's first or last record, or the checkpoint's record, is not the queue's record at that index (by their
         * CRC-32C): the dataset holds records the queue does not.
         */
        CONTENT_MISMATCH,
        /** A file whose footer cannot be read. */
        UNREADABLE
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + message;
    }
}
