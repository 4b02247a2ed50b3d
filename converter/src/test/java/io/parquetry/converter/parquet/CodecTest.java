package io.parquetry.converter.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each codec's spelling and levels are written once, in {@link Codec}; what else lists them is held to it here. */
class CodecTest {

    private static final Path ROOT = Path.of(System.getProperty("parquetry.root", ".."));

    @Test
    void everySpellingAndParquetNameFindsItsCodecInAnyCase() {
        for (Codec c : Codec.values()) {
            assertThat(Codec.named(c.spelling())).isEqualTo(c);
            assertThat(Codec.named(c.spelling().toUpperCase(java.util.Locale.ROOT))).isEqualTo(c);
            assertThat(Codec.named(c.parquetName().name())).isEqualTo(c);
        }
        assertThat(Codec.named("uncompressed")).isEqualTo(Codec.UNCOMPRESSED);
        assertThat(Codec.named("brotli")).isNull();
        assertThat(Codec.named("lzo")).isNull();
        assertThat(Codec.unknownRule()).isEqualTo("unknown compression (snappy, zstd, gzip, lz4_raw, none)");
    }

    @Test
    void theHelpsListOfChoicesIsTheSpellings() {
        List<String> spellings = new ArrayList<>();
        for (Codec c : Codec.values()) {
            spellings.add(c.spelling());
        }
        String last = spellings.remove(spellings.size() - 1);
        assertThat(Codec.CHOICES).isEqualTo(String.join(", ", spellings) + " or " + last);
    }

    @Test
    void levelsRunFromOneToTheCodecsMaximumAndZeroIsTheDefault() {
        assertThat(Codec.ZSTD.hasLevel(1)).isTrue();
        assertThat(Codec.ZSTD.hasLevel(22)).isTrue();
        assertThat(Codec.ZSTD.hasLevel(23)).isFalse();
        assertThat(Codec.ZSTD.hasLevel(0)).isFalse();
        assertThat(Codec.GZIP.hasLevel(9)).isTrue();
        assertThat(Codec.GZIP.hasLevel(10)).isFalse();
        assertThat(Codec.SNAPPY.hasLevel(1)).isFalse();
        assertThat(Codec.ZSTD.effectiveLevel(0)).isEqualTo(2);
        assertThat(Codec.GZIP.effectiveLevel(0)).isEqualTo(6);
        assertThat(Codec.ZSTD.effectiveLevel(7)).isEqualTo(7);
        Codec.SNAPPY.checkLevel(0);
        assertThatThrownBy(() -> Codec.UNCOMPRESSED.checkLevel(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("compression level applies to zstd (1..22) and gzip (1..9) only, not to uncompressed: compression=uncompressed,"
                        + " compressionLevel=3");
        assertThatThrownBy(() -> Codec.GZIP.checkLevel(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("compression level of gzip must be 1..9 (or unset for its default): compression=gzip, compressionLevel=-1");
    }

    @Test
    void operationsGuideAndShippedConfigStateEachCodecAndItsLevels() throws Exception {
        String compressionRow = row("parquet.compression");
        String levelRow = row("parquet.compressionLevel");
        String yaml = Files.readString(ROOT.resolve("conf/converter.yaml"));
        assertThat(compressionRow).startsWith("| `parquet.compression` | `" + ParquetOptions.defaults().compression().spelling() + "` |");
        for (Codec c : Codec.values()) {
            assertThat(compressionRow).contains("`" + c.spelling() + "`");
            if (c.maxLevel() > 0) {
                String name = c.name().toLowerCase(java.util.Locale.ROOT);
                assertThat(levelRow).contains(name + " `1`..`" + c.maxLevel() + "` (default " + c.defaultLevel());
                assertThat(yaml).contains(name + " 1.." + c.maxLevel() + " (default " + c.defaultLevel());
            }
        }
    }

    /** The row of {@code key} in docs/OPERATIONS.md's converter configuration table. */
    private static String row(String key) throws Exception {
        for (String line : Files.readAllLines(ROOT.resolve("docs/OPERATIONS.md"))) {
            if (line.startsWith("| `" + key + "` |")) {
                return line;
            }
        }
        throw new AssertionError("no row for " + key + " in docs/OPERATIONS.md");
    }
}
