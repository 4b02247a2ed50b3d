package io.parquetry.converter.parquet;

import java.util.List;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;

/** A row group encoded by a pool thread, ready for the file's writer: compressed pages, statistics, bloom filters. */
final class EncodedRowGroup {

    /**
     * One data page.
     *
     * @param defLevels v2 only: the definition levels, uncompressed (empty for a required column); null for v1, whose
     *     levels are inside {@code data}
     * @param data page body, compressed unless {@code compressed} is false (v2 only)
     * @param uncompressedSize size of the body before compression
     */
    record Page(int rows, int nulls, Encoding encoding, byte[] defLevels, byte[] data, boolean compressed, int uncompressedSize,
            Statistics<?> statistics) {
    }

    /** One column chunk; {@code dictionary} and {@code bloom} may be null. */
    record Chunk(ColumnLayout column, DictionaryPage dictionary, List<Page> pages, BloomFilter bloom) {
    }

    final int rows;
    final Chunk[] chunks;
    final long truncatedTimestamps;

    EncodedRowGroup(int rows, Chunk[] chunks, long truncatedTimestamps) {
        this.rows = rows;
        this.chunks = chunks;
        this.truncatedTimestamps = truncatedTimestamps;
    }
}
