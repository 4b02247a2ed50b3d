package io.parquetry.reader;

import java.nio.charset.StandardCharsets;
import net.openhft.chronicle.bytes.BytesStore;

/**
 * A reusable view of one variable value where it lies in the queue ({@link RecordReader#view}): no copy, valid until
 * the reader moves on. Allocates nothing but in {@link #toString()}.
 */
public final class ValueView {

    private BytesStore<?, ?> store;
    private long start;
    private int length;

    void wrap(BytesStore<?, ?> store, long start, int length) {
        this.store = store;
        this.start = start;
        this.length = length;
    }

    /** The value's bytes. */
    public int length() {
        return length;
    }

    /** Byte {@code i} of the value. */
    public byte byteAt(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("byte " + i + " of a value of " + length);
        }
        return store.readByte(start + i);
    }

    /** Copies the value into {@code dst} at {@code offset}. */
    public void copyTo(byte[] dst, int offset) {
        store.read(start, dst, offset, length);
    }

    /** True when the value's bytes are {@code bytes}. */
    public boolean contentEquals(byte[] bytes) {
        if (bytes.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (store.readByte(start + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    /** The value decoded as UTF-8 (allocates: for tools and tests). */
    @Override
    public String toString() {
        byte[] b = new byte[length];
        copyTo(b, 0);
        return new String(b, StandardCharsets.UTF_8);
    }
}
