package io.parquetry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SyntheticSourceTest {

    @Test
    void codesFollowTheEnumerationInTheDescription() {
        assertThat(SyntheticSource.codeDomain("0 bid, 1 ask.")).isEqualTo(2);
        assertThat(SyntheticSource.codeDomain("0 new, 1 modify, 2 cancel, 3 trade.")).isEqualTo(4);
        assertThat(SyntheticSource.codeDomain("Exchange id (MIC registry index).")).isEqualTo(16);
        assertThat(SyntheticSource.codeDomain(null)).isEqualTo(16);
    }
}
