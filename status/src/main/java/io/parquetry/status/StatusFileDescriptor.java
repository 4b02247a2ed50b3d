package io.parquetry.status;

/**
 * Layout of a status file. One process owns a file and writes everything except the request words; any number of
 * readers map it read-only, and a controller maps it read-write only to raise requests.
 *
 * <pre>
 *    0                   4         6         8                   12                  16
 *    +-------------------+---------+---------+-------------------+-------------------+
 *    | magic "PQST"      | major   | minor   | kind (1 rec, 2 cv)| reserved          |
 *    +-------------------+---------+---------+-------------------+-------------------+
 *   16 | pid (long)        | 24 start time ms    | 32 heartbeat ms     | 40 sequence (seqlock) |
 *   48 | command words: 8 longs (requests raised by controllers, completions set by the owner)       |
 *  112 | value slots: 64 longs, meaning given by the kind's descriptor                               |
 *  624 | text slots: 13 x 256 bytes, each [int length][UTF-8 bytes]                                   |
 * 3952 | reserved up to 4096                                                                          |
 * </pre>
 *
 * <p>Every long is 8-byte aligned and written with release semantics, read with acquire semantics. Values and texts
 * are published together between two increments of the sequence word (odd while writing): a reader that sees the
 * sequence change while it copies retries, so one {@link StatusSnapshot} never mixes two publications. The heartbeat
 * and the command words are outside the seqlock: each is one word, written on its own.
 */
public final class StatusFileDescriptor {

    public static final int MAGIC = 0x54535150; // "PQST" little-endian
    /**
     * Readers refuse a file whose major version differs; minor versions only add slots, at the end, in space that older
     * versions left zero (a reader of a newer minor ignores what it does not know; a slot an older writer never wrote
     * reads as 0 or empty). Minor 2 added converter value slots 31..36 and 40..42 and text slot 12 (all in one release);
     * minor 3 recorder value slots 10 and 11; minor 4 converter value slots 43..46 (schema versions).
     */
    public static final short MAJOR_VERSION = 1;
    public static final short MINOR_VERSION = 4;

    public static final int KIND_RECORDER = 1;
    public static final int KIND_CONVERTER = 2;

    /**
     * The owner creates the file under a temporary name, writes the whole header with the magic last, and renames it
     * into place: a reader never sees a half-initialised header.
     */
    public static final int MAGIC_OFFSET = 0;
    public static final int MAJOR_OFFSET = 4;
    public static final int MINOR_OFFSET = 6;
    public static final int KIND_OFFSET = 8;
    public static final int PID_OFFSET = 16;
    public static final int START_TIME_OFFSET = 24;
    /** The owner writes the time every beat and 0 when it stops cleanly; see {@link Liveness}. */
    public static final int HEARTBEAT_OFFSET = 32;
    /** Odd while the owner publishes values and texts; readers retry when it changes under them. */
    public static final int SEQUENCE_OFFSET = 40;

    public static final int COMMAND_OFFSET = 48;
    public static final int COMMAND_COUNT = 8;
    public static final int VALUE_OFFSET = COMMAND_OFFSET + COMMAND_COUNT * 8;
    public static final int VALUE_COUNT = 64;
    public static final int TEXT_OFFSET = VALUE_OFFSET + VALUE_COUNT * 8;
    public static final int TEXT_SLOT_LENGTH = 256;
    public static final int TEXT_COUNT = 13;
    public static final int FILE_LENGTH = 4096;

    private StatusFileDescriptor() {
    }

    public static int commandOffset(int command) {
        check("command", command, COMMAND_COUNT);
        return COMMAND_OFFSET + command * 8;
    }

    public static int valueOffset(int slot) {
        check("value slot", slot, VALUE_COUNT);
        return VALUE_OFFSET + slot * 8;
    }

    public static int textOffset(int slot) {
        check("text slot", slot, TEXT_COUNT);
        return TEXT_OFFSET + slot * TEXT_SLOT_LENGTH;
    }

    private static void check(String what, int i, int count) {
        if (i < 0 || i >= count) {
            throw new IllegalArgumentException(what + " out of range 0.." + (count - 1) + ": " + what.replace(' ', '_') + "=" + i);
        }
    }

    static {
        if (TEXT_OFFSET + TEXT_COUNT * TEXT_SLOT_LENGTH > FILE_LENGTH) {
            throw new AssertionError("status layout overflows the file");
        }
    }
}
