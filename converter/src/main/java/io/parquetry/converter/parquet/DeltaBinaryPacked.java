package io.parquetry.converter.parquet;

import org.apache.parquet.column.values.bitpacking.BytePackerForLong;
import org.apache.parquet.column.values.bitpacking.Packer;

/**
 * DELTA_BINARY_PACKED for INT32 and INT64 values: blocks of 128 deltas in four miniblocks of 32, each miniblock
 * bit-packed at its own width after subtracting the block's smallest delta. INT32 deltas use 32-bit wrap-around
 * arithmetic, so a width never exceeds 32 (readers of INT32 pages unpack at most 32 bits).
 *
 * <p>A width may be any at least as wide as the values need. <em>Aligned</em>, each is rounded up to whole bytes: a
 * little larger before compression, but deltas that need, say, 31 bits then start on byte boundaries, and their
 * repeats become repeats of bytes a compressor finds (a price's deltas: a quarter smaller after zstd, at the same
 * speed; docs/BENCHMARKS.md §6).
 */
final class DeltaBinaryPacked {

    static final int BLOCK = 128;
    private static final int MINIBLOCKS = 4;
    private static final int MINI = BLOCK / MINIBLOCKS;
    private static final BytePackerForLong[] PACKERS = new BytePackerForLong[65];

    static {
        for (int w = 0; w <= 64; w++) {
            PACKERS[w] = Packer.LITTLE_ENDIAN.newBytePackerForLong(w);
        }
    }

    private final long[] deltas = new long[BLOCK];

    /** Encodes {@code v[from, to)} as one page's values; {@code aligned}: widths rounded up to whole bytes. */
    void encode(long[] v, int from, int to, boolean int32, boolean aligned, ByteSink out) {
        int count = to - from;
        out.putVarLong(BLOCK);
        out.putVarLong(MINIBLOCKS);
        out.putVarLong(count);
        out.putZigZag(count == 0 ? 0 : v[from]);
        long[] d = deltas;
        for (int start = from + 1; start < to; start += BLOCK) {
            int m = Math.min(BLOCK, to - start);
            long min = fillDeltas(v, start, m, int32);
            out.putZigZag(min);
            int widthsAt = out.reserve(MINIBLOCKS);
            out.size = widthsAt + MINIBLOCKS;
            for (int mb = 0; mb < MINIBLOCKS; mb++) {
                int lo = mb * MINI;
                if (lo >= m) {
                    out.buf[widthsAt + mb] = 0;
                    continue;
                }
                long or = 0;
                for (int k = lo; k < lo + MINI; k++) {
                    or |= d[k];
                }
                int w = width(or, aligned);
                out.buf[widthsAt + mb] = (byte) w;
                int p = out.reserve(4 * w);
                PACKERS[w].pack32Values(d, lo, out.buf, p);
                out.size = p + 4 * w;
            }
        }
    }

    /** The exact size {@link #encode} would write for {@code v[from, to)}. */
    long size(long[] v, int from, int to, boolean int32, boolean aligned) {
        int count = to - from;
        long bytes = 3 + ByteSink.varLongSize(count) + ByteSink.varLongSize(zigzag(count == 0 ? 0 : v[from]));
        long[] d = deltas;
        for (int start = from + 1; start < to; start += BLOCK) {
            int m = Math.min(BLOCK, to - start);
            long min = fillDeltas(v, start, m, int32);
            bytes += ByteSink.varLongSize(zigzag(min)) + MINIBLOCKS;
            for (int lo = 0; lo < m; lo += MINI) {
                long or = 0;
                for (int k = lo; k < lo + MINI; k++) {
                    or |= d[k];
                }
                bytes += 4L * width(or, aligned);
            }
        }
        return bytes;
    }

    /** Fills {@code deltas} with the block's deltas minus their minimum (zero past {@code m}); returns the minimum. */
    private long fillDeltas(long[] v, int start, int m, boolean int32) {
        long[] d = deltas;
        long min;
        if (int32) {
            int mi = Integer.MAX_VALUE;
            for (int k = 0; k < m; k++) {
                int x = (int) v[start + k] - (int) v[start + k - 1];
                d[k] = x;
                mi = Math.min(mi, x);
            }
            for (int k = 0; k < m; k++) {
                d[k] = ((int) d[k] - mi) & 0xFFFF_FFFFL;
            }
            min = mi;
        } else {
            min = Long.MAX_VALUE;
            for (int k = 0; k < m; k++) {
                long x = v[start + k] - v[start + k - 1];
                d[k] = x;
                min = Math.min(min, x);
            }
            for (int k = 0; k < m; k++) {
                d[k] -= min;
            }
        }
        for (int k = m; k < BLOCK; k++) {
            d[k] = 0;
        }
        return min;
    }

    /** The width of a miniblock whose deltas OR to {@code or}: the bits they need, or whole bytes (never above 64). */
    private static int width(long or, boolean aligned) {
        int w = 64 - Long.numberOfLeadingZeros(or);
        return aligned ? (w + 7) & ~7 : w;
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }
}
