package io.parquetry.status;

/**
 * Slots of a converter's status file (kind {@link StatusFileDescriptor#KIND_CONVERTER}; frame in
 * {@link StatusFileDescriptor}).
 *
 * <pre>
 *  command word              written by   meaning
 *   0 flush requested        controller   sequence number, raised by one per request
 *   1 flush completed        converter    set to the request's number only after the file holding every record appended
 *                                         before the request is renamed to its final name and checkpointed
 *   2 rotate requested       controller   sequence number
 *   3 rotate completed       converter    set after the current file is committed (or there was none)
 *   4 pause requested        controller   1 = pause, 0 = run; the converter sets 1 itself when it starts with a pause
 *                                         kept from before (its state directory remembers a pause until resumed)
 *   5 pause applied          converter    echoes word 4 once the converter has paused (after committing) or resumed
 *
 *  value slot                            text slot
 *   0 state ({@link ConverterState})      0 queue directory
 *   1 records read                        1 dataset directory (URI)
 *   2 rows written (committed)            2 schema identity
 *   3 files committed                     3 current file (in progress)
 *   4 bytes written (committed)           4 last committed file
 *   5..10 rotations by cause: rows,       5 last error (one line)
 *         bytes, age, cycle, command,     6 file committed by the last flush
 *         shutdown                        7 source
 *  11 errors                              8 settings (codec, pages, rotation)
 *  12 quarantined records                 9 commit log path
 *  13 current file rows                  10 config origin
 *  14 current file bytes (estimate)      11 queue id
 *  15 current file opened at ms          12 converter version (minor 2)
 *  16 current file first index
 *  17,18 last commit first, last index
 *  19,20 last commit rows, bytes
 *  21 last commit time ms
 *  22 checkpoint (last committed index, -1 none)
 *  23 queue head index (-1 empty), read when this publication was made
 *  24 lag in records: records after the checkpoint up to the head (= 32 + 33)
 *  25 time the reader last caught up with the head, ms (the publication's time while nothing is unread)
 *  26 record length
 *  27 queue cycle files deleted by retention
 *  28 reserved
 *  29 output failures in a row (0 while the output is healthy)
 *  30 next retry at ms (0 when not retrying)
 *  -- minor 2 --
 *  31 index of the last record read (-1 none)
 *  32 unread records: appended, not yet read (after 31, up to 23)
 *  33 uncommitted records: read, not yet committed (after 22, up to 31: the current file and its batch)
 *  34 index cycle shift: an index's cycle is {@code index >>> shift}, its sequence in the cycle the bits below
 *  35 paused since ms (0 when not paused; a pause survives a restart)
 *  36 time of this publication, ms
 *  40 files committed because the queue is damaged after them
 *  41 records skipped in damaged ranges an operator accepted (bin/parquetry skip-damaged)
 *  42 timestamp values that lost precision to parquet.timestampUnit (committed files)
 *  -- minor 4 --
 *  43 files committed because records of a newer schema version came (rotation cause schema)
 *  44 the schema version files are written in now (text 2 names it in full)
 *  45 the queue's newest schema version the converter knows
 *  46 when the queue took that version, ms (its history's "added"; 0 for the queue's first version)
 * </pre>
 *
 * The converter publishes every value and text slot together, once per status interval and after every commit. Slots
 * 32 and 33 separate a backlog (the converter is behind) from the rows of the file being written (normal until it
 * rotates); counting across cycles needs Chronicle's index, so only the converter can do it, and
 * {@link ConverterLag} says what a reader can add to it from a newer head.
 */
public final class ConverterStatusDescriptor {

    public static final int CMD_FLUSH_REQUESTED = 0;
    /** Set only after the file holding every record appended before the request is committed and checkpointed. */
    public static final int CMD_FLUSH_COMPLETED = 1;
    public static final int CMD_ROTATE_REQUESTED = 2;
    public static final int CMD_ROTATE_COMPLETED = 3;
    public static final int CMD_PAUSE_REQUESTED = 4;
    public static final int CMD_PAUSE_APPLIED = 5;

    public static final int STATE = 0;
    public static final int RECORDS_READ = 1;
    public static final int ROWS_WRITTEN = 2;
    public static final int FILES_COMMITTED = 3;
    public static final int BYTES_WRITTEN = 4;
    public static final int ROTATIONS_ROWS = 5;
    public static final int ROTATIONS_BYTES = 6;
    public static final int ROTATIONS_AGE = 7;
    public static final int ROTATIONS_CYCLE = 8;
    public static final int ROTATIONS_COMMAND = 9;
    public static final int ROTATIONS_SHUTDOWN = 10;
    public static final int ERRORS = 11;
    public static final int QUARANTINED = 12;
    public static final int CURRENT_ROWS = 13;
    public static final int CURRENT_BYTES = 14;
    public static final int CURRENT_OPENED_MS = 15;
    public static final int CURRENT_FIRST_INDEX = 16;
    public static final int LAST_COMMIT_FIRST_INDEX = 17;
    public static final int LAST_COMMIT_LAST_INDEX = 18;
    public static final int LAST_COMMIT_ROWS = 19;
    public static final int LAST_COMMIT_BYTES = 20;
    public static final int LAST_COMMIT_MS = 21;
    public static final int CHECKPOINT = 22;
    public static final int HEAD_INDEX = 23;
    public static final int LAG_RECORDS = 24;
    public static final int CAUGHT_UP_MS = 25;
    public static final int RECORD_LENGTH = 26;
    public static final int RETENTION_DELETED = 27;
    public static final int OUTPUT_FAILURES = 29;
    public static final int NEXT_RETRY_MS = 30;
    public static final int LAST_READ_INDEX = 31;
    public static final int UNREAD_RECORDS = 32;
    public static final int UNCOMMITTED_RECORDS = 33;
    public static final int INDEX_CYCLE_SHIFT = 34;
    /** Set while the converter is paused; the pause is kept in its state directory, so a restart stays paused. */
    public static final int PAUSED_SINCE_MS = 35;
    public static final int PUBLISHED_MS = 36;
    public static final int ROTATIONS_DAMAGE = 40;
    public static final int SKIPPED_RECORDS = 41;
    public static final int TRUNCATED_TIMESTAMPS = 42;
    public static final int ROTATIONS_SCHEMA = 43;
    public static final int SCHEMA_VERSION = 44;
    public static final int QUEUE_SCHEMA_VERSION = 45;
    public static final int QUEUE_SCHEMA_CHANGED_MS = 46;

    public static final int TEXT_QUEUE = 0;
    public static final int TEXT_DATASET = 1;
    public static final int TEXT_SCHEMA = 2;
    public static final int TEXT_CURRENT_FILE = 3;
    public static final int TEXT_LAST_COMMIT_FILE = 4;
    public static final int TEXT_LAST_ERROR = 5;
    public static final int TEXT_LAST_FLUSH_FILE = 6;
    public static final int TEXT_SOURCE = 7;
    public static final int TEXT_SETTINGS = 8;
    public static final int TEXT_COMMIT_LOG = 9;
    public static final int TEXT_CONFIG = 10;
    public static final int TEXT_QUEUE_ID = 11;
    public static final int TEXT_VERSION = 12;

    /** The first minor version with slots 31..36 and text 12. */
    public static final int MINOR_WITH_LAG_DETAIL = 2;

    private ConverterStatusDescriptor() {
    }
}
