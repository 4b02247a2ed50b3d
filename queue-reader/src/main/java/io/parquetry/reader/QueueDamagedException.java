package io.parquetry.reader;

import java.nio.file.Path;

/**
 * The queue cannot be read past a point: a cycle file is truncated, zeroed, overwritten, or its index is damaged.
 * {@link QueueReader} throws it instead of handing on a record whose bytes it could not fully read from the file, and
 * instead of moving past records it cannot read. Every record before {@link #damagedFromIndex()} was delivered; none
 * after it is, until the caller repositions the reader or moves past the damage explicitly with
 * {@link QueueReader#skipDamagedRange(long)}.
 *
 * <p>The message is one line: the file, the last good index, and what was found where.
 */
public final class QueueDamagedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final transient Path queueDir;
    private final long lastGoodIndex;
    private final long damagedFromIndex;
    private final long position;
    private final String found;
    private final long firstReadableIndex;

    QueueDamagedException(Path queueDir, Path file, long lastGoodIndex, long damagedFromIndex, long position, String found,
            long firstReadableIndex, String indexText, Throwable cause) {
        super("queue is damaged: file=" + file + ", lastGoodIndex=" + indexText + ", found " + found + "; "
                + (firstReadableIndex >= 0 ? "first readable index after it=" + firstReadableIndex : "nothing readable after it yet")
                + "; queue=" + queueDir, cause);
        this.file = file;
        this.queueDir = queueDir;
        this.lastGoodIndex = lastGoodIndex;
        this.damagedFromIndex = damagedFromIndex;
        this.position = position;
        this.found = found;
        this.firstReadableIndex = firstReadableIndex;
    }

    /** The same damage with {@code more} added to the message. */
    QueueDamagedException(QueueDamagedException e, String more) {
        super(e.getMessage() + more, e.getCause());
        this.file = e.file;
        this.queueDir = e.queueDir;
        this.lastGoodIndex = e.lastGoodIndex;
        this.damagedFromIndex = e.damagedFromIndex;
        this.position = e.position;
        this.found = e.found;
        this.firstReadableIndex = e.firstReadableIndex;
    }

    /** The damaged cycle file. */
    public Path file() {
        return file;
    }

    public Path queueDir() {
        return queueDir;
    }

    /** Index of the last record read intact before the damage, or -1 when none was read since the reader was positioned. */
    public long lastGoodIndex() {
        return lastGoodIndex;
    }

    /** The first index that could not be read: where a skip of this damage starts. */
    public long damagedFromIndex() {
        return damagedFromIndex;
    }

    /** Byte position in {@link #file()} where the damage was found. */
    public long position() {
        return position;
    }

    /** What was found there, in words. */
    public String found() {
        return found;
    }

    /**
     * The first index the reader can resume at after the damaged range ({@link QueueReader#skipDamagedRange(long)}), or -1
     * when nothing after it can be read yet (the rest of the cycle is lost and no later cycle exists).
     */
    public long firstReadableIndex() {
        return firstReadableIndex;
    }
}
