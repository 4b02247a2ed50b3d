package io.parquetry.converter.parquet;

import io.parquetry.schema.FieldType;
import io.parquetry.schema.Schema;
import java.util.List;

/**
 * How Parquet files are encoded.
 *
 * @param compression page compression codec
 * @param pageV2 data page v2 (delta and byte-stream-split encodings allowed) instead of v1 (dictionary or plain only)
 * @param rowGroupBytes raw record bytes per row group: a row group holds {@code max(1, rowGroupBytes / recordLength)}
 *     records. It also sizes memory: see {@link ParquetPartFile}
 * @param pageBytes target encoded size of a data page, and the cap of a dictionary page
 * @param dictionary dictionary encoding allowed (chosen per column chunk when it is the smallest encoding)
 * @param encoderThreads threads of a {@link RowGroupEncoders} pool built for these options; 0 means one per available
 *     processor
 * @param bloomFilterColumns columns that get a split-block bloom filter per row group (not bool columns)
 * @param timestampUnit null to write timestamps as the schema declares them; else timestamp fields of a finer unit are
 *     converted to this one by floor division (see {@link ParquetPartFile#truncatedTimestamps()})
 * @param byteStreamSplit BYTE_STREAM_SPLIT allowed for float columns on v2 pages (chosen when a sample compresses
 *     smaller that way). Off by default: Spark's vectorized Parquet reader (4.1) refuses the encoding ("Unsupported
 *     encoding: BYTE_STREAM_SPLIT"); DuckDB, pyarrow, Trino and parquet-java read it
 * @param compressionLevel one of the codec's levels, or 0 for its default (the only value a codec without levels
 *     takes): {@link Codec}
 */
public record ParquetOptions(Codec compression, boolean pageV2, long rowGroupBytes, int pageBytes, boolean dictionary,
        int encoderThreads, List<String> bloomFilterColumns, FieldType.TimeUnit timestampUnit, boolean byteStreamSplit, int compressionLevel) {

    /** Default raw bytes per row group (measured: docs/BENCHMARKS.md, "Row group size"). */
    public static final long DEFAULT_ROW_GROUP_BYTES = 16L << 20;
    /** Largest row group: column vectors are Java arrays. */
    public static final long MAX_ROW_GROUP_BYTES = 1L << 30;
    public static final int DEFAULT_PAGE_BYTES = 1 << 20;

    public ParquetOptions {
        if (compression == null) {
            throw new IllegalArgumentException("compression must be set: compression=null");
        }
        compression.checkLevel(compressionLevel);
        if (rowGroupBytes < 1 || rowGroupBytes > MAX_ROW_GROUP_BYTES) {
            throw new IllegalArgumentException("row group size out of range 1.." + MAX_ROW_GROUP_BYTES + ": rowGroupBytes=" + rowGroupBytes);
        }
        if (pageBytes < 64) {
            throw new IllegalArgumentException("page size must be at least 64 bytes: pageBytes=" + pageBytes);
        }
        if (encoderThreads < 0) {
            throw new IllegalArgumentException("encoder threads must be 0 (one per processor) or more: encoderThreads=" + encoderThreads);
        }
        bloomFilterColumns = bloomFilterColumns == null ? List.of() : List.copyOf(bloomFilterColumns);
    }

    public static ParquetOptions defaults() {
        return new ParquetOptions(Codec.ZSTD, true, DEFAULT_ROW_GROUP_BYTES, DEFAULT_PAGE_BYTES, true, 0, List.of(), null, false, 0);
    }

    /**
     * Checks these options against the schema a converter is about to write (call it at start-up, where a queue's
     * schema is known): {@link ParquetPartFile#create} would refuse them later.
     *
     * @throws IllegalArgumentException naming a bloom filter column the schema lacks, or one on a bool column
     */
    public void check(Schema schema) {
        ColumnLayout.check(schema, this);
    }

    /**
     * {@link #encoderThreads()}, with 0 ({@code auto}) resolved to one per available processor, as many as half the heap
     * holds ({@link #autoEncoderThreads}).
     */
    public int resolvedEncoderThreads() {
        return encoderThreads > 0 ? encoderThreads : autoEncoderThreads(Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory());
    }

    /**
     * Heap one encoder thread accounts for, at most: a row group of raw records in flight, its column vectors (up to
     * about as large again, more for narrow columns) and its compressed pages waiting to be written.
     */
    public long bytesPerEncoderThread() {
        return 3 * rowGroupBytes;
    }

    /**
     * Threads for {@code auto}: one per processor, but no more than half of {@code maxHeap} holds beside the row group
     * being filled, so that the default does not outgrow the default heap on a many-core host (at least 1).
     */
    int autoEncoderThreads(int processors, long maxHeap) {
        long fit = (maxHeap / 2 - rowGroupBytes) / bytesPerEncoderThread();
        return (int) Math.max(1, Math.min(processors, fit));
    }

    /** Another codec, at its default level. */
    public ParquetOptions withCompression(Codec codec) {
        return new ParquetOptions(codec, pageV2, rowGroupBytes, pageBytes, dictionary, encoderThreads, bloomFilterColumns, timestampUnit, byteStreamSplit, 0);
    }

    public ParquetOptions withCompressionLevel(int level) {
        return new ParquetOptions(compression, pageV2, rowGroupBytes, pageBytes, dictionary, encoderThreads, bloomFilterColumns, timestampUnit,
                byteStreamSplit, level);
    }

    public ParquetOptions withPageV2(boolean v2) {
        return new ParquetOptions(compression, v2, rowGroupBytes, pageBytes, dictionary, encoderThreads, bloomFilterColumns, timestampUnit,
                byteStreamSplit, compressionLevel);
    }

    public ParquetOptions withRowGroupBytes(long bytes) {
        return new ParquetOptions(compression, pageV2, bytes, pageBytes, dictionary, encoderThreads, bloomFilterColumns, timestampUnit,
                byteStreamSplit, compressionLevel);
    }

    public ParquetOptions withPageBytes(int bytes) {
        return new ParquetOptions(compression, pageV2, rowGroupBytes, bytes, dictionary, encoderThreads, bloomFilterColumns, timestampUnit,
                byteStreamSplit, compressionLevel);
    }

    public ParquetOptions withDictionary(boolean on) {
        return new ParquetOptions(compression, pageV2, rowGroupBytes, pageBytes, on, encoderThreads, bloomFilterColumns, timestampUnit,
                byteStreamSplit, compressionLevel);
    }

    public ParquetOptions withEncoderThreads(int threads) {
        return new ParquetOptions(compression, pageV2, rowGroupBytes, pageBytes, dictionary, threads, bloomFilterColumns, timestampUnit,
                byteStreamSplit, compressionLevel);
    }

    public ParquetOptions withBloomFilterColumns(List<String> columns) {
        return new ParquetOptions(compression, pageV2, rowGroupBytes, pageBytes, dictionary, encoderThreads, columns, timestampUnit, byteStreamSplit,
                compressionLevel);
    }

    public ParquetOptions withByteStreamSplit(boolean on) {
        return new ParquetOptions(compression, pageV2, rowGroupBytes, pageBytes, dictionary, encoderThreads, bloomFilterColumns, timestampUnit, on,
                compressionLevel);
    }

    public ParquetOptions withTimestampUnit(FieldType.TimeUnit unit) {
        return new ParquetOptions(compression, pageV2, rowGroupBytes, pageBytes, dictionary, encoderThreads, bloomFilterColumns, unit,
                byteStreamSplit, compressionLevel);
    }
}
