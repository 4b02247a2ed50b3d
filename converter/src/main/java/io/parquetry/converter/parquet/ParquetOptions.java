package io.parquetry.converter.parquet;

import io.parquetry.schema.FieldType;
import java.util.List;

/**
 * How Parquet files are encoded. Made by {@link #builder()} (or {@link #toBuilder()} from another), which starts from
 * the defaults; the constructor refuses values out of range.
 *
 * @param compression page compression codec
 * @param pageV2 data page v2 (delta and byte-stream-split encodings allowed) instead of v1 (dictionary or plain only)
 * @param rowGroupBytes raw record bytes per row group: a row group holds {@code max(1, rowGroupBytes / recordLength)}
 *     records, or with {@code string(N)}/{@code binary(N)} fields records up to this many bytes (a longer one alone).
 *     It also sizes memory: see {@link ParquetPartFile}
 * @param pageBytes target encoded size of a data page, and the cap of a dictionary page
 * @param dictionary dictionary encoding allowed (chosen per column chunk when it is the smallest encoding)
 * @param encoderThreads threads of a {@link RowGroupEncoders} pool built for these options; 0 means {@code auto}, one per
 *     available processor as far as half the heap holds them ({@link #resolvedEncoderThreads()})
 * @param bloomFilterColumns columns that get a split-block bloom filter per row group (not bool columns)
 * @param timestampUnit null to write timestamps as the schema declares them; else timestamp fields of a finer unit are
 *     converted to this one by floor division (see {@link ParquetPartFile#truncatedTimestamps()})
 * @param byteStreamSplit BYTE_STREAM_SPLIT allowed for float columns on v2 pages (chosen when a sample compresses
 *     smaller that way). Off by default: Spark's vectorized Parquet reader (4.1) refuses the encoding ("Unsupported
 *     encoding: BYTE_STREAM_SPLIT"); DuckDB, pyarrow, Trino and parquet-java read it
 * @param compressionLevel one of the codec's levels, or 0 for its default (the only value a codec without levels
 *     takes): {@link Codec}
 * @param variableRowGroupBytes {@code rowGroupBytes} for a schema with {@code string(N)}/{@code binary(N)} fields: the
 *     same when {@code parquet.rowGroupSize} is given, else {@link #DEFAULT_VARIABLE_ROW_GROUP_BYTES}
 */
public record ParquetOptions(Codec compression, boolean pageV2, long rowGroupBytes, int pageBytes, boolean dictionary,
        int encoderThreads, List<String> bloomFilterColumns, FieldType.TimeUnit timestampUnit, boolean byteStreamSplit, int compressionLevel,
        long variableRowGroupBytes) {

    /** Default raw bytes per row group (measured: docs/BENCHMARKS.md, "Row group size"). */
    public static final long DEFAULT_ROW_GROUP_BYTES = 16L << 20;
    /**
     * Default row group size of a schema with {@code string(N)}/{@code binary(N)} fields: 32 MiB, about the 120,000 rows
     * of DuckDB's and Spark's row groups for records of a few hundred bytes. Text columns' dictionaries are stored once
     * a row group: at 16 MiB the app-log benchmark's files were 31 % larger than DuckDB's, at 32 MiB 2 % smaller, and
     * the conversion faster (docs/BENCHMARKS.md §9).
     */
    public static final long DEFAULT_VARIABLE_ROW_GROUP_BYTES = 32L << 20;
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
        if (variableRowGroupBytes < 1 || variableRowGroupBytes > MAX_ROW_GROUP_BYTES) {
            throw new IllegalArgumentException("row group size out of range 1.." + MAX_ROW_GROUP_BYTES + ": variableRowGroupBytes="
                    + variableRowGroupBytes);
        }
        if (pageBytes < 64) {
            throw new IllegalArgumentException("page size must be at least 64 bytes: pageBytes=" + pageBytes);
        }
        if (encoderThreads < 0) {
            throw new IllegalArgumentException("encoder threads must be 0 (one per processor) or more: encoderThreads=" + encoderThreads);
        }
        bloomFilterColumns = bloomFilterColumns == null ? List.of() : List.copyOf(bloomFilterColumns);
    }

    /** The defaults: what a {@link Builder} starts from. */
    public static ParquetOptions defaults() {
        return builder().build();
    }

    /** A builder that starts from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.compression = compression;
        b.compressionLevel = compressionLevel;
        b.pageV2 = pageV2;
        b.rowGroupBytes = rowGroupBytes;
        b.variableRowGroupBytes = variableRowGroupBytes;
        b.pageBytes = pageBytes;
        b.dictionary = dictionary;
        b.encoderThreads = encoderThreads;
        b.bloomFilterColumns = bloomFilterColumns;
        b.timestampUnit = timestampUnit;
        b.byteStreamSplit = byteStreamSplit;
        return b;
    }

    /**
     * {@link #encoderThreads()}, with 0 ({@code auto}) resolved to one per available processor, as many as half the heap
     * holds ({@link #autoEncoderThreads}).
     */
    public int resolvedEncoderThreads() {
        return encoderThreads > 0 ? encoderThreads : autoEncoderThreads(Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory());
    }

    /** The row group size for records of {@code schema}: {@link #variableRowGroupBytes()} when it has variable fields. */
    public long rowGroupBytes(io.parquetry.schema.Schema schema) {
        return schema.variable() ? variableRowGroupBytes : rowGroupBytes;
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

    /** Collects options, from the defaults or from other options; {@link #build()} checks them. */
    public static final class Builder {
        private Codec compression = Codec.ZSTD;
        private int compressionLevel;
        private boolean pageV2 = true;
        private long rowGroupBytes = DEFAULT_ROW_GROUP_BYTES;
        private long variableRowGroupBytes = DEFAULT_VARIABLE_ROW_GROUP_BYTES;
        private int pageBytes = DEFAULT_PAGE_BYTES;
        private boolean dictionary = true;
        private int encoderThreads;
        private List<String> bloomFilterColumns = List.of();
        private FieldType.TimeUnit timestampUnit;
        private boolean byteStreamSplit;

        private Builder() {
        }

        /** The codec at its default level: a level set for another codec does not carry over. */
        public Builder compression(Codec codec) {
            return compression(codec, 0);
        }

        /** The codec at {@code level}, one of its levels or 0 for its default. */
        public Builder compression(Codec codec, int level) {
            this.compression = codec;
            this.compressionLevel = level;
            return this;
        }

        public Builder pageV2(boolean v2) {
            this.pageV2 = v2;
            return this;
        }

        /** Row group bytes for every schema (with variable fields or without). */
        public Builder rowGroupBytes(long bytes) {
            this.rowGroupBytes = bytes;
            this.variableRowGroupBytes = bytes;
            return this;
        }

        public Builder pageBytes(int bytes) {
            this.pageBytes = bytes;
            return this;
        }

        public Builder dictionary(boolean on) {
            this.dictionary = on;
            return this;
        }

        /** @param threads 0 for {@code auto} ({@link ParquetOptions#resolvedEncoderThreads()}) */
        public Builder encoderThreads(int threads) {
            this.encoderThreads = threads;
            return this;
        }

        public Builder bloomFilterColumns(List<String> columns) {
            this.bloomFilterColumns = columns;
            return this;
        }

        /** @param unit null to keep the schema's units */
        public Builder timestampUnit(FieldType.TimeUnit unit) {
            this.timestampUnit = unit;
            return this;
        }

        public Builder byteStreamSplit(boolean on) {
            this.byteStreamSplit = on;
            return this;
        }

        /** @throws IllegalArgumentException for a value out of range, naming it */
        public ParquetOptions build() {
            return new ParquetOptions(compression, pageV2, rowGroupBytes, pageBytes, dictionary, encoderThreads, bloomFilterColumns,
                    timestampUnit, byteStreamSplit, compressionLevel, variableRowGroupBytes);
        }
    }
}
