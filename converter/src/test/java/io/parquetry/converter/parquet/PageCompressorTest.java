package io.parquetry.converter.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The level asked for reaches the codec: a higher one compresses smaller, and both read back as they were. */
class PageCompressorTest {

    /** Numbers as text with repeats far apart: what a higher level's longer search finds. */
    private static byte[] data() {
        SplittableRandom r = new SplittableRandom(3);
        StringBuilder b = new StringBuilder();
        while (b.length() < 1 << 20) {
            b.append(r.nextInt(100_000)).append(r.nextBoolean() ? ',' : ';');
            if (r.nextInt(50) == 0 && b.length() > 20_000) {
                int from = r.nextInt(b.length() - 10_000);
                b.append(b, from, from + 2_000 + r.nextInt(8_000));
            }
        }
        return b.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void zstdLevelsReachTheCodecAndReadBack() {
        byte[] src = data();
        byte[] fast;
        byte[] small;
        try (PageCompressor l1 = PageCompressor.create(Codec.ZSTD, 1); PageCompressor l19 = PageCompressor.create(Codec.ZSTD, 19);
                PageCompressor dflt = PageCompressor.create(Codec.ZSTD, 0)) {
            fast = l1.compress(src, 0, src.length);
            small = l19.compress(src, 0, src.length);
            byte[] two = dflt.compress(src, 0, src.length);
            assertThat(two).as("the default is level 2").isEqualTo(Zstd.compress(src, 2)).isNotEqualTo(Zstd.compress(src, 3));
        }
        assertThat(small.length).as("level 19 against level 1").isLessThan(fast.length * 9 / 10);
        assertThat(Zstd.decompress(fast, src.length)).isEqualTo(src);
        assertThat(Zstd.decompress(small, src.length)).isEqualTo(src);
    }

    @Test
    void gzipLevelsReachTheCodecAndReadBack() throws Exception {
        byte[] src = data();
        try (PageCompressor l1 = PageCompressor.create(Codec.GZIP, 1); PageCompressor l9 = PageCompressor.create(Codec.GZIP, 9)) {
            byte[] fast = l1.compress(src, 0, src.length);
            byte[] small = l9.compress(src, 0, src.length);
            assertThat(small.length).isLessThan(fast.length);
            for (byte[] z : new byte[][] {fast, small}) {
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(z))) {
                    assertThat(in.readAllBytes()).isEqualTo(src);
                }
            }
        }
    }

    @Test
    void aLevelTheCodecDoesNotTakeIsRefusedNamingBoth() {
        assertThatThrownBy(() -> PageCompressor.create(Codec.SNAPPY, 2)).hasMessageContaining("not to snappy")
                .hasMessageContaining("compressionLevel=2");
        assertThatThrownBy(() -> ParquetOptions.builder().compression(Codec.ZSTD, 23).build()).hasMessageContaining("zstd must be 1..22")
                .hasMessageContaining("compressionLevel=23");
        assertThat(ParquetOptions.builder().compression(Codec.ZSTD, 22).build().toBuilder().compression(Codec.SNAPPY).build().compressionLevel())
                .as("another codec starts at its default").isZero();
    }
}
