package io.parquetry.converter.parquet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.apache.parquet.io.api.Binary;

/**
 * Encodes a column chunk of variable-length values ({@code string(N)}, {@code binary(N)}; BYTE_ARRAY), value {@code i} at
 * {@code data[off[i], off[i + 1])}: the dictionary when its estimate is the smallest and its entries fit a page, else
 * DELTA_LENGTH_BYTE_ARRAY on v2 pages (the lengths delta-packed, then the bytes back to back, which compress as one
 * stream) or PLAIN on v1 pages (a 4-byte length before each value), as parquet-java's v1 writer falls back to. Sizes are
 * compared before compression. Statistics compare values as unsigned bytes (Parquet's order for BYTE_ARRAY and
 * strings); long bounds are truncated as the file writer would ({@link PartFileWriter}). One instance per encoder thread.
 */
final class VariableChunkEncoder {

    private final VariableDictionary dict = new VariableDictionary();
    private final DeltaBinaryPacked delta = new DeltaBinaryPacked();
    private final ByteSink scratch = new ByteSink(1 << 12);
    private int[] ids = new int[0];
    private long[] lengths = new long[0];

    EncodedRowGroup.Chunk encode(ColumnLayout col, byte[] data, int[] off, int n, byte[] present, int rows, ParquetOptions opt, PageBuilder pb) {
        long valueBytes = (long) off[n] - off[0];
        boolean v2 = pb.v2();
        boolean dictionary = false;
        boolean haveDict = false;
        long best = Long.MAX_VALUE;
        if (opt.dictionary() && n > 0) {
            if (ids.length < n) {
                ids = new int[n];
            }
            haveDict = dict.build(data, off, n, ids, opt.pageBytes());
            if (haveDict) {
                long indices = 1 + ((long) n * RleHybrid.bitWidth(dict.size - 1) + 7) / 8;
                // Either fallback holds every value's bytes: a dictionary smaller than those wins without sizing it exactly.
                if (dict.plainBytes + indices < valueBytes) {
                    dictionary = true;
                    best = indices;
                } else {
                    best = dict.plainBytes + indices;
                }
            }
        }
        if (v2) {
            fillLengths(off, n);
        }
        if (!dictionary) {
            long fallback = v2 ? delta.size(lengths, 0, n, true, false) + valueBytes : 4L * n + valueBytes;
            if (haveDict && best < fallback) {
                dictionary = true;
                best -= dict.plainBytes;
            } else {
                best = fallback;
            }
        }
        int bitWidth = haveDict ? RleHybrid.bitWidth(dict.size - 1) : 0;
        int rowsPerPage = PageBuilder.rowsPerPage(rows, best, opt.pageBytes());
        Encoding encoding = dictionary ? pb.dictionaryEncoding() : v2 ? Encoding.DELTA_LENGTH_BYTE_ARRAY : Encoding.PLAIN;
        List<EncodedRowGroup.Page> pages = new ArrayList<>();
        int vi = 0;
        for (int r0 = 0; r0 < rows; r0 += rowsPerPage) {
            int r1 = Math.min(rows, r0 + rowsPerPage);
            int count = present == null ? r1 - r0 : PageBuilder.countPresent(present, r0, r1);
            int nulls = r1 - r0 - count;
            pb.start(present, r0, r1, nulls);
            ByteSink out = pb.values();
            int bulk = 0;
            if (dictionary) {
                out.put(bitWidth);
                pb.rle().encode(ids, vi, vi + count, bitWidth, out);
            } else if (v2) {
                delta.encode(lengths, vi, vi + count, true, false, out);
                bulk = out.size; // whether the page compresses is a question for its values, not for their packed lengths
                out.put(data, off[vi], off[vi + count] - off[vi]);
            } else {
                plain(data, off, vi, vi + count, out);
            }
            Statistics<?> st;
            if (count == 0) {
                st = PageStatistics.nullsOnly(col.type, nulls);
            } else if (count == n && haveDict) {
                st = bounds(col, data, off, dict.first, 0, dict.size, nulls); // each distinct value once
            } else {
                st = bounds(col, data, off, null, vi, vi + count, nulls);
            }
            pages.add(pb.finish(r1 - r0, nulls, encoding, st, bulk));
            vi += count;
        }
        DictionaryPage dictPage = null;
        if (dictionary) {
            scratch.reset();
            for (int e = 0; e < dict.size; e++) {
                int i = dict.first[e];
                plain(data, off, i, i + 1, scratch);
            }
            dictPage = pb.dictionary(scratch, dict.size);
        }
        BlockSplitBloomFilter bloom = null;
        if (col.bloom) {
            bloom = bloom(data, off, haveDict ? dict.first : null, haveDict ? dict.size : n);
        }
        return new EncodedRowGroup.Chunk(col, dictPage, pages, bloom);
    }

    private void fillLengths(int[] off, int n) {
        if (lengths.length < n) {
            lengths = new long[n];
        }
        long[] l = lengths;
        for (int i = 0; i < n; i++) {
            l[i] = off[i + 1] - off[i];
        }
    }

    private static void plain(byte[] data, int[] off, int from, int to, ByteSink out) {
        for (int i = from; i < to; i++) {
            int at = off[i];
            int length = off[i + 1] - at;
            out.putIntLe(length);
            out.put(data, at, length);
        }
    }

    /**
     * Statistics of values {@code [from, to)}, or with {@code which} of values {@code which[from..to)}: the smallest and
     * largest in unsigned byte order, copied (a page's statistics outlive the vectors) and cut as the file writer would
     * cut them in the column index and the footer ({@link PartFileWriter#TRUNCATE_LENGTH}, parquet-java's own truncator:
     * the minimum cut, the maximum cut and incremented, at a character boundary for strings). Cutting them here keeps a
     * row group of 1 MiB values from holding two more copies of a value per page until it is written.
     */
    private static Statistics<?> bounds(ColumnLayout col, byte[] data, int[] off, int[] which, int from, int to, int nulls) {
        int min = which == null ? from : which[from];
        int max = min;
        for (int k = from + 1; k < to; k++) {
            int i = which == null ? k : which[k];
            int at = off[i];
            int end = off[i + 1];
            if (Arrays.compareUnsigned(data, at, end, data, off[min], off[min + 1]) < 0) {
                min = i;
            } else if (Arrays.compareUnsigned(data, at, end, data, off[max], off[max + 1]) > 0) {
                max = i;
            }
        }
        Binary lo = col.truncator.truncateMin(Binary.fromConstantByteArray(data, off[min], off[min + 1] - off[min]), PartFileWriter.TRUNCATE_LENGTH);
        Binary hi = col.truncator.truncateMax(Binary.fromConstantByteArray(data, off[max], off[max + 1] - off[max]), PartFileWriter.TRUNCATE_LENGTH);
        return PageStatistics.binary(col.type, nulls, lo.getBytes(), hi.getBytes());
    }

    /** {@code first} null: every one of the {@code n} values; else the first occurrences of the n dictionary entries. */
    private static BlockSplitBloomFilter bloom(byte[] data, int[] off, int[] first, int n) {
        int bytes = Math.min(LongChunkEncoder.BLOOM_MAX_BYTES, Math.max(BlockSplitBloomFilter.LOWER_BOUND_BYTES,
                BlockSplitBloomFilter.optimalNumOfBits(Math.max(1, n), LongChunkEncoder.BLOOM_FPP) / 8));
        BlockSplitBloomFilter f = new BlockSplitBloomFilter(bytes, LongChunkEncoder.BLOOM_MAX_BYTES);
        for (int e = 0; e < n; e++) {
            int i = first == null ? e : first[e];
            f.insertHash(f.hash(Binary.fromConstantByteArray(data, off[i], off[i + 1] - off[i])));
        }
        return f;
    }
}
