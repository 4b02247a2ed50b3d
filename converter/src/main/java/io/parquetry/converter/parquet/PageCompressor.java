package io.parquetry.converter.parquet;

import com.github.luben.zstd.ZstdCompressCtx;
import io.airlift.compress.lz4.Lz4Compressor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.xerial.snappy.Snappy;

/**
 * Compresses pages with one reused codec context per encoder thread, writing the formats parquet-hadoop's own codecs
 * write: raw Snappy blocks, one zstd frame, a gzip member, a raw LZ4 block (aircompressor's {@code Lz4Compressor},
 * which parquet-hadoop 1.18.1's LZ4_RAW codec wraps), or the bytes as they are. Levels and their defaults:
 * {@link Codec}.
 */
abstract class PageCompressor implements AutoCloseable {

    /** The level asked for, 0 for the codec's default. */
    final int level;
    private byte[] scratch = new byte[1 << 16];

    PageCompressor(int level) {
        this.level = level;
    }

    /** @param level one of the codec's levels, or 0 for its default (checked by {@link Codec#checkLevel}) */
    static PageCompressor create(Codec codec, int level) {
        codec.checkLevel(level);
        return switch (codec) {
            case UNCOMPRESSED -> new None();
            case SNAPPY -> new SnappyPages();
            case ZSTD -> new ZstdPages(level);
            case GZIP -> new GzipPages(level);
            case LZ4_RAW -> new Lz4RawPages();
        };
    }

    /** The compressed form of {@code src[off, off+len)} in an array of its exact size. */
    final byte[] compress(byte[] src, int off, int len) {
        int bound = maxCompressedLength(len);
        if (scratch.length < bound) {
            scratch = new byte[Math.max(bound, scratch.length * 2)];
        }
        int n = compress(src, off, len, scratch, bound);
        return Arrays.copyOf(scratch, n);
    }

    /** Length of the compressed form of {@code src[off, off+len)}, without keeping it. */
    final int compressedLength(byte[] src, int off, int len) {
        int bound = maxCompressedLength(len);
        if (scratch.length < bound) {
            scratch = new byte[Math.max(bound, scratch.length * 2)];
        }
        return compress(src, off, len, scratch, bound);
    }

    abstract int maxCompressedLength(int len);

    abstract int compress(byte[] src, int off, int len, byte[] dst, int dstLen);

    @Override
    public void close() {
    }

    private static final class None extends PageCompressor {
        None() {
            super(0);
        }

        @Override
        int maxCompressedLength(int len) {
            return len;
        }

        @Override
        int compress(byte[] src, int off, int len, byte[] dst, int dstLen) {
            System.arraycopy(src, off, dst, 0, len);
            return len;
        }
    }

    private static final class SnappyPages extends PageCompressor {
        SnappyPages() {
            super(0);
        }

        @Override
        int maxCompressedLength(int len) {
            return Snappy.maxCompressedLength(len);
        }

        @Override
        int compress(byte[] src, int off, int len, byte[] dst, int dstLen) {
            try {
                return Snappy.compress(src, off, len, dst, 0);
            } catch (IOException e) {
                throw new UncheckedIOException("snappy compression failed: length=" + len, e);
            }
        }
    }

    private static final class ZstdPages extends PageCompressor {
        private final ZstdCompressCtx ctx;

        ZstdPages(int level) {
            super(level);
            ctx = new ZstdCompressCtx().setLevel(Codec.ZSTD.effectiveLevel(level));
        }

        @Override
        int maxCompressedLength(int len) {
            return (int) com.github.luben.zstd.Zstd.compressBound(len);
        }

        @Override
        int compress(byte[] src, int off, int len, byte[] dst, int dstLen) {
            return ctx.compressByteArray(dst, 0, dstLen, src, off, len);
        }

        @Override
        public void close() {
            ctx.close();
        }
    }

    private static final class Lz4RawPages extends PageCompressor {
        Lz4RawPages() {
            super(0);
        }

        private final Lz4Compressor lz4 = new Lz4Compressor();

        @Override
        int maxCompressedLength(int len) {
            return lz4.maxCompressedLength(len);
        }

        @Override
        int compress(byte[] src, int off, int len, byte[] dst, int dstLen) {
            return lz4.compress(src, off, len, dst, 0, dstLen);
        }
    }

    /** One gzip member (RFC 1952), as Hadoop's GzipCodec writes: header, raw deflate, CRC-32 and length. */
    private static final class GzipPages extends PageCompressor {
        private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
        private final Deflater deflater;
        private final CRC32 crc = new CRC32();

        GzipPages(int level) {
            super(level);
            deflater = new Deflater(Codec.GZIP.effectiveLevel(level), true);
        }

        @Override
        int maxCompressedLength(int len) {
            // deflate's stored-block worst case (5 bytes per 16 KiB block) plus header and trailer
            return len + 5 * (len / 16_383 + 1) + HEADER.length + 8 + 64;
        }

        @Override
        int compress(byte[] src, int off, int len, byte[] dst, int dstLen) {
            System.arraycopy(HEADER, 0, dst, 0, HEADER.length);
            deflater.reset();
            deflater.setInput(src, off, len);
            deflater.finish();
            int n = HEADER.length;
            while (!deflater.finished()) {
                int k = deflater.deflate(dst, n, dstLen - 8 - n);
                if (k == 0 && !deflater.finished()) {
                    throw new IllegalStateException("gzip output exceeds its bound: length=" + len);
                }
                n += k;
            }
            crc.reset();
            crc.update(src, off, len);
            ByteSink.putIntLe(dst, n, (int) crc.getValue());
            ByteSink.putIntLe(dst, n + 4, len);
            return n + 8;
        }

        @Override
        public void close() {
            deflater.end();
        }
    }
}
