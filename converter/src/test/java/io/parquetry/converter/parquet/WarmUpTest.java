package io.parquetry.converter.parquet;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/** The warm-up swallows its failures in the background, so its records are checked here: each schema's file ends. */
class WarmUpTest {

    @Test
    void warmUpEncodesItsFixedAndVariableRecords() {
        try (RowGroupEncoders pool = new RowGroupEncoders(1, "test-warm-up")) {
            assertThatCode(() -> WarmUp.run(pool, Codec.ZSTD)).doesNotThrowAnyException();
        }
    }
}
