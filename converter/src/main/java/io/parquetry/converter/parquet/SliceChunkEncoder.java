package io.parquetry.converter.parquet;

import io.parquetry.converter.parquet.ColumnLayout.Values;
import io.parquetry.schema.RecordLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.apache.parquet.io.api.Binary;

/**
 * Encodes a column chunk of fixed-width byte values ({@code char(N>8)} as trimmed BYTE_ARRAY, {@code bytes(N)} as
 * FIXED_LEN_BYTE_ARRAY): dictionary when smaller, else PLAIN. Statistics compare values as unsigned bytes; for a char
 * column the zero-padded comparison equals the comparison of the trimmed strings. One instance per encoder thread.
 */
final class SliceChunkEncoder {

    private final SliceDictionary dict = new SliceDictionary();
    private final ByteSink scratch = new ByteSink(1 << 12);
    private int[] ids = new int[0];

    EncodedRowGroup.Chunk encode(ColumnLayout col, byte[] data, int n, byte[] present, int rows, ParquetOptions opt, PageBuilder pb) {
        int w = col.width;
        boolean chars = col.values == Values.CHAR_SLICE;
        long best = plainSize(data, w, chars, 0, n);
        boolean dictionary = false;
        boolean haveDict = false;
        long dictBytes = 0;
        if (opt.dictionary() && n > 0) {
            if (ids.length < n) {
                ids = new int[n];
            }
            haveDict = dict.build(data, w, n, ids, Math.max(1, opt.pageBytes() / (w + (chars ? 4 : 0))));
            if (haveDict) {
                for (int e = 0; e < dict.size; e++) {
                    dictBytes += chars ? 4 + RecordLayout.charLength(data, dict.first[e] * w, w) : w;
                }
                long est = dictBytes + 1 + ((long) n * RleHybrid.bitWidth(dict.size - 1) + 7) / 8;
                if (est < best) {
                    dictionary = true;
                    best = est - dictBytes;
                }
            }
        }
        int bitWidth = haveDict ? RleHybrid.bitWidth(dict.size - 1) : 0;
        int rowsPerPage = PageBuilder.rowsPerPage(rows, best, opt.pageBytes());
        Encoding encoding = dictionary ? pb.dictionaryEncoding() : Encoding.PLAIN;
        List<EncodedRowGroup.Page> pages = new ArrayList<>();
        int vi = 0;
        for (int r0 = 0; r0 < rows; r0 += rowsPerPage) {
            int r1 = Math.min(rows, r0 + rowsPerPage);
            int count = present == null ? r1 - r0 : PageBuilder.countPresent(present, r0, r1);
            int nulls = r1 - r0 - count;
            pb.start(present, r0, r1, nulls);
            ByteSink out = pb.values();
            if (dictionary) {
                out.put(bitWidth);
                pb.rle().encode(ids, vi, vi + count, bitWidth, out);
            } else {
                plain(data, w, chars, vi, vi + count, out);
            }
            pages.add(pb.finish(r1 - r0, nulls, encoding, statistics(col, data, w, chars, vi, vi + count, nulls)));
            vi += count;
        }
        org.apache.parquet.column.page.DictionaryPage dictPage = null;
        if (dictionary) {
            scratch.reset();
            for (int e = 0; e < dict.size; e++) {
                int at = dict.first[e] * w;
                plain(data, w, chars, at / w, at / w + 1, scratch);
            }
            dictPage = pb.dictionary(scratch, dict.size);
        }
        BlockSplitBloomFilter bloom = null;
        if (col.bloom) {
            bloom = bloom(data, w, chars, haveDict ? dict.first : null, haveDict ? dict.size : n);
        }
        return new EncodedRowGroup.Chunk(col, dictPage, pages, bloom);
    }

    private static long plainSize(byte[] data, int w, boolean chars, int from, int to) {
        if (!chars) {
            return (long) (to - from) * w;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            n += 4 + RecordLayout.charLength(data, i * w, w);
        }
        return n;
    }

    private static void plain(byte[] data, int w, boolean chars, int from, int to, ByteSink out) {
        if (!chars) {
            out.put(data, from * w, (to - from) * w);
            return;
        }
        for (int i = from; i < to; i++) {
            int len = RecordLayout.charLength(data, i * w, w);
            out.putIntLe(len);
            out.put(data, i * w, len);
        }
    }

    private static Statistics<?> statistics(ColumnLayout col, byte[] data, int w, boolean chars, int from, int to, int nulls) {
        if (from == to) {
            return PageStatistics.nullsOnly(col.type, nulls);
        }
        int min = from;
        int max = from;
        for (int i = from + 1; i < to; i++) {
            int at = i * w;
            if (Arrays.compareUnsigned(data, at, at + w, data, min * w, min * w + w) < 0) {
                min = i;
            } else if (Arrays.compareUnsigned(data, at, at + w, data, max * w, max * w + w) > 0) {
                max = i;
            }
        }
        return PageStatistics.binary(col.type, nulls, value(data, w, chars, min), value(data, w, chars, max));
    }

    private static byte[] value(byte[] data, int w, boolean chars, int i) {
        int at = i * w;
        return Arrays.copyOfRange(data, at, at + (chars ? RecordLayout.charLength(data, at, w) : w));
    }

    /** {@code first} null: every one of the {@code n} values; else the first occurrences of the n dictionary entries. */
    private static BlockSplitBloomFilter bloom(byte[] data, int w, boolean chars, int[] first, int n) {
        int bytes = Math.min(LongChunkEncoder.BLOOM_MAX_BYTES, Math.max(BlockSplitBloomFilter.LOWER_BOUND_BYTES,
                BlockSplitBloomFilter.optimalNumOfBits(Math.max(1, n), LongChunkEncoder.BLOOM_FPP) / 8));
        BlockSplitBloomFilter f = new BlockSplitBloomFilter(bytes, LongChunkEncoder.BLOOM_MAX_BYTES);
        for (int e = 0; e < n; e++) {
            int at = (first == null ? e : first[e]) * w;
            f.insertHash(f.hash(Binary.fromConstantByteArray(data, at, chars ? RecordLayout.charLength(data, at, w) : w)));
        }
        return f;
    }
}
