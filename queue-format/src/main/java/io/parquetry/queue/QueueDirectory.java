package io.parquetry.queue;


/**
 * The names of the files a recorder keeps in a queue directory beside Chronicle's (docs/FORMAT.md §1), for tools that
 * must tell a queue's files from others.
 */
public final class QueueDirectory {

    /** The queue's layout version, roll cycle, identity and schema. */
    public static final String SCHEMA_FILE = "parquetry-schema.yaml";
    /** Held (an OS file lock) while a recorder adds a version of the schema (docs/FORMAT.md §2.1). */
    public static final String SCHEMA_LOCK = "parquetry-schema.lock";
    /** The last record a recorder forced to disk ({@link SyncMark}). */
    public static final String SYNC_MARK = "parquetry-sync.mark";
    /** Held by every open recorder (the recorder's {@code QueueLock}). */
    public static final String RECORDER_LOCK = "parquetry-recorder.lock";
    /** What a repair at a recorder's open took out of the queue (the recorder's {@code QueueRepair}). */
    public static final String REPAIR_DIR = "parquetry-repair";

    private QueueDirectory() {
    }
}
