package io.parquetry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionTest {

    @Test
    void reportsTheBuildsVersionEvenFromAClassesDirectory() {
        // Tests run from target/classes, where no jar manifest exists: the version still comes from the build.
        assertThat(Version.current()).isEqualTo(System.getProperty("parquetry.version")).matches("\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?");
    }
}
