package io.parquetry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void durationsKeepTheirUnitAndFraction() {
        assertThat(Units.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Units.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Units.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Units.parseDuration("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(Units.parseDuration(" 7d ")).isEqualTo(Duration.ofDays(7));
        assertThat(Units.parseDuration("2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Units.parseDuration("0.25h")).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void badOrHugeDurationsAreRefusedNamingTheText() {
        assertThatThrownBy(() -> Units.parseDuration("30")).hasMessageContaining("not a duration").hasMessageEndingWith(": 30");
        assertThatThrownBy(() -> Units.parseDuration("soon")).hasMessageEndingWith(": soon");
        assertThatThrownBy(() -> Units.parseDuration("-1s")).hasMessageEndingWith(": -1s");
        assertThatThrownBy(() -> Units.parseDuration("1000000000d")).hasMessageContaining("too long").hasMessageEndingWith(": 1000000000d");
    }

    @Test
    void sizesArePowersOf1024AndNeverWrap() {
        assertThat(Units.parseSize("1048576")).isEqualTo(1L << 20);
        assertThat(Units.parseSize("128MiB")).isEqualTo(128L << 20);
        assertThat(Units.parseSize("512KB")).isEqualTo(512L << 10);
        assertThat(Units.parseSize("1_000")).isEqualTo(1000);
        assertThat(Units.parseSize("2TiB")).isEqualTo(2L << 40);
        // 17179869185 GiB is 2^64 + 2^30 bytes: the old parser shifted it into 1 GiB.
        assertThatThrownBy(() -> Units.parseSize("17179869185GiB")).hasMessageContaining("too large").hasMessageEndingWith(": 17179869185GiB");
        assertThatThrownBy(() -> Units.parseSize("99999999999999999999")).hasMessageContaining("too large");
        assertThatThrownBy(() -> Units.parseSize("12 parsecs")).hasMessageContaining("not a size").hasMessageEndingWith(": 12 parsecs");
    }
}
