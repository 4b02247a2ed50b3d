package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Many sources into one dataset; a second converter for the same source refused by the output lease. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConverterSourcesTest {

    @TempDir
    Path dir;

    private ConverterConfig config(String queue, String source, String stateDir) {
        return ConverterConfig.parse("queue: " + dir.resolve(queue) + "\noutput: " + dir.resolve("out") + "\nsource: " + source
                + "\nstateDir: " + dir.resolve(stateDir) + "\nrotation: {maxRows: 700}\n", source + ".yaml", ConverterConfig.Overrides.none());
    }

    @Test
    void twoSourcesWriteOneDatasetConcurrentlyWithoutCollisions() throws Exception {
        recordAllTypes(dir.resolve("qa"), 0, 5000);
        recordAllTypes(dir.resolve("qb"), 5000, 10_000);
        Thread a = new Thread(() -> ConverterService.run(config("qa", "host-a", "sa"), true));
        Thread b = new Thread(() -> ConverterService.run(config("qb", "host-b", "sb"), true));
        a.start();
        b.start();
        a.join(60_000);
        b.join(60_000);
        Path ds = dir.resolve("out/all_types");
        assertThat(Datasets.files(ds, ".parquet")).allMatch(p -> p.getFileName().toString().matches("part-host-[ab]-[0-9a-f]{16}-\\d{20}\\.parquet"));
        ConverterFixtures.assertExactlyOnce(ds, 10_000);
        assertThat(Files.exists(OutputLeaseFiles.lease(ds, "host-a"))).as("a clean stop releases the lease").isFalse();
    }

    @Test
    void secondConverterForTheSameSourceIsRefusedNamingTheHolder() throws Exception {
        recordAllTypes(dir.resolve("qa"), 0, 100);
        Converter first = Converter.open(config("qa", "host-a", "s1"));
        try {
            assertThatThrownBy(() -> Converter.open(config("qa", "host-a", "s2"))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("writes this source into this dataset").hasMessageContaining("host-a.lease");
        } finally {
            first.close();
        }
        // Released at close: the next one starts.
        Converter.open(config("qa", "host-a", "s2")).close();
    }

    @Test
    void liveLeaseOfAnotherHostIsRefusedAndAStaleOneTakenOver() throws Exception {
        recordAllTypes(dir.resolve("qa"), 0, 100);
        Path lease = OutputLeaseFiles.lease(dir.resolve("out/all_types"), "host-a");
        Files.createDirectories(lease.getParent());
        Files.writeString(lease, "host=capture-host-9\npid=4242\nstateDir=/var/lib/parquetry/x\nrenewedAt=" + System.currentTimeMillis()
                + "\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Converter.open(config("qa", "host-a", "s1"))).hasMessageContaining("holder host=capture-host-9")
                .hasMessageContaining("pid=4242");
        Files.writeString(lease, "host=capture-host-9\npid=4242\nstateDir=/x\nrenewedAt=" + (System.currentTimeMillis() - 60_000) + "\n");
        ConversionResult c = ConverterService.run(config("qa", "host-a", "s1"), true);
        assertThat(c.rowsWritten()).isEqualTo(100);
    }

    /** Where leases live, as a local path. */
    static final class OutputLeaseFiles {
        static Path lease(Path datasetDir, String source) {
            return datasetDir.resolve("_parquetry/leases/" + source + ".lease");
        }
    }
}
