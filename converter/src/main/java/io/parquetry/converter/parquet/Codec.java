package io.parquetry.converter.parquet;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * The page compression codecs the encoder writes, each with its config spelling and its levels: the one place these
 * are written down. Config parsing ({@code parquet.compression}, {@code parquet.compressionLevel}), {@link ParquetOptions},
 * {@link PageCompressor} and the CLI's {@code --compression} help read them from here; a test holds
 * docs/OPERATIONS.md's rows for the two keys against them. Declared in the order the docs list them.
 */
public enum Codec {

    SNAPPY("snappy", CompressionCodecName.SNAPPY, 0, 0),
    /**
     * zstd at level 2 unless set. parquet-hadoop and DuckDB use 3, Arrow's writers 1. Levels 2 and 3 are the same zstd
     * strategy with smaller tables at 2: on market data, once DELTA widths are byte-aligned, level 2 converts about 13 %
     * faster for files 1.7 % larger than level 3 (still a fifth smaller than DuckDB's at 3), level 1 about 5 % faster
     * again for files 14 % larger (docs/BENCHMARKS.md §3). A converter must keep up with its producers: the CPU goes
     * first. {@code parquet.compressionLevel: 3} for the smallest files of the three.
     */
    ZSTD("zstd", CompressionCodecName.ZSTD, 2, 22),
    /** gzip at zlib's default level 6 (what {@link java.util.zip.Deflater#DEFAULT_COMPRESSION} stands for) unless set. */
    GZIP("gzip", CompressionCodecName.GZIP, 6, 9),
    /** A raw LZ4 block (not the framed LZ4 of Parquet's deprecated {@code LZ4} codec). */
    LZ4_RAW("lz4_raw", CompressionCodecName.LZ4_RAW, 0, 0),
    /** Pages as they are; also spelled {@code uncompressed} in config. */
    UNCOMPRESSED("none", CompressionCodecName.UNCOMPRESSED, 0, 0);

    /**
     * The choices as {@code --compression}'s help lists them (an annotation needs a constant; {@code CodecTest} holds it
     * to the spellings above).
     */
    public static final String CHOICES = "snappy, zstd, gzip, lz4_raw or none";

    private final String spelling;
    private final CompressionCodecName parquet;
    private final int defaultLevel;
    private final int maxLevel;

    Codec(String spelling, CompressionCodecName parquet, int defaultLevel, int maxLevel) {
        this.spelling = spelling;
        this.parquet = parquet;
        this.defaultLevel = defaultLevel;
        this.maxLevel = maxLevel;
    }

    /**
     * The codec {@code text} names, in any case: its config spelling or its Parquet name ({@code none} and
     * {@code uncompressed} are one codec).
     *
     * @return null when it names none of them (report {@link #unknownRule()})
     */
    public static Codec named(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        for (Codec c : values()) {
            if (c.spelling.equals(t) || c.lowerName().equals(t)) {
                return c;
            }
        }
        return null;
    }

    /** What a codec name may be, for errors about one {@link #named} does not know. */
    public static String unknownRule() {
        List<String> names = new ArrayList<>();
        for (Codec c : values()) {
            names.add(c.spelling);
        }
        return "unknown compression (" + String.join(", ", names) + ")";
    }

    /** How config spells it ({@code parquet.compression}, {@code --compression}). */
    public String spelling() {
        return spelling;
    }

    /** The codec as a Parquet footer names it. */
    public CompressionCodecName parquetName() {
        return parquet;
    }

    /** The level used when none is set; 0 for a codec without levels. */
    public int defaultLevel() {
        return defaultLevel;
    }

    /** The highest level; levels run from 1. 0 for a codec without levels. */
    public int maxLevel() {
        return maxLevel;
    }

    /** Whether {@code level} is one of this codec's levels, 1..{@link #maxLevel()} (none for a codec without levels). */
    public boolean hasLevel(int level) {
        return level >= 1 && level <= maxLevel;
    }

    /** What a level of this codec may be, for error messages. */
    public String levelRule() {
        if (maxLevel > 0) {
            return "compression level of " + lowerName() + " must be 1.." + maxLevel + " (or unset for its default)";
        }
        List<String> leveled = new ArrayList<>();
        for (Codec c : values()) {
            if (c.maxLevel > 0) {
                leveled.add(c.lowerName() + " (1.." + c.maxLevel + ")");
            }
        }
        return "compression level applies to " + String.join(" and ", leveled) + " only, not to " + lowerName();
    }

    /**
     * Refuses a level this codec does not take.
     *
     * @param level one of its levels, or 0 for its default
     * @throws IllegalArgumentException naming the codec and the level
     */
    void checkLevel(int level) {
        if (level != 0 && !hasLevel(level)) {
            throw new IllegalArgumentException(levelRule() + ": compression=" + lowerName() + ", compressionLevel=" + level);
        }
    }

    /** The level a compressor uses for {@code level}: itself, or the default for 0. */
    int effectiveLevel(int level) {
        return level == 0 ? defaultLevel : level;
    }

    private String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
