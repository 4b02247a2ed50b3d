package io.parquetry.recorder;

import io.parquetry.queue.ExcerptFormat;
import io.parquetry.schema.Field;
import io.parquetry.schema.FieldType.Kind;
import io.parquetry.schema.Overflow;
import io.parquetry.schema.RecordLayout;
import io.parquetry.schema.Schema;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Appends records for one thread. Obtain one per producing thread from {@link Recorder#newWriter()}, use it and
 * {@link #close()} it on that thread.
 *
 * <p>Usage: {@link #begin()} starts a record, the setters fill it through pre-resolved {@link Field} handles, and
 * {@link #commit()} appends it. The record is built in the writer's own reusable buffer and reaches the queue only at
 * commit, in one copy made while Chronicle's write lock is held: the lock is held for the copy, not for the setters,
 * which matters when several threads append to one queue. {@link #abort()} in a {@code finally} forgets anything not
 * committed, including when the code between begin and commit throws (so Chronicle's commit-on-close never sees a
 * half-built record):
 *
 * <pre>{@code
 * if (writer.begin() == RecordWriter.OK) {
 *     try {
 *         writer.setLong(timestamp, nanos);
 *         writer.setChars(symbol, "AAPL");
 *         writer.commit();
 *     } finally {
 *         writer.abort(); // no-op after commit
 *     }
 * }
 * }</pre>
 *
 * <p>Handles of this writer's schema, or of another instance of the same layout (equal fingerprint), are accepted.
 *
 * <p><b>Variable fields</b> ({@code string(N)}, {@code binary(N)}): {@link #setString}, {@link #setBytes} and their
 * {@code append} forms (a value written in pieces) encode straight into the record, which takes only the bytes its values
 * use. Setting a value again replaces it (the record keeps only the last, and only its overflow counts); setting values
 * in declaration order moves nothing, out of order moves the values after it. A value longer than N follows its field's
 * {@code overflow}: with {@code refuse} (the default) {@link #commit()} returns {@link #REFUSED_TOO_LONG} and writes
 * nothing; with {@code truncate} the value is cut to N bytes (a string at the last UTF-8 character boundary at or before
 * N) and counted once ({@link #truncated()}); pieces appended after the cut are dropped, as they would be from the whole
 * text. A string's unpaired surrogate is written as {@code '?'}, as {@code String.getBytes(UTF_8)}
 * does (each piece of {@link #appendString} is encoded on its own: a surrogate pair split between two pieces is two
 * {@code '?'}). An unset nullable variable field is null; an unset non-nullable one fails the commit like any other.
 *
 * <p>On this path nothing is allocated, nothing logged, and no exception is thrown for an expected outcome: a refused
 * append returns a negative result code and is counted. Misuse (a handle of another schema, a setter of the wrong
 * type, a value that does not fit, a missing non-nullable field, begin twice, use from another thread) is a
 * programmer error: the open record is rolled back and an {@link IllegalArgumentException} or
 * {@link IllegalStateException} names the field and value. Every non-nullable field must be set before commit; nullable
 * fields not set are null.
 */
public final class RecordWriter implements AutoCloseable {

    /** A record is started: set fields, then commit. */
    public static final int OK = 0;
    /**
     * Refused by the disk guard: free space is below its threshold, or the space reserved ahead of the writers is used up
     * (the disk is full). Nothing was written.
     */
    public static final int REFUSED_DISK_GUARD = -1;
    /** Refused: this writer or its recorder is closed. Nothing was written. */
    public static final int REFUSED_CLOSED = -2;
    /**
     * Returned by {@link #commit()}: a {@code string(N)} or {@code binary(N)} value of a field whose overflow policy is
     * {@code refuse} was longer than N bytes. Nothing was written; counted in {@link #refusedTooLong()}.
     */
    public static final int REFUSED_TOO_LONG = -3;

    private static final VarHandle APPENDED;
    private static final VarHandle REFUSED_DISK;
    private static final VarHandle REFUSED_CLOSED_COUNT;
    private static final VarHandle HINT_CYCLE;
    private static final VarHandle HINT_POSITION;
    private static final VarHandle COMMITS;
    private static final VarHandle REFUSED_TOO_LONG_COUNT;
    private static final VarHandle TRUNCATED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            APPENDED = l.findVarHandle(RecordWriter.class, "appended", long.class);
            REFUSED_DISK = l.findVarHandle(RecordWriter.class, "refusedDiskGuard", long.class);
            REFUSED_CLOSED_COUNT = l.findVarHandle(RecordWriter.class, "refusedClosed", long.class);
            HINT_CYCLE = l.findVarHandle(RecordWriter.class, "hintCycle", int.class);
            HINT_POSITION = l.findVarHandle(RecordWriter.class, "hintPosition", long.class);
            COMMITS = l.findVarHandle(RecordWriter.class, "commits", long.class);
            REFUSED_TOO_LONG_COUNT = l.findVarHandle(RecordWriter.class, "refusedTooLong", long.class);
            TRUNCATED = l.findVarHandle(RecordWriter.class, "truncated", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int IDLE = 0;
    private static final int OPEN = 1;
    private static final int CLOSED = 2;

    private final Gate gate;
    private final Consumer<RecordWriter> onClose;
    private final Schema schema;
    private final long fingerprint;
    private final ExcerptAppender appender;
    private final Thread owner;
    /** The record's fixed part: all of it without variable fields. */
    private final int recordLength;
    /** The record, then its CRC32C when the queue's layout has one: the bytes copied into the excerpt (records of one length). */
    private final int excerptLength;
    /** The schema's variable fields in declaration order, and each field's place among them by field index (-1: fixed). */
    private final Field[] variables;
    private final int[] variableOrdinal;
    /** Where the record ends: after the last variable value (records with variable fields). */
    private int variableEnd;
    /**
     * Bit i for the i-th variable field: the value it keeps was too long for its refusing field (the commit refuses the
     * record), or was cut (counted when the record commits). Setting a value again clears its bits; appending keeps them.
     */
    private final long[] refusedValues;
    private final long[] cutValues;
    /** Set by {@link #utf8Prefix}: chars of the text that fit. */
    private int fitChars;
    private final boolean checksummed;
    /** The schema version each record carries after it (queue layout version 4), or {@link #NO_SCHEMA_VERSION}. */
    private final int schemaVersion;
    private static final int NO_SCHEMA_VERSION = -1;
    private final CRC32C crc = new CRC32C();
    private final int bitmapLength;
    private final byte[] initialBitmap;
    private final long[] requiredMask;
    private final long[] setMask;

    /** The record being built. It reaches the queue only at commit, in one copy, while Chronicle's write lock is held. */
    private final byte[] record;
    private int state = IDLE;

    // Written by the owning thread with release semantics, read by the housekeeping thread.
    private long appended;
    private long refusedDiskGuard;
    private long refusedClosed;
    private long refusedTooLong;
    private long truncated;
    // Written by the owning thread after each commit, read by the pretouch thread.
    private int hintCycle = -1;
    private long hintPosition;
    // Odd while a commit is inside Chronicle (it may be rolling into a new cycle file), read by the reserving thread.
    private long commits;

    /**
     * @param gate what {@link #begin()} asks before each record
     * @param onClose told once, on the writer's thread, when it closes (the recorder keeps its counts)
     */
    RecordWriter(Schema schema, ExcerptFormat format, Gate gate, ExcerptAppender appender, Consumer<RecordWriter> onClose) {
        this.gate = gate;
        this.onClose = onClose;
        this.schema = schema;
        this.fingerprint = schema.fingerprint();
        this.appender = appender;
        this.owner = Thread.currentThread();
        this.recordLength = schema.fixedLength();
        this.variables = schema.variableFields();
        this.variableOrdinal = new int[schema.fields().size()];
        Arrays.fill(variableOrdinal, -1);
        for (int i = 0; i < variables.length; i++) {
            variableOrdinal[variables[i].index()] = i;
        }
        this.refusedValues = new long[(variables.length + 63) >>> 6];
        this.cutValues = new long[refusedValues.length];
        this.excerptLength = variables.length > 0 ? -1 : format.excerptLength();
        this.checksummed = format.checksummed();
        this.schemaVersion = format.versioned() ? schema.version() : NO_SCHEMA_VERSION;
        this.bitmapLength = schema.bitmapLength();
        this.initialBitmap = new byte[bitmapLength];
        this.record = new byte[format.maxExcerptLength()];
        int words = (schema.fields().size() + 63) >>> 6;
        this.requiredMask = new long[words];
        this.setMask = new long[words];
        for (Field f : schema.fields()) {
            if (f.nullable()) {
                RecordLayout.markNull(initialBitmap, 0, f.nullBit());
            } else {
                requiredMask[f.index() >>> 6] |= 1L << f.index();
            }
        }
    }

    /**
     * Starts a record in the writer's own buffer; nothing reaches the queue before {@link #commit()}.
     *
     * @return {@link #OK}, or {@link #REFUSED_DISK_GUARD} / {@link #REFUSED_CLOSED} (counted, nothing written)
     * @throws IllegalStateException when called from another thread than the writer's, or while a record is open
     */
    public int begin() {
        if (Thread.currentThread() != owner) {
            throw wrongThread();
        }
        if (state != IDLE) {
            if (state == OPEN) {
                throw failState("begin called twice: commit or abort the open record first");
            }
            REFUSED_CLOSED_COUNT.setRelease(this, (long) REFUSED_CLOSED_COUNT.get(this) + 1);
            return REFUSED_CLOSED;
        }
        if (gate.closed()) {
            REFUSED_CLOSED_COUNT.setRelease(this, (long) REFUSED_CLOSED_COUNT.get(this) + 1);
            return REFUSED_CLOSED;
        }
        if (gate.diskGuardTripped() || !gate.admits()) {
            REFUSED_DISK.setRelease(this, (long) REFUSED_DISK.get(this) + 1);
            return REFUSED_DISK_GUARD;
        }
        if (bitmapLength > 0 || variables.length > 0) {
            // Unset nullable fields must read as zero and null. Without nullable fields every byte is written by a setter
            // (commit enforces that each field was set, and char/bytes setters pad), so zeroing would be wasted work.
            Arrays.fill(record, 0, recordLength, (byte) 0);
            System.arraycopy(initialBitmap, 0, record, 0, bitmapLength);
            for (Field v : variables) {
                RecordLayout.putInt(record, v.offset(), recordLength); // every value empty
            }
            variableEnd = recordLength;
            Arrays.fill(refusedValues, 0);
            Arrays.fill(cutValues, 0);
        }
        for (int i = 0; i < setMask.length; i++) {
            setMask[i] = 0;
        }
        this.state = OPEN;
        return OK;
    }

    /**
     * Puts the schema version (layout version 4) and the checksum after the record of {@code recordEnd} bytes.
     *
     * @return the excerpt's length
     */
    private int seal(int recordEnd) {
        int checked = recordEnd;
        if (schemaVersion != NO_SCHEMA_VERSION) {
            RecordLayout.putInt(record, recordEnd, schemaVersion);
            checked += ExcerptFormat.SCHEMA_VERSION_LENGTH;
        }
        RecordLayout.putInt(record, checked, ExcerptFormat.checksum(crc, record, 0, checked));
        return checked + ExcerptFormat.CHECKSUM_LENGTH;
    }

    /**
     * Publishes the open record.
     *
     * @return {@link #OK}, or {@link #REFUSED_TOO_LONG} when a variable value was too long for its refusing field
     *     (nothing written, counted)
     * @throws IllegalStateException when no record is open or a non-nullable field was not set (the record is rolled back)
     */
    public int commit() {
        if (state != OPEN) {
            throw new IllegalStateException("commit without begin: writer state=" + stateName());
        }
        for (int i = 0; i < setMask.length; i++) {
            long missing = requiredMask[i] & ~setMask[i];
            if (missing != 0) {
                Field f = schema.fields().get((i << 6) + Long.numberOfTrailingZeros(missing));
                throw failState("non-nullable field not set before commit: field=" + f.name());
            }
        }
        state = IDLE;
        int length = excerptLength;
        if (variables.length > 0) {
            int truncations = 0;
            for (int i = 0; i < refusedValues.length; i++) {
                if (refusedValues[i] != 0) {
                    REFUSED_TOO_LONG_COUNT.setRelease(this, (long) REFUSED_TOO_LONG_COUNT.get(this) + 1);
                    return REFUSED_TOO_LONG;
                }
                truncations += Long.bitCount(cutValues[i]);
            }
            if (truncations > 0) {
                TRUNCATED.setRelease(this, (long) TRUNCATED.get(this) + truncations);
            }
            length = seal(variableEnd);
        } else if (checksummed) {
            seal(recordLength);
        }
        // The only time Chronicle's write lock is held: claim, copy the finished record, publish. Should the copy fail,
        // the excerpt is rolled back rather than left to Chronicle's commit-on-close. The commit count is odd meanwhile:
        // Chronicle reads the queue's clock, and may roll into a new cycle file, under its write lock, taken by a
        // compare-and-set after this store, so the reserving thread, which reads this count after moving the clock, either
        // sees the commit or the commit sees the new clock (Reserver.deleteStale).
        long c = (long) COMMITS.get(this);
        COMMITS.setRelease(this, c + 1);
        long end;
        try {
            DocumentContext dc = appender.writingDocument();
            try {
                Bytes<?> bytes = dc.wire().bytes();
                bytes.write(record, 0, length);
                end = bytes.writePosition();
            } catch (RuntimeException | Error e) {
                dc.rollbackOnClose();
                throw e;
            } finally {
                dc.close();
            }
        } finally {
            COMMITS.setRelease(this, c + 2);
        }
        APPENDED.setRelease(this, (long) APPENDED.get(this) + 1);
        // Where the pretoucher should work: position first, then (only when it changes) the cycle with release, so a reader
        // that sees a new cycle also sees a position in it.
        HINT_POSITION.setOpaque(this, end);
        int cycle = appender.cycle();
        if (cycle != hintCycle) {
            HINT_CYCLE.setRelease(this, cycle);
        }
        return OK;
    }

    /** Odd while a commit is inside Chronicle (read by the reserving thread). */
    long commitSequence() {
        return (long) COMMITS.getAcquire(this);
    }

    /** Cycle of this writer's last record, or -1 before the first (read by the pretouch thread). */
    int hintCycle() {
        return (int) HINT_CYCLE.getAcquire(this);
    }

    /**
     * File offset just past this writer's last record in its cycle file, as Chronicle reported it. With double buffering a
     * contended append reports an offset in its buffer instead; the pretoucher only ever moves forward, so such a hint is
     * ignored.
     */
    long hintPosition() {
        return (long) HINT_POSITION.getOpaque(this);
    }

    /** Rolls back the open record, if any; does nothing after {@link #commit()}. Safe in a {@code finally}. */
    public void abort() {
        if (state == OPEN) {
            rollback();
        }
    }

    /** Nothing reached the queue before commit: rolling back is forgetting the record. */
    private void rollback() {
        state = IDLE;
    }

    /** Index of the last record this writer committed, or -1. */
    public long lastIndex() {
        return appended() == 0 ? -1 : appender.lastIndexAppended();
    }

    public long appended() {
        return (long) APPENDED.getAcquire(this);
    }

    public long refusedDiskGuard() {
        return (long) REFUSED_DISK.getAcquire(this);
    }

    public long refusedClosed() {
        return (long) REFUSED_CLOSED_COUNT.getAcquire(this);
    }

    /** Records refused at commit because a variable value was longer than its refusing field's bound. */
    public long refusedTooLong() {
        return (long) REFUSED_TOO_LONG_COUNT.getAcquire(this);
    }

    /** Variable values cut to their field's bound (fields with {@code overflow: truncate}), in committed records. */
    public long truncated() {
        return (long) TRUNCATED.getAcquire(this);
    }

    private int slot(Field f, Kind kind) {
        if (state != OPEN) {
            throw new IllegalStateException("set without begin (or after commit): field=" + f.name() + ", writer state=" + stateName());
        }
        if (f.schemaFingerprint() != fingerprint) {
            throw fail("field handle belongs to another schema: field=" + f.name() + ", handle schema=" + f.schemaIdentity()
                    + ", writer schema=" + schema.identity(), null);
        }
        if (f.kind() != kind) {
            throw fail("wrong setter for field type: field=" + f.name() + ", type=" + f.type()
                    + ", setter type=" + kind.name().toLowerCase(java.util.Locale.ROOT), null);
        }
        markSet(f);
        return f.offset();
    }

    private void markSet(Field f) {
        setMask[f.index() >>> 6] |= 1L << f.index();
        int bit = f.nullBit();
        if (bit >= 0) {
            RecordLayout.markPresent(record, 0, bit);
        }
    }

    public RecordWriter setBoolean(Field f, boolean v) {
        record[slot(f, Kind.BOOL)] = (byte) (v ? 1 : 0);
        return this;
    }

    /** Sets an {@code int8}, {@code int16} or {@code int32} field; the value must fit the field's width. */
    public RecordWriter setInt(Field f, int v) {
        if (state == OPEN) {
            switch (f.kind()) {
                case INT8:
                    if (v != (byte) v) {
                        throw outOfRange(f, v);
                    }
                    record[slot(f, Kind.INT8)] = (byte) v;
                    return this;
                case INT16:
                    if (v != (short) v) {
                        throw outOfRange(f, v);
                    }
                    RecordLayout.putShort(record, slot(f, Kind.INT16), (short) v);
                    return this;
                default:
                    break;
            }
        }
        RecordLayout.putInt(record, slot(f, Kind.INT32), v);
        return this;
    }

    /** Sets an {@code int64}, {@code timestamp(unit)} (count of units since the epoch) or {@code decimal(p,s)} (unscaled) field. */
    public RecordWriter setLong(Field f, long v) {
        if (state == OPEN) {
            switch (f.kind()) {
                case TIMESTAMP:
                    RecordLayout.putLong(record, slot(f, Kind.TIMESTAMP), v);
                    return this;
                case DECIMAL:
                    if (v >= f.decimalBound() || v <= -f.decimalBound()) {
                        throw outOfRange(f, v);
                    }
                    RecordLayout.putLong(record, slot(f, Kind.DECIMAL), v);
                    return this;
                default:
                    break;
            }
        }
        RecordLayout.putLong(record, slot(f, Kind.INT64), v);
        return this;
    }

    public RecordWriter setFloat(Field f, float v) {
        RecordLayout.putFloat(record, slot(f, Kind.FLOAT32), v);
        return this;
    }

    public RecordWriter setDouble(Field f, double v) {
        RecordLayout.putDouble(record, slot(f, Kind.FLOAT64), v);
        return this;
    }

    /**
     * Sets a {@code char(N)} field from text, encoded as UTF-8 and right-padded with zero bytes.
     *
     * @throws IllegalArgumentException when the encoded text is longer than N bytes (the record is rolled back)
     */
    public RecordWriter setChars(Field f, CharSequence text) {
        int at = slot(f, Kind.CHAR);
        int width = f.length();
        byte[] r = record;
        int n = 0;
        int len = text.length();
        for (int i = 0; i < len; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                if (n + 1 > width) {
                    throw tooLong(f, text);
                }
                r[at + n++] = (byte) c;
            } else if (c < 0x800) {
                if (n + 2 > width) {
                    throw tooLong(f, text);
                }
                r[at + n++] = (byte) (0xC0 | (c >> 6));
                r[at + n++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (n + 4 > width) {
                    throw tooLong(f, text);
                }
                int cp = Character.toCodePoint(c, text.charAt(++i));
                r[at + n++] = (byte) (0xF0 | (cp >> 18));
                r[at + n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                r[at + n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                r[at + n++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (n + 1 > width) {
                    throw tooLong(f, text);
                }
                r[at + n++] = '?'; // unpaired, as String.getBytes(UTF_8) writes it
            } else {
                if (n + 3 > width) {
                    throw tooLong(f, text);
                }
                r[at + n++] = (byte) (0xE0 | (c >> 12));
                r[at + n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                r[at + n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        if (n < width) {
            Arrays.fill(r, at + n, at + width, (byte) 0);
        }
        return this;
    }

    /**
     * Sets a {@code bytes(N)} or {@code char(N)} field from raw bytes; fewer than N bytes are right-padded with zeros. Sets
     * a {@code binary(N)} field, or a {@code string(N)} field from its UTF-8 bytes (not checked), to exactly these bytes.
     *
     * @throws IllegalArgumentException when {@code length} exceeds N of a fixed field, or the bytes are not all in
     *     {@code src} (the record is rolled back); a variable field follows its overflow policy
     */
    public RecordWriter setBytes(Field f, byte[] src, int offset, int length) {
        if (f.variable()) {
            int room = variableSlot(f);
            checkSource(f, offset, length, src.length, "size");
            newValue(f);
            int n = fitBytes(f, src, offset, length, room);
            if (n >= 0) {
                System.arraycopy(src, offset, record, place(f, n, false), n);
            }
            return this;
        }
        int at = slot(f, f.kind() == Kind.CHAR ? Kind.CHAR : Kind.BYTES);
        if (length > f.length() || length < 0) {
            throw fail("value longer than the field: field=" + f.name() + ", type=" + f.type() + ", length=" + length, null);
        }
        checkSource(f, offset, length, src.length, "size");
        System.arraycopy(src, offset, record, at, length);
        if (length < f.length()) {
            Arrays.fill(record, at + length, at + f.length(), (byte) 0);
        }
        return this;
    }

    /**
     * Sets a {@code string(N)} field to {@code text} encoded as UTF-8, straight into the record (nothing allocated). A
     * text longer than N bytes follows the field's overflow policy (see the class comment).
     */
    public RecordWriter setString(Field f, CharSequence text) {
        return putString(f, text, false);
    }

    /** Appends {@code text} to the value of a {@code string(N)} field (set so far, or empty): a value written in pieces. */
    public RecordWriter appendString(Field f, CharSequence text) {
        return putString(f, text, true);
    }

    private RecordWriter putString(Field f, CharSequence text, boolean append) {
        int room = variableSlot(f);
        if (f.kind() != Kind.STRING) {
            throw fail("wrong setter for field type: field=" + f.name() + ", type=" + f.type() + ", setter type=string", null);
        }
        if (!append) {
            newValue(f);
        } else if (overflowed(f)) {
            return this; // refused, or cut where the text so far was: nothing after it belongs in the value
        }
        int start = RecordLayout.valueStart(record, 0, f);
        int end = RecordLayout.valueEnd(record, 0, f);
        int len = text.length();
        if (end == variableEnd) {
            // No value after this one (fields set in declaration order): encode in place, in one pass. The buffer holds the
            // longest record, so start + N is inside it whatever the values before this one hold.
            int p = encode(text, len, append ? end : start, start + room);
            if (fitChars < len) {
                if (f.overflow() == Overflow.REFUSE) {
                    markOverflow(refusedValues, f);
                    return this; // the record is refused: what the value's place holds no longer matters
                }
                markOverflow(cutValues, f);
            }
            for (int j = variableOrdinal[f.index()]; j < variables.length; j++) {
                RecordLayout.putInt(record, variables[j].offset(), p); // this value's end, and the empty ones after it
            }
            variableEnd = p;
            return this;
        }
        int kept = append ? end - start : 0;
        int n = utf8Prefix(text, len, room - kept);
        if (fitChars < len) {
            if (f.overflow() == Overflow.REFUSE) {
                markOverflow(refusedValues, f);
                return this;
            }
            markOverflow(cutValues, f);
        }
        encode(text, fitChars, place(f, kept + n, append) + kept, Integer.MAX_VALUE);
        return this;
    }

    /**
     * Appends bytes to the value of a {@code binary(N)} or {@code string(N)} field: a value written in pieces.
     *
     * @throws IllegalArgumentException when the bytes are not all in {@code src} (the record is rolled back)
     */
    public RecordWriter appendBytes(Field f, byte[] src, int offset, int length) {
        int room = variableSlot(f);
        checkSource(f, offset, length, src.length, "size");
        if (overflowed(f)) {
            return this;
        }
        int kept = RecordLayout.valueEnd(record, 0, f) - RecordLayout.valueStart(record, 0, f);
        int n = fitBytes(f, src, offset, length, room - kept);
        if (n >= 0) {
            System.arraycopy(src, offset, record, place(f, kept + n, true) + kept, n);
        }
        return this;
    }

    /**
     * Sets a {@code binary(N)} or {@code string(N)} field to {@code length} bytes of {@code src} from index {@code offset}
     * (absolute, as {@link ByteBuffer#get(int, byte[], int, int)}: within the buffer's limit, its position neither used nor
     * moved), heap or direct.
     *
     * @throws IllegalArgumentException when the bytes are not all below the buffer's limit (the record is rolled back)
     */
    public RecordWriter setBytes(Field f, ByteBuffer src, int offset, int length) {
        int room = variableSlot(f);
        checkSource(f, offset, length, src.limit(), "limit");
        newValue(f);
        int n = fitBytes(f, src, offset, length, room);
        if (n >= 0) {
            src.get(offset, record, place(f, n, false), n);
        }
        return this;
    }

    /**
     * Sets a {@code binary(N)} or {@code string(N)} field to {@code length} bytes of {@code src} (Chronicle Bytes, on or off
     * the heap, such as a memory-mapped file) from {@code offset}.
     */
    public RecordWriter setBytes(Field f, BytesStore<?, ?> src, long offset, int length) {
        int room = variableSlot(f);
        if (offset < src.start() || length < 0 || offset + length > src.capacity()) {
            throw fail("bytes out of the source's bounds: field=" + f.name() + ", offset=" + offset + ", length=" + length + ", capacity="
                    + src.capacity(), null);
        }
        newValue(f);
        int n = fitBytes(f, src, offset, length, room);
        if (n >= 0) {
            src.read(offset, record, place(f, n, false), n);
        }
        return this;
    }

    /** Refuses {@code length} bytes from {@code offset} of a source of {@code size} bytes that does not hold them all. */
    private void checkSource(Field f, int offset, int length, int size, String sizeName) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw fail("bytes out of the source's bounds: field=" + f.name() + ", offset=" + offset + ", length=" + length + ", " + sizeName
                    + "=" + size, null);
        }
    }

    /** The checks of a variable setter; returns the field's bound. */
    private int variableSlot(Field f) {
        slot(f, f.kind());
        if (!f.variable()) {
            throw fail("wrong setter for field type: field=" + f.name() + ", type=" + f.type() + ", setter type=string/binary", null);
        }
        return f.maxLength();
    }

    /**
     * How many of {@code length} bytes to write when at most {@code room} fit: all, or under {@code truncate} as many as fit
     * (for a string, not splitting a UTF-8 sequence); -1 under {@code refuse} (the record is refused at commit).
     */
    private int fitBytes(Field f, Object src, long offset, int length, int room) {
        if (length <= room) {
            return length;
        }
        if (f.overflow() == Overflow.REFUSE) {
            markOverflow(refusedValues, f);
            return -1;
        }
        markOverflow(cutValues, f);
        int n = room;
        if (f.kind() == Kind.STRING) {
            // Back off the continuation bytes of a character cut in two: 10xxxxxx.
            while (n > 0 && (byteAt(src, offset + n) & 0xC0) == 0x80) {
                n--;
            }
        }
        return n;
    }

    /** A variable field's value is set anew: whatever overflowed before is gone with the value. */
    private void newValue(Field f) {
        int i = variableOrdinal[f.index()];
        refusedValues[i >>> 6] &= ~(1L << i);
        cutValues[i >>> 6] &= ~(1L << i);
    }

    private void markOverflow(long[] values, Field f) {
        int i = variableOrdinal[f.index()];
        values[i >>> 6] |= 1L << i;
    }

    /** True when the value of variable field {@code f} was refused or cut: an appended piece adds nothing to it. */
    private boolean overflowed(Field f) {
        int i = variableOrdinal[f.index()];
        return ((refusedValues[i >>> 6] | cutValues[i >>> 6]) & (1L << i)) != 0;
    }

    private static int byteAt(Object src, long at) {
        if (src instanceof byte[] b) {
            return b[(int) at];
        }
        if (src instanceof ByteBuffer b) {
            return b.get((int) at);
        }
        return ((BytesStore<?, ?>) src).readByte(at);
    }

    /**
     * Makes the value of variable field {@code f} {@code newLength} bytes long, moving the values after it, and returns
     * where it starts. Its first bytes are kept when {@code append}; what else it holds is to be written by the caller.
     */
    private int place(Field f, int newLength, boolean append) {
        int start = RecordLayout.valueStart(record, 0, f);
        int end = RecordLayout.valueEnd(record, 0, f);
        int delta = newLength - (end - start);
        if (delta != 0) {
            if (end < variableEnd) {
                System.arraycopy(record, end, record, end + delta, variableEnd - end);
            }
            for (int j = variableOrdinal[f.index()]; j < variables.length; j++) {
                int slotAt = variables[j].offset();
                RecordLayout.putInt(record, slotAt, RecordLayout.getInt(record, slotAt) + delta);
            }
            variableEnd += delta;
        }
        return start;
    }

    /**
     * UTF-8 bytes of the longest prefix of {@code text}'s first {@code len} chars that fits in {@code room} bytes, not
     * splitting a surrogate pair; sets {@link #fitChars} to the chars of that prefix.
     */
    private int utf8Prefix(CharSequence text, int len, int room) {
        int n = 0;
        int i = 0;
        while (i < len) {
            char c = text.charAt(i);
            int bytes;
            int chars = 1;
            if (c < 0x80) {
                bytes = 1;
            } else if (c < 0x800) {
                bytes = 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes = 4;
                chars = 2;
            } else if (Character.isSurrogate(c)) {
                bytes = 1;
            } else {
                bytes = 3;
            }
            if (n + bytes > room) {
                break;
            }
            n += bytes;
            i += chars;
        }
        fitChars = i;
        return n;
    }

    /**
     * Writes the UTF-8 of {@code text}'s first {@code chars} chars at {@code at}, stopping before a character that would
     * end past {@code limit}; sets {@link #fitChars} to the chars written and returns where their bytes end.
     */
    private int encode(CharSequence text, int chars, int at, int limit) {
        byte[] r = record;
        int p = at;
        int i = 0;
        while (i < chars) {
            char c = text.charAt(i);
            if (c < 0x80) {
                if (p >= limit) {
                    break;
                }
                r[p++] = (byte) c;
                i++;
            } else if (c < 0x800) {
                if (p + 2 > limit) {
                    break;
                }
                r[p++] = (byte) (0xC0 | (c >> 6));
                r[p++] = (byte) (0x80 | (c & 0x3F));
                i++;
            } else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (p + 4 > limit) {
                    break;
                }
                int cp = Character.toCodePoint(c, text.charAt(i + 1));
                r[p++] = (byte) (0xF0 | (cp >> 18));
                r[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                r[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                r[p++] = (byte) (0x80 | (cp & 0x3F));
                i += 2;
            } else if (Character.isSurrogate(c)) {
                if (p >= limit) {
                    break;
                }
                r[p++] = '?'; // unpaired, as String.getBytes(UTF_8) writes it
                i++;
            } else {
                if (p + 3 > limit) {
                    break;
                }
                r[p++] = (byte) (0xE0 | (c >> 12));
                r[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                r[p++] = (byte) (0x80 | (c & 0x3F));
                i++;
            }
        }
        fitChars = i;
        return p;
    }

    /**
     * Marks a nullable field null (its bytes are zeroed).
     *
     * @throws IllegalArgumentException when the field is not nullable (the record is rolled back)
     */
    public RecordWriter setNull(Field f) {
        if (state != OPEN) {
            throw new IllegalStateException("set without begin (or after commit): field=" + f.name() + ", writer state=" + stateName());
        }
        if (f.schemaFingerprint() != fingerprint || !f.nullable()) {
            throw fail("field is not nullable: field=" + f.name() + ", type=" + f.type(), null);
        }
        if (f.variable()) {
            newValue(f);
            place(f, 0, false);
        } else {
            Arrays.fill(record, f.offset(), f.offset() + f.length(), (byte) 0);
        }
        RecordLayout.markNull(record, 0, f.nullBit());
        setMask[f.index() >>> 6] |= 1L << f.index();
        return this;
    }

    /** Rolls back any open record and releases the appender. Call on the writer's own thread. */
    @Override
    public void close() {
        if (state == CLOSED) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw wrongThread();
        }
        abort();
        state = CLOSED;
        appender.close();
        onClose.accept(this);
    }

    private IllegalArgumentException outOfRange(Field f, long v) {
        return fail("value out of range for field: field=" + f.name() + ", type=" + f.type() + ", value=" + v, null);
    }

    private IllegalArgumentException tooLong(Field f, CharSequence text) {
        return fail("text longer than the field in UTF-8: field=" + f.name() + ", type=" + f.type() + ", value=" + text, null);
    }

    private IllegalStateException wrongThread() {
        return new IllegalStateException("writer used from another thread: owner=" + owner.getName() + ", caller="
                + Thread.currentThread().getName() + " (create one writer per thread)");
    }

    private IllegalArgumentException fail(String message, Throwable cause) {
        if (state == OPEN) {
            rollback();
        }
        return new IllegalArgumentException(message, cause);
    }

    private IllegalStateException failState(String message) {
        if (state == OPEN) {
            rollback();
        }
        return new IllegalStateException(message);
    }

    private String stateName() {
        return state == IDLE ? "idle" : state == OPEN ? "open" : "closed";
    }
}
