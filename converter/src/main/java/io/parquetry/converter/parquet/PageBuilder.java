package io.parquetry.converter.parquet;

import java.util.EnumMap;
import java.util.Map;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.statistics.Statistics;

/**
 * Assembles data pages: definition levels, then the values a chunk encoder appends to {@link #values()}, then
 * compression. A v1 page is {@code [int32 length][levels][values]} compressed as a whole; a v2 page keeps its levels
 * uncompressed beside the compressed values. One instance per encoder thread.
 */
final class PageBuilder implements AutoCloseable {

    /** Bytes of a page compressed on trial to decide whether the page is worth compressing. */
    static final int TRIAL_BYTES = 8 << 10;

    private final ByteSink page = new ByteSink(1 << 16);
    private final ByteSink levels = new ByteSink(1 << 12);
    private final RleHybrid rle = new RleHybrid();
    private final Map<Codec, PageCompressor> compressors = new EnumMap<>(Codec.class);
    private PageCompressor compressor;
    private boolean v2;

    /** @param level the codec's level, 0 for its default */
    void configure(Codec codec, int level, boolean pageV2) {
        PageCompressor c = compressors.get(codec);
        if (c == null || c.level != level) {
            if (c != null) {
                c.close();
            }
            c = PageCompressor.create(codec, level);
            compressors.put(codec, c);
        }
        compressor = c;
        v2 = pageV2;
    }

    boolean v2() {
        return v2;
    }

    RleHybrid rle() {
        return rle;
    }

    /** Rows per page so that pages of a chunk whose data is about {@code bytes} long come out near {@code pageBytes}. */
    static int rowsPerPage(int rows, long bytes, int pageBytes) {
        long pages = Math.max(1, (bytes + pageBytes - 1) / pageBytes);
        return (int) Math.max(1, (rows + pages - 1) / pages);
    }

    /** Non-null values among rows {@code [r0, r1)}. */
    static int countPresent(byte[] present, int r0, int r1) {
        int n = 0;
        for (int r = r0; r < r1; r++) {
            n += present[r];
        }
        return n;
    }

    /** Starts a page of rows {@code [r0, r1)}, writing their definition levels ({@code present} null: a required column). */
    void start(byte[] present, int r0, int r1, int nulls) {
        page.reset();
        levels.reset();
        if (present == null) {
            return;
        }
        ByteSink target = v2 ? levels : page;
        int lengthAt = 0;
        if (!v2) {
            lengthAt = page.reserve(4);
            page.size = lengthAt + 4;
        }
        int rows = r1 - r0;
        if (nulls == 0) {
            RleHybrid.rle(1, rows, 1, target);
        } else if (nulls == rows) {
            RleHybrid.rle(0, rows, 1, target);
        } else {
            rle.encodeFlags(present, r0, r1, target);
        }
        if (!v2) {
            ByteSink.putIntLe(page.buf, lengthAt, page.size - lengthAt - 4);
        }
    }

    ByteSink values() {
        return page;
    }

    /**
     * Compresses the page. A v2 page whose first {@value #TRIAL_BYTES} bytes do not compress by {@code 3%} is stored
     * uncompressed ({@code is_compressed = false}): bit-packed indices of a uniform column are incompressible, and
     * compressing them anyway cost a third of the encoder's time with zstd, and the reader's time to decompress them.
     */
    EncodedRowGroup.Page finish(int rows, int nulls, Encoding encoding, Statistics<?> statistics) {
        return finish(rows, nulls, encoding, statistics, 0);
    }

    /**
     * As {@link #finish(int, int, Encoding, Statistics)}, the trial taken from {@code trialFrom} on (or the page's last
     * {@value #TRIAL_BYTES} bytes, if fewer follow): where a page's bulk starts when a small incompressible header
     * precedes it, as the bit-packed lengths of DELTA_LENGTH_BYTE_ARRAY precede the values.
     */
    EncodedRowGroup.Page finish(int rows, int nulls, Encoding encoding, Statistics<?> statistics, int trialFrom) {
        int size = page.size;
        int from = Math.max(0, Math.min(trialFrom, size - TRIAL_BYTES));
        boolean compress = !(v2 && size >= 2 * TRIAL_BYTES && compressor.compressedLength(page.buf, from, TRIAL_BYTES) > TRIAL_BYTES * 0.97);
        byte[] data = compress ? compressor.compress(page.buf, 0, size) : page.toArray();
        return new EncodedRowGroup.Page(rows, nulls, encoding, v2 ? levels.toArray() : null, data, compress, size, statistics);
    }

    /** A dictionary page from the PLAIN-encoded entries in {@code plain}. */
    @SuppressWarnings("deprecation") // PLAIN_DICTIONARY: see dictionaryEncoding()
    DictionaryPage dictionary(ByteSink plain, int entries) {
        byte[] data = compressor.compress(plain.buf, 0, plain.size);
        return new DictionaryPage(BytesInput.from(data), plain.size, entries, v2 ? Encoding.PLAIN : Encoding.PLAIN_DICTIONARY);
    }

    /**
     * How dictionary indices are declared. v2 files say RLE_DICTIONARY; v1 files say PLAIN_DICTIONARY, deprecated but
     * what parquet-java's own v1 writer still writes, so readers that predate RLE_DICTIONARY read them too (v1 exists for
     * such readers).
     */
    @SuppressWarnings("deprecation")
    Encoding dictionaryEncoding() {
        return v2 ? Encoding.RLE_DICTIONARY : Encoding.PLAIN_DICTIONARY;
    }

    /** Compressed length of {@code src[0, len)} with this thread's codec (to try an encoding on a sample). */
    int compressedLength(byte[] src, int len) {
        return compressor.compressedLength(src, 0, len);
    }

    @Override
    public void close() {
        compressors.values().forEach(PageCompressor::close);
        compressors.clear();
    }
}
