package io.parquetry.converter.parquet;

import org.apache.parquet.column.values.bitpacking.BytePacker;
import org.apache.parquet.column.values.bitpacking.Packer;

/**
 * The RLE / bit-packed hybrid encoding of Parquet (definition levels and dictionary indices), without the 4-byte
 * length prefix (v1 pages add it). Runs of eight or more equal values become RLE runs; everything else is bit-packed in
 * groups of eight, the last group padded with zeros (readers stop at the page's value count). A bit-packed run borrows
 * values from the next RLE run so that only the final run of a page is ever padded.
 */
final class RleHybrid {

    private static final BytePacker[] PACKERS = new BytePacker[33];
    private static final int MIN_RUN = 8;

    static {
        for (int w = 0; w <= 32; w++) {
            PACKERS[w] = Packer.LITTLE_ENDIAN.newBytePacker(w);
        }
    }

    private final int[] pad = new int[8];

    /** Bits needed for values up to {@code max} (at least 1: some readers mishandle width 0). */
    static int bitWidth(int max) {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(max));
    }

    /**
     * Encodes {@code v[from, to)}, each below {@code 2^bitWidth}. Scans in groups of eight: a group that is not eight
     * equal values stays literal without further looking (the common case for dictionary indices of unsorted data);
     * an all-equal group starts an RLE run that extends as far as the value repeats.
     */
    void encode(int[] v, int from, int to, int bitWidth, ByteSink out) {
        int literalStart = from;
        int i = from;
        while (i + 8 <= to) {
            int x = v[i];
            if (((v[i + 1] ^ x) | (v[i + 2] ^ x) | (v[i + 3] ^ x) | (v[i + 4] ^ x) | (v[i + 5] ^ x) | (v[i + 6] ^ x) | (v[i + 7] ^ x)) != 0) {
                i += 8;
                continue;
            }
            int j = i + 8;
            while (j < to && v[j] == x) {
                j++;
            }
            if (i > literalStart) {
                packed(v, literalStart, i, bitWidth, out); // i - literalStart is a multiple of 8
            }
            rle(x, j - i, bitWidth, out);
            i = j;
            literalStart = j;
        }
        if (literalStart < to) {
            packed(v, literalStart, to, bitWidth, out);
        }
    }

    /** Definition levels of a column whose max level is 1: {@code present[r] != 0} is level 1. */
    void encodeFlags(byte[] present, int from, int to, ByteSink out) {
        int i = from;
        int literalStart = from;
        while (i < to) {
            byte x = present[i];
            int j = i + 1;
            while (j < to && present[j] == x) {
                j++;
            }
            int run = j - i;
            if (run >= MIN_RUN) {
                int borrow = (8 - ((i - literalStart) & 7)) & 7;
                if (run - borrow >= MIN_RUN) {
                    if (i + borrow > literalStart) {
                        packedFlags(present, literalStart, i + borrow, out);
                    }
                    rle(x != 0 ? 1 : 0, run - borrow, 1, out);
                    literalStart = j;
                }
            }
            i = j;
        }
        if (literalStart < to) {
            packedFlags(present, literalStart, to, out);
        }
    }

    static void rle(int value, int count, int bitWidth, ByteSink out) {
        out.putVarLong((long) count << 1);
        out.putBytesLe(value, (bitWidth + 7) >>> 3);
    }

    private void packed(int[] v, int from, int to, int bitWidth, ByteSink out) {
        int n = to - from;
        int groups = (n + 7) >>> 3;
        out.putVarLong(((long) groups << 1) | 1);
        int p = out.reserve(groups * bitWidth);
        BytePacker packer = PACKERS[bitWidth];
        int full = n >>> 3;
        int at = from;
        for (int g = 0; g < full; g++, at += 8, p += bitWidth) {
            packer.pack8Values(v, at, out.buf, p);
        }
        if ((n & 7) != 0) {
            java.util.Arrays.fill(pad, 0);
            System.arraycopy(v, at, pad, 0, n & 7);
            packer.pack8Values(pad, 0, out.buf, p);
            p += bitWidth;
        }
        out.size = p;
    }

    private static void packedFlags(byte[] f, int from, int to, ByteSink out) {
        int n = to - from;
        int groups = (n + 7) >>> 3;
        out.putVarLong(((long) groups << 1) | 1);
        int p = out.reserve(groups);
        byte[] b = out.buf;
        for (int g = 0; g < groups; g++) {
            int base = from + g * 8;
            int end = Math.min(8, to - base);
            int bits = 0;
            for (int k = 0; k < end; k++) {
                bits |= (f[base + k] != 0 ? 1 : 0) << k;
            }
            b[p + g] = (byte) bits;
        }
        out.size = p + groups;
    }
}
