package io.parquetry.reader;

import io.parquetry.queue.ExcerptFormat;
import io.parquetry.schema.Field;
import io.parquetry.schema.FieldType.Kind;
import io.parquetry.schema.RecordLayout;
import io.parquetry.schema.Schema;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.BytesStore;

/**
 * A reusable flyweight that decodes one record in place (no copy, no allocation except where a method says it
 * returns a new object). A {@link QueueReader} points it at each excerpt in turn; the getters read fields through
 * {@link Field} handles of the reader's schema, and check the handle's type like the writer's setters do. An excerpt
 * whose length is not the schema's record length ({@link #matchesSchema()} false) has no fields: the getters refuse it,
 * and only its raw bytes can be copied (to quarantine it).
 */
public final class RecordReader {

    private final Schema schema;
    /** The record's length, or for records with variable fields the fixed part's. */
    private final int recordLength;
    /** The length of an excerpt that holds one record of the schema: the record, and its checksum when the queue has them. */
    private final int excerptLength;
    /** Records with variable fields: excerpts of {@code minExcerpt..maxExcerpt} bytes, the last 4 the checksum. */
    private final boolean variable;
    private final Field[] variables;
    private final int minExcerpt;
    private final int maxExcerpt;
    /** Bytes after the record in its excerpt: schema version and checksum, as the queue's layout has them. */
    private final int overhead;
    /** The schema version each record of this reader carries (layout version 4), else 0: not checked. */
    private final int schemaVersion;
    private final CRC32C crc = new CRC32C();
    private final byte[] scratch;
    private BytesStore<?, ?> store;
    private long base;
    private int length;

    /** A reader of excerpts that hold the record alone (layout version 1). */
    public RecordReader(Schema schema) {
        this(schema, schema.recordLength());
    }

    /** A reader of excerpts of {@code excerptLength} bytes that start with a record of {@code schema} ({@link ExcerptFormat}). */
    public RecordReader(Schema schema, int excerptLength) {
        this.schema = schema;
        this.recordLength = schema.recordLength();
        this.excerptLength = excerptLength;
        this.variable = false;
        this.variables = new Field[0];
        this.minExcerpt = excerptLength;
        this.maxExcerpt = excerptLength;
        this.overhead = excerptLength - recordLength;
        this.schemaVersion = 0;
        this.scratch = new byte[recordLength];
    }

    /** A reader of the excerpts of a queue of {@code format} holding records of {@code schema}. */
    public RecordReader(Schema schema, ExcerptFormat format) {
        this.schema = schema;
        this.variable = format.variable();
        this.recordLength = schema.fixedLength();
        this.excerptLength = variable ? -1 : format.excerptLength();
        this.variables = schema.variableFields();
        this.minExcerpt = format.minExcerptLength();
        this.maxExcerpt = format.maxExcerptLength();
        this.overhead = format.overhead();
        this.schemaVersion = format.schemaVersion();
        this.scratch = new byte[variable ? format.maxRecordLength() : recordLength];
    }

    public Schema schema() {
        return schema;
    }

    /** Points the reader at the excerpt of {@code length} bytes at {@code offset}. */
    void wrap(BytesStore<?, ?> bytes, long offset, long length) {
        this.store = bytes;
        this.base = offset;
        this.length = (int) Math.min(length, Integer.MAX_VALUE);
    }

    /**
     * True when the excerpt is one record of the schema: its length is that of the queue's excerpts of a record, or for
     * records with variable fields lies between the shortest and the longest (whether their values are well formed is
     * {@link #variableProblem()}), and in layout version 4 it says the schema's version.
     */
    public boolean matchesSchema() {
        return fitsLength() && (schemaVersion == 0 || storedVersion() == schemaVersion);
    }

    private boolean fitsLength() {
        return variable ? length >= minExcerpt && length <= maxExcerpt : length == excerptLength;
    }

    /** The schema version the excerpt says its record has (layout version 4), read after the record. */
    private int storedVersion() {
        return store.readInt(base + ExcerptFormat.schemaVersionAt(length));
    }

    /** The record's bytes: the excerpt without what follows the record (its schema version, its checksum). */
    public int recordLength() {
        return variable ? length - overhead : Math.min(length, recordLength);
    }

    /**
     * For a record with variable fields, what is wrong with its values' ends ({@link RecordLayout#checkVariable}), or null
     * when they are well formed (and always for a schema without variable fields). Allocates only when something is wrong.
     */
    public String variableProblem() {
        if (!variable) {
            return null;
        }
        if (!fitsLength()) {
            return "an excerpt of " + length + " bytes, not " + minExcerpt + " to " + maxExcerpt;
        }
        if (!matchesSchema()) {
            return "a record of schema version " + storedVersion() + ", not " + schemaVersion;
        }
        int n = length - overhead;
        int start = recordLength;
        for (Field f : variables) {
            int end = store.readInt(base + f.offset());
            boolean isNull = f.nullBit() >= 0 && (store.readByte(base + RecordLayout.nullByte(f.nullBit())) & RecordLayout.nullMask(f.nullBit())) != 0;
            if (end < start || end > n || end - start > f.maxLength() || (isNull && end != start)) {
                store.read(base, scratch, 0, n);
                return RecordLayout.checkVariable(scratch, 0, n, variables);
            }
            start = end;
        }
        if (start != n) {
            return "the last value ends at " + start + ", before the record's end at " + n;
        }
        return null;
    }

    /** The excerpt's length in bytes. */
    public int length() {
        return length;
    }

    /** Copies the first {@code count} bytes of the excerpt (at most its {@link #length()}) into {@code dst} at {@code dstOffset}. */
    public void copyTo(byte[] dst, int dstOffset, int count) {
        if (count < 0 || count > length) {
            throw new IllegalArgumentException("cannot copy more than the excerpt: count=" + count + ", length=" + length);
        }
        store.read(base, dst, dstOffset, count);
    }

    /**
     * CRC-32C of the record's bytes (of the excerpt's first record-length bytes, or all of a shorter excerpt): what a
     * checkpoint, a file's footer and {@code verify} remember of a committed record, to tell the same record from another
     * at the same index. Allocates nothing.
     */
    public int recordChecksum() {
        int n = variable ? Math.max(0, Math.min(length - overhead, scratch.length)) : Math.min(length, recordLength);
        store.read(base, scratch, 0, n);
        return ExcerptFormat.checksum(crc, scratch, 0, n);
    }

    private long at(Field f, Kind kind) {
        if (!matchesSchema()) {
            throw new IllegalStateException("excerpt is not a record of the schema: length=" + length + ", record length=" + recordLength
                    + ", excerpt length=" + excerptLength);
        }
        if (f.schemaFingerprint() != schema.fingerprint()) { // same rule as the writer
            throw new IllegalArgumentException("field handle belongs to another schema: field=" + f.name() + ", handle schema="
                    + f.schemaIdentity() + ", reader schema=" + schema.identity());
        }
        if (f.kind() != kind) {
            throw new IllegalArgumentException("wrong getter for field type: field=" + f.name() + ", type=" + f.type());
        }
        return base + f.offset();
    }

    /** True when the field is nullable and null. */
    public boolean isNull(Field f) {
        at(f, f.kind());
        int bit = f.nullBit();
        return bit >= 0 && (store.readByte(base + RecordLayout.nullByte(bit)) & RecordLayout.nullMask(bit)) != 0;
    }

    public boolean getBoolean(Field f) {
        return store.readByte(at(f, Kind.BOOL)) != 0;
    }

    /** Reads an {@code int8}, {@code int16} or {@code int32} field, sign-extended. */
    public int getInt(Field f) {
        switch (f.kind()) {
            case INT8:
                return store.readByte(at(f, Kind.INT8));
            case INT16:
                return store.readShort(at(f, Kind.INT16));
            default:
                return store.readInt(at(f, Kind.INT32));
        }
    }

    /** Reads an {@code int64}, {@code timestamp} or {@code decimal} (unscaled) field. */
    public long getLong(Field f) {
        switch (f.kind()) {
            case TIMESTAMP:
                return store.readLong(at(f, Kind.TIMESTAMP));
            case DECIMAL:
                return store.readLong(at(f, Kind.DECIMAL));
            default:
                return store.readLong(at(f, Kind.INT64));
        }
    }

    public float getFloat(Field f) {
        return store.readFloat(at(f, Kind.FLOAT32));
    }

    public double getDouble(Field f) {
        return store.readDouble(at(f, Kind.FLOAT64));
    }

    /** Length of a {@code char(N)} value: its bytes up to the last non-zero one (as {@link RecordLayout#charLength}). */
    public int charLength(Field f) {
        long at = at(f, Kind.CHAR);
        int n = f.length();
        while (n > 0 && store.readByte(at + n - 1) == 0) {
            n--;
        }
        return n;
    }

    /**
     * Copies a {@code char(N)} value without its padding, or a {@code bytes(N)} value whole, into {@code dst}.
     *
     * @return the number of bytes copied
     */
    public int getBytes(Field f, byte[] dst, int dstOffset) {
        int n = f.kind() == Kind.CHAR ? charLength(f) : f.length();
        long at = at(f, f.kind() == Kind.CHAR ? Kind.CHAR : Kind.BYTES);
        for (int i = 0; i < n; i++) {
            dst[dstOffset + i] = store.readByte(at + i);
        }
        return n;
    }

    /** A {@code char(N)} value as a new String (allocates: for tools and tests, not hot loops). */
    public String getString(Field f) {
        byte[] b = new byte[f.length()];
        int n = getBytes(f, b, 0);
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** Where the value of variable field {@code f} starts in the store; {@link #valueLength} says how long it is. */
    private long valueAt(Field f) {
        long slotAt = at(f, f.kind());
        if (!f.variable()) {
            throw new IllegalArgumentException("not a string(N) or binary(N) field: field=" + f.name() + ", type=" + f.type());
        }
        int previous = f.previousEndSlot();
        return base + (previous < 0 ? f.variableStart() : store.readInt(base + previous));
    }

    /** Bytes of the value of a {@code string(N)} or {@code binary(N)} field (0 when null or empty). */
    public int valueLength(Field f) {
        long start = valueAt(f);
        return (int) (base + store.readInt(base + f.offset()) - start);
    }

    /**
     * Copies the value of a {@code string(N)} or {@code binary(N)} field into {@code dst} at {@code dstOffset} (room for
     * {@link #valueLength} bytes, at most N).
     *
     * @return the number of bytes copied
     */
    public int getValue(Field f, byte[] dst, int dstOffset) {
        long start = valueAt(f);
        int n = (int) (base + store.readInt(base + f.offset()) - start);
        store.read(start, dst, dstOffset, n);
        return n;
    }

    /**
     * Decodes the value of a {@code string(N)} field into {@code into}, which is emptied first: nothing is allocated once
     * it has the capacity. Well-formed UTF-8 decodes as {@code new String(bytes, UTF_8)} does; in malformed UTF-8 (a
     * writer's {@code setBytes} is not checked) each maximal ill-formed part, such as a cut sequence, an overlong form, an
     * encoded surrogate or a code point past U+10FFFF, decodes as one U+FFFD (Unicode §3.9, as the WHATWG decoder does).
     *
     * @return {@code into}
     */
    public StringBuilder getString(Field f, StringBuilder into) {
        if (f.kind() != Kind.STRING) {
            throw new IllegalArgumentException("wrong getter for field type: field=" + f.name() + ", type=" + f.type());
        }
        long p = valueAt(f);
        long end = base + store.readInt(base + f.offset());
        into.setLength(0);
        while (p < end) {
            int b = store.readByte(p++) & 0xFF;
            if (b < 0x80) {
                into.append((char) b);
                continue;
            }
            int need;
            int cp;
            // The range of the byte after the lead: narrower after E0, ED, F0 and F4, which is what shuts out overlong forms,
            // surrogates and code points past U+10FFFF.
            int lower = 0x80;
            int upper = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
                cp = b & 0x1F;
            } else if (b >= 0xE0 && b <= 0xEF) {
                need = 2;
                cp = b & 0x0F;
                lower = b == 0xE0 ? 0xA0 : 0x80;
                upper = b == 0xED ? 0x9F : 0xBF;
            } else if (b >= 0xF0 && b <= 0xF4) {
                need = 3;
                cp = b & 0x07;
                lower = b == 0xF0 ? 0x90 : 0x80;
                upper = b == 0xF4 ? 0x8F : 0xBF;
            } else {
                into.append('\uFFFD');
                continue;
            }
            int k = 0;
            while (k < need && p < end) {
                int c = store.readByte(p) & 0xFF;
                if (c < lower || c > upper) {
                    break;
                }
                lower = 0x80;
                upper = 0xBF;
                cp = (cp << 6) | (c & 0x3F);
                p++;
                k++;
            }
            if (k < need) {
                into.append('\uFFFD'); // the bytes read so far; the byte that broke the sequence starts the next
            } else {
                into.appendCodePoint(cp);
            }
        }
        return into;
    }

    /**
     * Points {@code view} at the value of a {@code string(N)} or {@code binary(N)} field where it lies, without copying
     * it; valid until the reader moves on.
     *
     * @return {@code view}
     */
    public ValueView view(Field f, ValueView view) {
        long start = valueAt(f);
        view.wrap(store, start, (int) (base + store.readInt(base + f.offset()) - start));
        return view;
    }
}
