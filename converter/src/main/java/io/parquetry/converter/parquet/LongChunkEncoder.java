package io.parquetry.converter.parquet;

import io.parquetry.converter.parquet.ColumnLayout.Values;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.bloomfilter.BlockSplitBloomFilter;
import org.apache.parquet.io.api.Binary;

/**
 * Encodes a column chunk held as longs (integers, float bits, {@code char(N<=8)} keys). The encoding is chosen from the
 * data: the dictionary when it is the smallest, else DELTA_BINARY_PACKED for integers on v2 pages when it beats PLAIN,
 * else (when {@link ParquetOptions#byteStreamSplit()}) BYTE_STREAM_SPLIT for floats on v2 pages when a sample compresses
 * smaller that way, else PLAIN. Sizes are
 * compared before compression, except the byte-stream-split trial, and the trial of DELTA_BINARY_PACKED widths rounded
 * up to whole bytes (taken when a sample compresses smaller that way). One instance per encoder thread.
 */
final class LongChunkEncoder {

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int BSS_SAMPLE = 8192;
    /** Values in the sample that decides whether byte-aligned delta widths pay. */
    private static final int ALIGN_SAMPLE = 8192;
    private static final int DELTA_WINDOWS = 16;
    private static final int DELTA_WINDOW = 1024;
    static final double BLOOM_FPP = 0.01;
    static final int BLOOM_MAX_BYTES = 1 << 20;

    private enum Choice { PLAIN, DICTIONARY, DELTA, BYTE_STREAM_SPLIT }

    private final LongDictionary dict = new LongDictionary();
    private final DeltaBinaryPacked delta = new DeltaBinaryPacked();
    private final ByteSink scratch = new ByteSink(1 << 12);
    private int[] ids = new int[0];

    /**
     * @param min smallest of the {@code n} values, for integer columns (the transposition computes it)
     * @param max largest, for integer columns
     */
    EncodedRowGroup.Chunk encode(ColumnLayout col, long[] v, int n, long min, long max, byte[] present, int rows, ParquetOptions opt,
            PageBuilder pb) {
        Values kind = col.values;
        Choice choice = Choice.PLAIN;
        // A char key's PLAIN size needs a pass over the values: start from its lower bound (4 bytes of length
        // each) and compute it only if the dictionary does not beat that.
        long best = kind == Values.CHAR_KEY ? 4L * n : plainSize(kind, v, 0, n);
        boolean plainExact = kind != Values.CHAR_KEY;
        long dictBytes = 0;
        boolean haveDict = false;
        if (opt.dictionary() && n > 0) {
            if (ids.length < n) {
                ids = new int[n];
            }
            int entryBytes = kind == Values.CHAR_KEY ? 4 + col.width : kind.plainWidth;
            // Give up on a high-cardinality prefix only when DELTA_BINARY_PACKED is there to take over: against PLAIN, a
            // dictionary of a medium-cardinality column (prices) can still win once its distinct values stop growing.
            boolean deltaAvailable = pb.v2() && col.integer();
            haveDict = dict.build(v, n, ids, Math.max(1, opt.pageBytes() / entryBytes), col.integer(), min, max, deltaAvailable);
            if (haveDict) {
                dictBytes = plainSize(kind, dict.values, 0, dict.size);
                long est = dictBytes + 1 + ((long) n * RleHybrid.bitWidth(dict.size - 1) + 7) / 8;
                if (est >= best && !plainExact) {
                    best = plainSize(kind, v, 0, n);
                    plainExact = true;
                }
                if (est < best) {
                    choice = Choice.DICTIONARY;
                    best = est;
                }
            }
        }
        if (!plainExact && choice == Choice.PLAIN) {
            best = plainSize(kind, v, 0, n);
        }
        if (pb.v2() && col.integer() && n > 1) {
            long d = deltaSize(v, n, kind == Values.I32);
            if (d < best) {
                choice = Choice.DELTA;
                best = d;
            }
        }
        if (choice == Choice.PLAIN && opt.byteStreamSplit() && pb.v2() && (kind == Values.F32 || kind == Values.F64)
                && opt.compression() != Codec.UNCOMPRESSED && splitPays(kind, v, n, pb)) {
            choice = Choice.BYTE_STREAM_SPLIT;
        }
        boolean aligned = choice == Choice.DELTA && opt.compression() != Codec.UNCOMPRESSED
                && alignedPays(v, n, kind == Values.I32, pb);
        int bitWidth = haveDict ? RleHybrid.bitWidth(dict.size - 1) : 0;
        int rowsPerPage = PageBuilder.rowsPerPage(rows, choice == Choice.DICTIONARY ? best - dictBytes : best, opt.pageBytes());
        Encoding encoding = switch (choice) {
            case PLAIN -> Encoding.PLAIN;
            case DICTIONARY -> pb.dictionaryEncoding();
            case DELTA -> Encoding.DELTA_BINARY_PACKED;
            case BYTE_STREAM_SPLIT -> Encoding.BYTE_STREAM_SPLIT;
        };
        List<EncodedRowGroup.Page> pages = new ArrayList<>();
        int vi = 0;
        for (int r0 = 0; r0 < rows; r0 += rowsPerPage) {
            int r1 = Math.min(rows, r0 + rowsPerPage);
            int count = present == null ? r1 - r0 : PageBuilder.countPresent(present, r0, r1);
            int nulls = r1 - r0 - count;
            pb.start(present, r0, r1, nulls);
            ByteSink out = pb.values();
            switch (choice) {
                case DICTIONARY -> {
                    out.put(bitWidth);
                    pb.rle().encode(ids, vi, vi + count, bitWidth, out);
                }
                case DELTA -> delta.encode(v, vi, vi + count, kind == Values.I32, aligned, out);
                case BYTE_STREAM_SPLIT -> split(kind.plainWidth, v, vi, vi + count, out);
                default -> plain(kind, v, vi, vi + count, out);
            }
            // A page holding every value of the chunk: integer bounds came with the transposition, and a dictionary
            // holds each distinct string once (not floats: their NaN count is of values, not of distinct NaNs).
            Statistics<?> st;
            if (count == n && n > 0 && col.integer()) {
                st = integerStatistics(col, nulls, min, max);
            } else if (count == n && n > 0 && haveDict && kind == Values.CHAR_KEY) {
                st = statistics(col, dict.values, 0, dict.size, nulls);
            } else {
                st = statistics(col, v, vi, vi + count, nulls);
            }
            pages.add(pb.finish(r1 - r0, nulls, encoding, st));
            vi += count;
        }
        org.apache.parquet.column.page.DictionaryPage dictionary = null;
        if (choice == Choice.DICTIONARY) {
            scratch.reset();
            plain(kind, dict.values, 0, dict.size, scratch);
            dictionary = pb.dictionary(scratch, dict.size);
        }
        BlockSplitBloomFilter bloom = col.bloom ? bloom(kind, haveDict ? dict.values : v, haveDict ? dict.size : n) : null;
        return new EncodedRowGroup.Chunk(col, dictionary, pages, bloom);
    }

    /**
     * DELTA_BINARY_PACKED size of the chunk: exact for small chunks, else extrapolated from 16 windows of 1024 values
     * spread over the chunk (computing every delta twice cost a tenth of the encoder's time).
     */
    private long deltaSize(long[] v, int n, boolean int32) {
        if (n <= DELTA_WINDOWS * DELTA_WINDOW) {
            return delta.size(v, 0, n, int32, false);
        }
        long sampled = 0;
        long step = (n - DELTA_WINDOW) / (DELTA_WINDOWS - 1);
        for (int k = 0; k < DELTA_WINDOWS; k++) {
            int from = (int) (k * step);
            sampled += delta.size(v, from, from + DELTA_WINDOW, int32, false);
        }
        return sampled * n / ((long) DELTA_WINDOWS * DELTA_WINDOW);
    }

    /**
     * Whether DELTA_BINARY_PACKED with widths rounded up to whole bytes compresses a sample of the chunk at least 2%
     * smaller than with the tightest widths. Not tried when rounding changes nothing, or adds more than a quarter before
     * compression (narrow deltas: the compressor would have to win all of it back).
     */
    private boolean alignedPays(long[] v, int n, boolean int32, PageBuilder pb) {
        int m = Math.min(n, ALIGN_SAMPLE);
        long tightSize = delta.size(v, 0, m, int32, false);
        long alignedSize = delta.size(v, 0, m, int32, true);
        if (alignedSize == tightSize || alignedSize > tightSize * 5 / 4) {
            return false;
        }
        scratch.reset();
        delta.encode(v, 0, m, int32, false, scratch);
        int tight = pb.compressedLength(scratch.buf, scratch.size);
        scratch.reset();
        delta.encode(v, 0, m, int32, true, scratch);
        int aligned = pb.compressedLength(scratch.buf, scratch.size);
        return aligned < tight * 0.98;
    }

    private static Statistics<?> integerStatistics(ColumnLayout col, int nulls, long min, long max) {
        return col.values == Values.I32 ? PageStatistics.ints(col.type, nulls, min, max) : PageStatistics.longs(col.type, nulls, min, max);
    }

    private static long plainSize(Values kind, long[] v, int from, int to) {
        if (kind != Values.CHAR_KEY) {
            return (long) (to - from) * kind.plainWidth;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            n += 4 + keyLength(v[i]);
        }
        return n;
    }

    /** Bytes of a char key once its zero padding is trimmed. */
    static int keyLength(long key) {
        return (64 - Long.numberOfLeadingZeros(key) + 7) >>> 3;
    }

    static byte[] keyBytes(long key) {
        byte[] b = new byte[keyLength(key)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (key >>> (8 * i));
        }
        return b;
    }

    private static void plain(Values kind, long[] v, int from, int to, ByteSink out) {
        int n = to - from;
        switch (kind) {
            case I32, F32 -> {
                int p = out.reserve(4 * n);
                byte[] b = out.buf;
                for (int i = from; i < to; i++, p += 4) {
                    INT.set(b, p, (int) v[i]);
                }
                out.size = p;
            }
            case I64, F64 -> {
                int p = out.reserve(8 * n);
                byte[] b = out.buf;
                for (int i = from; i < to; i++, p += 8) {
                    LONG.set(b, p, v[i]);
                }
                out.size = p;
            }
            case CHAR_KEY -> {
                for (int i = from; i < to; i++) {
                    int len = keyLength(v[i]);
                    out.putIntLe(len);
                    out.putBytesLe(v[i], len);
                }
            }
            default -> throw new IllegalStateException("not a long column: values=" + kind);
        }
    }

    /** BYTE_STREAM_SPLIT: byte k of every value, then byte k+1 of every value, and so on. */
    private static void split(int width, long[] v, int from, int to, ByteSink out) {
        int n = to - from;
        int p = out.reserve(width * n);
        byte[] b = out.buf;
        for (int k = 0; k < width; k++) {
            int shift = 8 * k;
            int at = p + k * n;
            for (int i = 0; i < n; i++) {
                b[at + i] = (byte) (v[from + i] >>> shift);
            }
        }
        out.size = p + width * n;
    }

    /** Whether a sample of the chunk compresses at least 3% smaller split into byte streams than PLAIN. */
    private boolean splitPays(Values kind, long[] v, int n, PageBuilder pb) {
        int m = Math.min(n, BSS_SAMPLE);
        scratch.reset();
        plain(kind, v, 0, m, scratch);
        int plainLength = pb.compressedLength(scratch.buf, scratch.size);
        scratch.reset();
        split(kind.plainWidth, v, 0, m, scratch);
        int splitLength = pb.compressedLength(scratch.buf, scratch.size);
        return splitLength < plainLength * 0.97;
    }

    private static Statistics<?> statistics(ColumnLayout col, long[] v, int from, int to, int nulls) {
        if (from == to) {
            return PageStatistics.nullsOnly(col.type, nulls);
        }
        switch (col.values) {
            case I32, I64 -> {
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                for (int i = from; i < to; i++) {
                    long x = v[i];
                    min = x < min ? x : min;
                    max = x > max ? x : max;
                }
                return integerStatistics(col, nulls, min, max);
            }
            case F32 -> {
                float min = Float.POSITIVE_INFINITY;
                float max = Float.NEGATIVE_INFINITY;
                long nans = 0;
                for (int i = from; i < to; i++) {
                    float f = Float.intBitsToFloat((int) v[i]);
                    if (f != f) {
                        nans++;
                    } else {
                        min = f < min ? f : min;
                        max = f > max ? f : max;
                    }
                }
                return PageStatistics.floats(col.type, nulls, nans, nans < to - from, min, max);
            }
            case F64 -> {
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                long nans = 0;
                for (int i = from; i < to; i++) {
                    double d = Double.longBitsToDouble(v[i]);
                    if (d != d) {
                        nans++;
                    } else {
                        min = d < min ? d : min;
                        max = d > max ? d : max;
                    }
                }
                return PageStatistics.doubles(col.type, nulls, nans, nans < to - from, min, max);
            }
            default -> {
                // Unsigned byte order of the zero-padded keys is the order of the trimmed strings.
                long min = -1L;
                long max = 0;
                for (int i = from; i < to; i++) {
                    long k = Long.reverseBytes(v[i]);
                    min = Long.compareUnsigned(k, min) < 0 ? k : min;
                    max = Long.compareUnsigned(k, max) > 0 ? k : max;
                }
                return PageStatistics.binary(col.type, nulls, keyBytes(Long.reverseBytes(min)), keyBytes(Long.reverseBytes(max)));
            }
        }
    }

    private static BlockSplitBloomFilter bloom(Values kind, long[] v, int n) {
        int bytes = Math.min(BLOOM_MAX_BYTES, Math.max(BlockSplitBloomFilter.LOWER_BOUND_BYTES,
                BlockSplitBloomFilter.optimalNumOfBits(Math.max(1, n), BLOOM_FPP) / 8));
        BlockSplitBloomFilter f = new BlockSplitBloomFilter(bytes, BLOOM_MAX_BYTES);
        for (int i = 0; i < n; i++) {
            long x = v[i];
            f.insertHash(switch (kind) {
                case I32 -> f.hash((int) x);
                case I64 -> f.hash(x);
                case F32 -> f.hash(Float.intBitsToFloat((int) x));
                case F64 -> f.hash(Double.longBitsToDouble(x));
                default -> f.hash(Binary.fromConstantByteArray(keyBytes(x)));
            });
        }
        return f;
    }
}
