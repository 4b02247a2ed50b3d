package io.parquetry.benchmarks;

import io.parquetry.converter.parquet.BlackHoleOutputFile;
import io.parquetry.converter.parquet.ParquetOptions;
import io.parquetry.converter.parquet.ParquetPartFile;
import io.parquetry.converter.parquet.RowGroupEncoders;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The column-at-a-time encoder alone: {@value #ROWS} market-data records (as {@code parquetry record} writes them)
 * encoded into one file written to a black hole, so no disk is involved. One operation is one row: the score is rows
 * per second, and {@code -prof gc} reports bytes allocated per row. The default run covers every codec parameter with
 * both page versions and 1 or 2 encoder threads; pick with {@code -p codec=zstd -p pages=v2 -p threads=2}.
 *
 * <pre>bin/bench jmh EncodeBenchmark -prof gc</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 4)
@Measurement(iterations = 5, time = 4)
@Fork(1)
@State(Scope.Benchmark)
public class EncodeBenchmark {

    static final int ROWS = 4_000_000;

    /** Page compression: zstd (the default), snappy, lz4_raw, gzip, none. */
    @Param({"zstd", "snappy", "lz4_raw", "none"})
    public String codec;

    @Param({"v2", "v1"})
    public String pages;

    /** Encoder threads of the pool. */
    @Param({"1", "2"})
    public int threads;

    private MarketRecords md;
    private RowGroupEncoders pool;
    private ParquetOptions options;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        md = MarketRecords.generate(ROWS);
        pool = new RowGroupEncoders(threads, "jmh-encoder");
        options = ParquetOptions.builder().compression(EncodeRate.codec(codec)).pageV2(pages.equals("v2")).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    /** Returns the file's length, so the work cannot be optimised away. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long encode() throws Exception {
        int len = md.schema.recordLength();
        ParquetPartFile f = ParquetPartFile.create(md.schema, options, new BlackHoleOutputFile("black-hole"), pool);
        for (int i = 0; i < md.count; i += 4096) {
            f.append(md.records, i * len, Math.min(4096, md.count - i));
        }
        return f.end(Map.of());
    }
}
