package io.parquetry.converter.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.schema.FieldType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParquetOptionsTest {

    private static final long MIB = 1L << 20;

    @Test
    void autoEncoderThreadsAreOnePerProcessorAsFarAsHalfTheHeapHolds() {
        ParquetOptions o = ParquetOptions.defaults(); // 16 MiB row groups: 48 MiB a thread
        assertThat(o.autoEncoderThreads(2, 1024 * MIB)).isEqualTo(2);
        // 64 processors, the launcher's 1 GiB heap: (512 - 16) / 48 = 10 threads, not 64 (64 * 48 MiB would not fit)
        assertThat(o.autoEncoderThreads(64, 1024 * MIB)).isEqualTo(10);
        assertThat(o.autoEncoderThreads(64, 1024 * MIB) * o.bytesPerEncoderThread() + o.rowGroupBytes()).isLessThanOrEqualTo(512 * MIB);
        assertThat(o.autoEncoderThreads(8, 64 * MIB)).as("never fewer than one").isEqualTo(1);
        assertThat(o.toBuilder().rowGroupBytes(MIB).build().autoEncoderThreads(64, 1024 * MIB)).isEqualTo(64);
    }

    @Test
    void aBuilderFromOptionsKeepsEveryComponent() {
        ParquetOptions o = ParquetOptions.builder().compression(Codec.GZIP, 9).pageV2(false).rowGroupBytes(3 * MIB).pageBytes(4096)
                .dictionary(false).encoderThreads(3).bloomFilterColumns(List.of("a")).timestampUnit(FieldType.TimeUnit.MS)
                .byteStreamSplit(true).build();
        assertThat(o.toBuilder().build()).isEqualTo(o).isNotEqualTo(ParquetOptions.defaults());
        assertThat(ParquetOptions.builder().build()).isEqualTo(ParquetOptions.defaults());
        assertThat(o.toBuilder().compression(Codec.ZSTD).build().compressionLevel()).as("another codec starts at its default").isZero();
    }
}
