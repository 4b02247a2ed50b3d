package io.parquetry.queue;

/**
 * The parts of a Chronicle Queue cycle file ({@code *.cq4}, chronicle-queue 2026.4 with chronicle-wire 2026.7) that the
 * reader checks on its own, without Chronicle's code: excerpt headers, the store header and the index arrays.
 *
 * <pre>
 *  position 0     +---------------------------------------------------------------------------------------+
 *                 | hdr | header: !SCQStore { writePosition: [position, sequence],                        |
 *                 |     |   indexing: { indexCount, indexSpacing, index2Index, lastIndex }, dataFormat }    |
 *  index2Index    +---------------------------------------------------------------------------------------+
 *                 | hdr | index2index: [capacity = indexCount, used, address of each secondary index array] |
 *  first address  +---------------------------------------------------------------------------------------+
 *                 | hdr | index: [capacity = indexCount, used, position of every indexSpacing-th excerpt]   |
 *                 +---------------------------------------------------------------------------------------+
 *                 | hdr | excerpt bytes ... | pad to 4 | hdr | excerpt bytes ... | ...                      |
 *                 |     (a further "index" array is written between excerpts when the previous one is full)  |
 *                 +---------------------------------------------------------------------------------------+
 *                 | END_OF_DATA |  written after the last excerpt when the queue rolls to a later cycle   |
 *                 +-------------+
 *
 *  header (little-endian int):  bit 31 NOT_COMPLETE | bit 30 META_DATA | bits 29..0 length of the bytes after it
 * </pre>
 *
 * An appender writes an excerpt's bytes while its header is still 0 and publishes it by swapping the header to its
 * length; only then does it raise {@code writePosition} to that header's position (so every header below the write
 * position is complete). Metadata documents are encoded in Chronicle's binary wire: an event name, padding, then a
 * 64-bit array (capacity, used, values) aligned to 8 bytes.
 */
public final class CycleFileDescriptor {

    /** Length of an excerpt header. */
    public static final int HEADER_LENGTH = 4;
    /** Set while an excerpt is being written (Chronicle's appenders leave the header 0 instead). */
    public static final int NOT_COMPLETE = 0x8000_0000;
    /** Set on metadata documents (store header, index arrays); the reader hands only data excerpts on. */
    public static final int META_DATA = 0x4000_0000;
    public static final int LENGTH_MASK = 0x3FFF_FFFF;
    /** The end-of-cycle marker: the appender writes it after the last excerpt before it starts the next cycle. */
    public static final int END_OF_DATA = NOT_COMPLETE | META_DATA;

    /** Binary wire codes found in the store header and index arrays. */
    public static final int WIRE_I64_ARRAY = 0x8D;
    public static final int WIRE_PADDING32 = 0x8E;
    public static final int WIRE_PADDING = 0x8F;
    public static final int WIRE_UINT8 = 0xA1;
    public static final int WIRE_UINT16 = 0xA2;
    public static final int WIRE_UINT32 = 0xA3;
    public static final int WIRE_INT8 = 0xA4;
    public static final int WIRE_INT16 = 0xA5;
    public static final int WIRE_INT32 = 0xA6;
    public static final int WIRE_INT64 = 0xA7;
    public static final int WIRE_EVENT_NAME = 0xB9;
    /** Field names of up to 31 bytes: the code is this plus the name's length. */
    public static final int WIRE_FIELD_NAME0 = 0xC0;

    /** Names of the store header's fields and of the index arrays, as written. */
    public static final String HEADER_EVENT = "header";
    public static final String FIELD_WRITE_POSITION = "writePosition";
    public static final String FIELD_INDEX_COUNT = "indexCount";
    public static final String FIELD_INDEX_SPACING = "indexSpacing";
    public static final String FIELD_INDEX2INDEX = "index2Index";
    /** The sequence number of the next excerpt to be indexed (an appender indexes only sequences from it on). */
    public static final String FIELD_LAST_INDEX = "lastIndex";
    public static final String INDEX2INDEX_EVENT = "index2index";
    public static final String INDEX_EVENT = "index";

    /** Bytes of a 64-bit array before its values: capacity then used. */
    public static final int ARRAY_PREFIX_LENGTH = 16;
    /**
     * Offset of the write position in a cycle file's store header (Chronicle Queue 2026.4, binary wire): the first long of
     * the header's {@code writePosition: [position, sequence]}, the position of the last excerpt written. The recorder's
     * disk guard reads it there on every reservation, and checks it against Chronicle's own field the first time it sees
     * a real cycle file.
     */
    public static final int WRITE_POSITION_OFFSET = 64;

    private CycleFileDescriptor() {
    }

    /** A header whose excerpt is complete (data or metadata, not the end-of-cycle marker). */
    public static boolean isComplete(int header) {
        return (header & NOT_COMPLETE) == 0 && header != 0;
    }

    public static boolean isData(int header) {
        return (header & META_DATA) == 0;
    }

    public static int lengthOf(int header) {
        return header & LENGTH_MASK;
    }

    /** Where the header after the excerpt at {@code position} starts: headers are aligned to 4 bytes. */
    public static long nextHeader(long position, int header) {
        return nextHeaderAfter(position, lengthOf(header));
    }

    /**
     * Where the header after an excerpt of {@code length} bytes at {@code position} starts: the header, the excerpt,
     * then padding to the next multiple of 4 ({@code stride} of a queue's records is this from position 0).
     */
    public static long nextHeaderAfter(long position, long length) {
        return (position + HEADER_LENGTH + length + 3) & ~3L;
    }

    /**
     * The bit position that separates the write position from the sequence in the store header's second
     * {@code writePosition} value (Chronicle's {@code RollCycleEncodeSequence}).
     */
    public static int sequenceShift(int indexCount, int indexSpacing) {
        return Math.max(32, 2 * log2(indexCount) + log2(indexSpacing));
    }

    /**
     * The sequence number of the excerpt at the write position, from the store header's second value, or -1 when that
     * value belongs to another position (the appender is between its two writes) or is unset.
     */
    public static long sequenceAt(long writePosition, long encoded, int shift) {
        if (encoded == 0) {
            return -1;
        }
        long positionBits = (writePosition << shift) >>> shift;
        if (encoded >>> shift != positionBits) {
            return -1;
        }
        return encoded & ((1L << shift) - 1);
    }

    public static String describeHeader(int header) {
        if (header == 0) {
            return "a zero header (nothing written)";
        }
        if (header == END_OF_DATA) {
            return "the end-of-cycle marker";
        }
        String kind = (header & NOT_COMPLETE) != 0 ? "an incomplete " : "a ";
        kind += isData(header) ? "data header" : "metadata header";
        return kind + " 0x" + Integer.toHexString(header) + " of " + lengthOf(header) + " bytes";
    }

    private static int log2(int n) {
        return 31 - Integer.numberOfLeadingZeros(n);
    }
}
