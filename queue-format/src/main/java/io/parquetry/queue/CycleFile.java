package io.parquetry.queue;

import static io.parquetry.queue.CycleFileDescriptor.ARRAY_PREFIX_LENGTH;
import static io.parquetry.queue.CycleFileDescriptor.END_OF_DATA;
import static io.parquetry.queue.CycleFileDescriptor.HEADER_LENGTH;
import static io.parquetry.queue.CycleFileDescriptor.describeHeader;
import static io.parquetry.queue.CycleFileDescriptor.isComplete;
import static io.parquetry.queue.CycleFileDescriptor.isData;
import static io.parquetry.queue.CycleFileDescriptor.lengthOf;
import static io.parquetry.queue.CycleFileDescriptor.nextHeader;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.openhft.chronicle.bytes.MappedBytes;

/**
 * One cycle file seen through a read-only mapping of its own, independent of the Chronicle tailer that reads it: its
 * length on disk, its excerpt headers, the store header's write position and the index arrays (layout in
 * {@link CycleFileDescriptor}). Every read is bounded by the file's length first, so a truncated file is reported, never
 * faulted on (a read-only mapping past the end of a file raises SIGBUS). Not thread-safe.
 */
public final class CycleFile implements AutoCloseable {

    /** How a {@link #walk} ended. */
    public static final int LANDED = 0;
    /** Jumped over the target: the headers do not lead to it. */
    static final int OVERSHOT = 1;
    /** Met a header that is not complete (zero, incomplete, end of cycle): {@link Walk#header} says which. */
    public static final int STOPPED = 2;
    /** The file ends before a header or before the bytes a header claims. */
    public static final int BEYOND_FILE = 3;
    /** Met metadata that is not an index array where one could be. */
    static final int BAD_METADATA = 4;
    /** Met a data header after passing the most data excerpts the caller allowed, before reaching the target. */
    public static final int LIMIT = 5;

    /** A walk's result; reused. */
    public static final class Walk {
        public int outcome;
        /** Where the walk stopped: the target, or the header that stopped it. */
        public long position;
        public int header;
        /** Data excerpts passed before {@link #position}. */
        public long data;
        /** Header position of the last data excerpt passed, or -1. */
        long lastData;
    }

    private static final long CHUNK = 64L << 20;
    private static final long OVERLAP = 64L << 10;
    /** A store header longer than this is not one Chronicle wrote. */
    private static final int MAX_STORE_HEADER = 4096;

    private final Path path;
    private final int cycle;
    private final FileChannel channel;
    private final MappedBytes bytes;
    private long size;

    private boolean parsed;
    private long writePositionOffset;
    /** Where the store header keeps the sequence of the next excerpt to index (Chronicle's {@code lastIndex}), or -1. */
    private long nextToIndexOffset = -1;
    private int indexCount;
    private int indexSpacing;
    private int sequenceShift;
    private long storeHeaderEnd;
    private long index2IndexPosition;
    private long index2IndexValues;
    private long secondaryAddress = -1;
    private long secondaryValues;
    /** Index entries looked up since the file was opened (tests check that a search stays logarithmic). */
    public long indexLookups;

    private CycleFile(Path path, int cycle, FileChannel channel, MappedBytes bytes) throws IOException {
        this.path = path;
        this.cycle = cycle;
        this.channel = channel;
        this.bytes = bytes;
        this.size = channel.size();
    }

    /**
     * Opens {@code path} read-only.
     *
     * @throws UncheckedIOException when the file cannot be opened (it does not exist, or no permission)
     */
    public static CycleFile open(Path path, int cycle) {
        FileChannel ch = null;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
            MappedBytes mb = MappedBytes.mappedBytes(path.toFile(), CHUNK, OVERLAP, true);
            mb.singleThreadedCheckDisabled(true);
            return new CycleFile(path, cycle, ch, mb);
        } catch (FileNotFoundException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cycle file is gone: file=" + path, e);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot open cycle file: file=" + path, e);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing was read through it
            }
        }
    }

    /** Damage found in this file at {@code position}: {@code found} says what. */
    public DamageFound damageAt(long position, String found) {
        return new DamageFound(path, cycle, position, found, false);
    }

    /**
     * As {@link #damageAt(long, String)}; {@code pastEnd}: Chronicle cannot be let near it (see {@link DamageFound}).
     */
    public DamageFound damageAt(long position, String found, boolean pastEnd) {
        return new DamageFound(path, cycle, position, found, pastEnd);
    }

    public Path path() {
        return path;
    }

    public int cycle() {
        return cycle;
    }

    /** The file's length as last measured. */
    public long size() {
        return size;
    }

    public long refreshSize() {
        try {
            size = channel.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure cycle file: file=" + path, e);
        }
        return size;
    }

    /** True when {@code length} bytes from {@code position} are inside the file (measuring again only when needed). */
    public boolean contains(long position, long length) {
        long end = position + length;
        return end <= size || end <= refreshSize();
    }

    /** The header at {@code position}, read with volatile semantics; the file must hold it ({@link #contains}). */
    public int header(long position) {
        try {
            return bytes.readVolatileInt(position);
        } catch (InternalError e) {
            throw shrunk(position, e);
        }
    }

    /** The byte at {@code position}; the file must hold it. */
    public byte byteAt(long position) {
        try {
            return bytes.readVolatileByte(position);
        } catch (InternalError e) {
            throw shrunk(position, e);
        }
    }

    private DamageFound shrunk(long position, InternalError e) {
        long now = refreshSize();
        return damageAt(position, "the file shrank to " + now + " bytes while it was read at position " + position + " (" + e.getMessage()
                + ")", true);
    }

    /**
     * Reads and checks the store header and the first index array. Idempotent.
     *
     * @throws DamageFound when they are missing, cut short or not what Chronicle writes (the index area is damaged)
     */
    public void checkHeader() {
        if (parsed) {
            return;
        }
        if (!contains(0, HEADER_LENGTH)) {
            throw damageAt(0, "the file is " + size + " bytes, too short for the store header (index area truncated)", true);
        }
        int h = header(0);
        if (!isComplete(h) || isData(h)) {
            DamageFound f = damageAt(0, "the store header at position 0 is " + describeHeader(h) + " (index area damaged)", true);
            throw h == 0 || (h & CycleFileDescriptor.NOT_COMPLETE) != 0 && h != CycleFileDescriptor.END_OF_DATA ? f.notReady() : f;
        }
        int len = lengthOf(h);
        if (len > MAX_STORE_HEADER) {
            throw damageAt(0, "the store header claims " + len + " bytes (index area damaged)", true);
        }
        if (!contains(HEADER_LENGTH, len)) {
            throw damageAt(0, "the store header of " + len + " bytes runs past the end of the file at " + size + " (index area truncated)",
                    true);
        }
        byte[] doc = read(HEADER_LENGTH, len);
        if (!startsWithEvent(doc, CycleFileDescriptor.HEADER_EVENT)) {
            throw damageAt(0, "the store header does not start with '" + CycleFileDescriptor.HEADER_EVENT + "' (index area damaged)", true);
        }
        int wp = arrayValuesAfter(doc, CycleFileDescriptor.FIELD_WRITE_POSITION);
        int count = (int) intAfter(doc, CycleFileDescriptor.FIELD_INDEX_COUNT);
        int spacing = (int) intAfter(doc, CycleFileDescriptor.FIELD_INDEX_SPACING);
        long i2i = intAfter(doc, CycleFileDescriptor.FIELD_INDEX2INDEX);
        long wpAbs = HEADER_LENGTH + (long) wp;
        if (wp < 0 || (wpAbs & 7) != 0 || count <= 0 || Integer.bitCount(count) != 1 || spacing <= 0 || Integer.bitCount(spacing) != 1) {
            throw damageAt(0, "the store header's fields are not readable: writePosition at " + wp + ", indexCount=" + count
                    + ", indexSpacing=" + spacing + " (index area damaged)", true);
        }
        this.writePositionOffset = wpAbs;
        this.indexCount = count;
        this.indexSpacing = spacing;
        this.sequenceShift = CycleFileDescriptor.sequenceShift(count, spacing);
        this.storeHeaderEnd = nextHeader(0, h);
        if (i2i != storeHeaderEnd) {
            throw damageAt(0, "the store header says the index starts at " + i2i + ", not after the header at " + storeHeaderEnd
                    + " (index area damaged)", true);
        }
        this.index2IndexPosition = i2i;
        this.index2IndexValues = arrayValues(i2i, CycleFileDescriptor.INDEX2INDEX_EVENT);
        int next = int64ValueAfter(doc, CycleFileDescriptor.FIELD_LAST_INDEX);
        this.nextToIndexOffset = next < 0 ? -1 : HEADER_LENGTH + (long) next;
        this.parsed = true;
    }

    public int indexSpacing() {
        return indexSpacing;
    }

    public int indexCount() {
        return indexCount;
    }

    /** Header position of the last data excerpt an appender completed, as the store header says. */
    public long writePosition() {
        try {
            return bytes.readVolatileLong(writePositionOffset);
        } catch (InternalError e) {
            throw shrunk(writePositionOffset, e);
        }
    }

    /** Where the store header keeps the write position; the sequence number at it follows (8 bytes on). */
    public long writePositionOffset() {
        return writePositionOffset;
    }

    /**
     * Where the store header keeps the sequence number of the next excerpt to be indexed (its {@code lastIndex} field), or
     * -1 when it is not where Chronicle writes it.
     */
    public long nextToIndexOffset() {
        return nextToIndexOffset;
    }

    /** The bit position separating position and sequence in the store header's second write-position value. */
    public int sequenceShift() {
        return sequenceShift;
    }

    /** Where the index2index array's values start (its {@code used} count is the long before them). */
    public long index2IndexValues() {
        return index2IndexValues;
    }

    /**
     * Where the values of the secondary index array at {@code position} start (its {@code used} count is the long before).
     *
     * @throws DamageFound when no whole index array is there
     */
    public long indexArrayValues(long position) {
        return arrayValues(position, CycleFileDescriptor.INDEX_EVENT);
    }

    /** Reads the 64-bit value at {@code position}, which the file must hold. */
    public long longAt(long position) {
        return readLong(position);
    }

    /** Sequence number of the excerpt at {@code writePosition}, or -1 when the store header does not say (yet). */
    public long sequenceAt(long writePosition) {
        long encoded;
        try {
            encoded = bytes.readVolatileLong(writePositionOffset + Long.BYTES);
        } catch (InternalError e) {
            throw shrunk(writePositionOffset, e);
        }
        return CycleFileDescriptor.sequenceAt(writePosition, encoded, sequenceShift);
    }

    /** Where the first secondary index array is: the first excerpt follows it. 0 when not written yet. */
    public long firstIndexArray() {
        return readLong(index2IndexValues);
    }

    /**
     * Header position of the excerpt with sequence number {@code sequence} (a multiple of the index spacing) as the index
     * says, or 0 when the index does not have it (yet).
     *
     * @throws DamageFound when an index array the lookup needs is damaged
     */
    public long indexedPosition(long sequence) {
        indexLookups++;
        long perArray = (long) indexSpacing * indexCount;
        long primary = sequence / perArray;
        if (primary >= indexCount) {
            return 0;
        }
        long address = readLong(index2IndexValues + primary * Long.BYTES);
        if (address == 0) {
            return 0;
        }
        if (address != secondaryAddress) {
            if (address <= index2IndexPosition || (address & 3) != 0) {
                throw damageAt(index2IndexPosition, "the index points at position " + address + " for index array " + primary
                        + " (index area damaged)");
            }
            secondaryValues = arrayValues(address, CycleFileDescriptor.INDEX_EVENT);
            secondaryAddress = address;
        }
        long position = readLong(secondaryValues + ((sequence / indexSpacing) % indexCount) * Long.BYTES);
        if (position != 0 && ((position & 3) != 0 || position <= index2IndexPosition)) {
            throw damageAt(secondaryAddress, "the index entry of sequence " + sequence + " points at position " + position
                    + ", where no record can start (index area damaged)");
        }
        if (position != 0 && !contains(position, HEADER_LENGTH)) {
            throw damageAt(position, "the file ends at " + size + " bytes, before the record of sequence " + sequence
                    + " the index puts at position " + position + " (truncated)", true);
        }
        return position;
    }

    /** The sequence of the last index entry the index has at or before {@code seq}, or -1 when it has none. */
    public long anchorAtOrBefore(long seq) {
        for (long k = seq / indexSpacing; k >= 0; k--) {
            if (indexedPosition(k * indexSpacing) != 0) {
                return k * indexSpacing;
            }
        }
        return -1;
    }

    private long readLong(long position) {
        if (!contains(position, Long.BYTES)) {
            throw damageAt(position, "the file ends at " + size + " inside the index (index area truncated)", true);
        }
        try {
            return bytes.readVolatileLong(position);
        } catch (InternalError e) {
            throw shrunk(position, e);
        }
    }

    /**
     * Follows headers from {@code from} towards {@code target} (a header position, or Long.MAX_VALUE for as far as the
     * headers go), passing at most {@code maxData} data excerpts: with 0 it stops at the first data header. Metadata is
     * passed only when it is the store header at 0 or an index array.
     */
    public void walk(long from, long target, long maxData, Walk w) {
        long pos = from;
        long data = 0;
        long lastData = -1;
        int h = 0;
        int outcome;
        while (true) {
            if (pos == target) {
                outcome = LANDED;
                break;
            }
            if (pos > target) {
                outcome = OVERSHOT;
                break;
            }
            if (!contains(pos, HEADER_LENGTH)) {
                h = 0;
                outcome = BEYOND_FILE;
                break;
            }
            h = header(pos);
            if (!isComplete(h)) {
                outcome = STOPPED;
                break;
            }
            if (!contains(pos, HEADER_LENGTH + (long) lengthOf(h))) {
                outcome = BEYOND_FILE;
                break;
            }
            if (isData(h)) {
                if (data == maxData) {
                    outcome = LIMIT;
                    break;
                }
                data++;
                lastData = pos;
            } else if (!isKnownMetadata(pos)) {
                outcome = BAD_METADATA;
                break;
            }
            pos = nextHeader(pos, h);
        }
        w.outcome = outcome;
        w.position = pos;
        w.header = h;
        w.data = data;
        w.lastData = lastData;
    }

    /** The damage a walk that did not land or stop at a data header found. */
    public DamageFound damage(Walk w) {
        return damageAt(w.position, describe(w), w.outcome == BEYOND_FILE);
    }

    /** What a walk that did not land found, in words, for an error message. */
    public String describe(Walk w) {
        switch (w.outcome) {
            case STOPPED:
                return w.header == END_OF_DATA ? "the end-of-cycle marker at position " + w.position
                        : describeHeader(w.header) + " at position " + w.position;
            case BEYOND_FILE:
                if (!contains(w.position, HEADER_LENGTH)) {
                    return "the file ends at " + size + " bytes, before the header at position " + w.position + " (truncated)";
                }
                return describeHeader(w.header) + " at position " + w.position + " whose bytes run past the end of the file at " + size
                        + " (truncated)";
            case BAD_METADATA:
                return describeHeader(w.header) + " at position " + w.position + " that is not an index array (garbage header)";
            case OVERSHOT:
                return "headers that jump past position " + w.position + " where the index or write position says an excerpt starts";
            default:
                return "no damage";
        }
    }

    /** The metadata document at {@code pos} is the store header (at 0) or a whole index array. */
    public boolean isKnownMetadata(long pos) {
        if (pos == 0) {
            return true; // the store header: checked by checkHeader
        }
        try {
            arrayValues(pos, pos == index2IndexPosition ? CycleFileDescriptor.INDEX2INDEX_EVENT : CycleFileDescriptor.INDEX_EVENT);
            return true;
        } catch (DamageFound e) {
            return false;
        }
    }

    /**
     * Checks that a metadata document at {@code pos} is a 64-bit array called {@code name} of {@code indexCount} values that
     * fills the document, and returns where its values start.
     */
    private long arrayValues(long pos, String name) {
        if (!contains(pos, HEADER_LENGTH)) {
            throw damageAt(pos, "the file ends at " + size + " before the index array '" + name + "' at position " + pos
                    + " (index area truncated)", true);
        }
        int h = header(pos);
        if (!isComplete(h) || isData(h)) {
            throw damageAt(pos, "the index array '" + name + "' at position " + pos + " has " + describeHeader(h) + " (index area damaged)");
        }
        int len = lengthOf(h);
        if (!contains(pos + HEADER_LENGTH, len)) {
            throw damageAt(pos, "the index array '" + name + "' at position " + pos + " runs past the end of the file at " + size
                    + " (index area truncated)", true);
        }
        int prefix = Math.min(len, 64);
        byte[] doc = read(pos + HEADER_LENGTH, prefix);
        int at = eventEnd(doc, name);
        at = skipPadding(doc, at);
        if (at < 0 || at >= prefix || (doc[at] & 0xFF) != CycleFileDescriptor.WIRE_I64_ARRAY || at + 1 + ARRAY_PREFIX_LENGTH > prefix) {
            throw damageAt(pos, "the document at position " + pos + " is not the index array '" + name + "' (index area damaged)");
        }
        long capacityAt = pos + HEADER_LENGTH + at + 1;
        long capacity = readLong(capacityAt);
        long used = readLong(capacityAt + Long.BYTES);
        long values = capacityAt + ARRAY_PREFIX_LENGTH;
        if (capacity != indexCount || used < 0 || used > capacity || (values & 7) != 0
                || values + capacity * Long.BYTES != pos + HEADER_LENGTH + len) {
            throw damageAt(pos, "the index array '" + name + "' at position " + pos + " has capacity " + capacity + ", used " + used
                    + " (index area damaged)");
        }
        return values;
    }

    private byte[] read(long position, int length) {
        byte[] b = new byte[length];
        read(position, b, 0, length);
        return b;
    }

    /**
     * Copies {@code length} bytes from {@code position} into {@code dst}; the file must hold them ({@link #contains}).
     *
     * @throws DamageFound when the file shrank under the read
     */
    public void read(long position, byte[] dst, int offset, int length) {
        try {
            for (int i = 0; i < length; i++) {
                dst[offset + i] = bytes.readVolatileByte(position + i);
            }
        } catch (InternalError e) {
            throw shrunk(position, e);
        }
    }

    private static boolean startsWithEvent(byte[] doc, String name) {
        return eventEnd(doc, name) > 0;
    }

    /** The offset after an event name {@code name} at the start of {@code doc}, or -1. */
    private static int eventEnd(byte[] doc, String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        if (doc.length < 2 + n.length || (doc[0] & 0xFF) != CycleFileDescriptor.WIRE_EVENT_NAME || doc[1] != n.length) {
            return -1;
        }
        for (int i = 0; i < n.length; i++) {
            if (doc[2 + i] != n[i]) {
                return -1;
            }
        }
        return 2 + n.length;
    }

    /** The offset of the first byte after the field name {@code name} in {@code doc}, or -1. */
    private static int fieldEnd(byte[] doc, String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        int code = CycleFileDescriptor.WIRE_FIELD_NAME0 + n.length;
        outer:
        for (int i = 0; i + n.length < doc.length; i++) {
            if ((doc[i] & 0xFF) != code) {
                continue;
            }
            for (int j = 0; j < n.length; j++) {
                if (doc[i + 1 + j] != n[j]) {
                    continue outer;
                }
            }
            return i + 1 + n.length;
        }
        return -1;
    }

    private static int skipPadding(byte[] doc, int at) {
        while (at >= 0 && at < doc.length) {
            int c = doc[at] & 0xFF;
            if (c == CycleFileDescriptor.WIRE_PADDING) {
                at++;
            } else if (c == CycleFileDescriptor.WIRE_PADDING32 && at + 5 <= doc.length) {
                at += 5 + littleInt(doc, at + 1);
            } else {
                return at;
            }
        }
        return -1;
    }

    /** Offset (in {@code doc}) of the values of the 64-bit array field {@code name}, or -1. */
    private static int arrayValuesAfter(byte[] doc, String name) {
        int at = skipPadding(doc, fieldEnd(doc, name));
        if (at < 0 || (doc[at] & 0xFF) != CycleFileDescriptor.WIRE_I64_ARRAY || at + 1 + ARRAY_PREFIX_LENGTH + 2 * Long.BYTES > doc.length) {
            return -1;
        }
        return at + 1 + ARRAY_PREFIX_LENGTH;
    }

    /** Offset (in {@code doc}) of the 8 bytes of the 64-bit field {@code name} (a wire INT64), or -1. */
    private static int int64ValueAfter(byte[] doc, String name) {
        int at = skipPadding(doc, fieldEnd(doc, name));
        if (at < 0 || at + 9 > doc.length || (doc[at] & 0xFF) != CycleFileDescriptor.WIRE_INT64) {
            return -1;
        }
        return at + 1;
    }

    /** The integer value of field {@code name}, or -1 when absent or not an integer. */
    private static long intAfter(byte[] doc, String name) {
        int at = skipPadding(doc, fieldEnd(doc, name));
        if (at < 0) {
            return -1;
        }
        int c = doc[at] & 0xFF;
        if (c < 0x80) {
            return c; // small non-negative integers are their own code
        }
        switch (c) {
            case CycleFileDescriptor.WIRE_UINT8:
                return at + 1 < doc.length ? doc[at + 1] & 0xFF : -1;
            case CycleFileDescriptor.WIRE_INT8:
                return at + 1 < doc.length ? doc[at + 1] : -1;
            case CycleFileDescriptor.WIRE_UINT16:
                return at + 2 < doc.length ? (doc[at + 1] & 0xFF) | (doc[at + 2] & 0xFF) << 8 : -1;
            case CycleFileDescriptor.WIRE_INT16:
                return at + 2 < doc.length ? (short) ((doc[at + 1] & 0xFF) | (doc[at + 2] & 0xFF) << 8) : -1;
            case CycleFileDescriptor.WIRE_UINT32:
                return at + 4 < doc.length ? littleInt(doc, at + 1) & 0xFFFF_FFFFL : -1;
            case CycleFileDescriptor.WIRE_INT32:
                return at + 4 < doc.length ? littleInt(doc, at + 1) : -1;
            case CycleFileDescriptor.WIRE_INT64:
                return at + 8 < doc.length ? (littleInt(doc, at + 1) & 0xFFFF_FFFFL) | (long) littleInt(doc, at + 5) << 32 : -1;
            default:
                return -1;
        }
    }

    private static int littleInt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    @Override
    public void close() {
        bytes.releaseLast();
        closeQuietly(channel);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
