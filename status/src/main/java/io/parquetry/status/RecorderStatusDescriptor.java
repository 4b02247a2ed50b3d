package io.parquetry.status;

/**
 * Value and text slots of a recorder's status file (kind {@link StatusFileDescriptor#KIND_RECORDER}; frame in
 * {@link StatusFileDescriptor}).
 *
 * <pre>
 *  value slot                     text slot
 *   0 appended records             0 queue directory
 *   1 refused: disk guard          1 schema identity (name vN fingerprint hex)
 *   2 refused: closed              2 roll cycle
 *   3 last append time ms          3 last error
 *   4 free bytes on the            4 queue id
 *     queue's file system
 *   5 disk guard tripped (0/1)
 *   6 queue head index (last appended, any writer)
 *   7 index known to be on disk (msync mode), -1 otherwise
 *   8 open writers
 *   9 last msync time ms
 *  10 refused: a variable value
 *     too long (overflow refuse)
 *  11 variable values truncated
 *     (overflow truncate)
 * </pre>
 *
 * The housekeeping thread publishes every slot together once per status interval; "last append time" is the first
 * publication that saw the appended count move, so it costs the hot path nothing and is accurate to the interval.
 */
public final class RecorderStatusDescriptor {

    public static final int APPENDED = 0;
    public static final int REFUSED_DISK_GUARD = 1;
    public static final int REFUSED_CLOSED = 2;
    public static final int LAST_APPEND_MS = 3;
    public static final int FREE_BYTES = 4;
    public static final int DISK_GUARD_TRIPPED = 5;
    public static final int HEAD_INDEX = 6;
    public static final int SYNCED_INDEX = 7;
    public static final int WRITERS = 8;
    public static final int LAST_SYNC_MS = 9;
    /** Records refused at commit because a {@code string(N)}/{@code binary(N)} value was too long (minor 3). */
    public static final int REFUSED_TOO_LONG = 10;
    /** Variable values cut to their bound in committed records (minor 3). */
    public static final int TRUNCATED = 11;

    public static final int TEXT_QUEUE = 0;
    public static final int TEXT_SCHEMA = 1;
    public static final int TEXT_ROLL_CYCLE = 2;
    public static final int TEXT_LAST_ERROR = 3;
    public static final int TEXT_QUEUE_ID = 4;

    /** Default file name inside the queue directory. */
    public static final String DEFAULT_FILE_NAME = "recorder.status";

    private RecorderStatusDescriptor() {
    }
}
