package io.parquetry.converter;

import static io.parquetry.converter.ConverterFixtures.REC;
import static io.parquetry.converter.ConverterFixtures.config;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.output.FooterKeys;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.schema.Schema;
import io.parquetry.status.RotationCause;
import io.parquetry.testing.EvolvingTicks;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A queue whose schema changes in place (docs/FORMAT.md §2.1): records of every version are converted exactly once, each
 * in the newest version the converter has seen, older ones projected into it, counted through DuckDB.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConverterSchemaEvolutionTest {

    /** Every kind of compatible change from V1 to V2: widen, rename, add nullable, add with a default, drop, required to nullable. */
    static final Schema V1 = EvolvingTicks.schema(1);
    static final Schema V2 = EvolvingTicks.schema(2);

    @TempDir
    Path dir;

    private Path queue() {
        return dir.resolve("queue");
    }

    private Path dataset() {
        return dir.resolve("out/ticks");
    }

    private void record(Schema s, long from, long to) {
        try (Recorder r = Recorder.open(queue(), s, REC); RecordWriter w = r.newWriter()) {
            for (long i = from; i < to; i++) {
                assertThat(EvolvingTicks.write(w, s, i)).isEqualTo(RecordWriter.OK);
            }
        }
    }

    @Test
    void recordsOfEveryVersionAreConvertedOnceInTheNewestProjected() {
        record(V1, 0, 1000);
        record(V2, 1000, 2000);
        record(V1, 2000, 2500); // a process still on v1 appends again: its records are v1
        ConversionResult c = ConverterService.run(config(dir, ""), true);
        assertThat(c.rowsWritten()).isEqualTo(2500);
        ConverterFixtures.assertExactlyOnce(dataset(), 2500);
        String scan = Datasets.scan(dataset());
        // v1 rows, projected: px widened, name under its new name, size widened, venue null, qty its default.
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + scan + " WHERE (seq < 1000 OR seq >= 2000) AND " + EvolvingTicks.rowMatches(1, 2)))
                .isEqualTo(1500);
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + scan + " WHERE seq >= 1000 AND seq < 2000 AND " + EvolvingTicks.rowMatches(2, 2)))
                .isEqualTo(1000);
        assertThat(Datasets.queryString("SELECT string_agg(column_name, ',') FROM (DESCRIBE SELECT * FROM " + scan + ")"))
                .isEqualTo("seq,px,sym,size,venue,qty");
        for (Path f : Datasets.files(dataset(), ".parquet")) {
            assertThat(Datasets.footer(f)).containsEntry(FooterKeys.SCHEMA_VERSION, "2").containsEntry(FooterKeys.SCHEMA_FINGERPRINT,
                    V2.fingerprintHex());
        }
        assertThat(c.rotations(RotationCause.SCHEMA)).isZero();
    }

    @Test
    void aNewerVersionMetWhileConvertingRotatesOnceAndOlderRecordsAfterItAreProjected() throws Exception {
        record(V1, 0, 700);
        ConversionResult c;
        try (Converter conv = Converter.open(config(dir, ""))) {
            record(V2, 700, 1200); // added to the queue after the converter read its history
            record(V1, 1200, 1500);
            conv.run(true);
            c = conv.result();
        }
        assertThat(c.rotations(RotationCause.SCHEMA)).isEqualTo(1);
        ConverterFixtures.assertExactlyOnce(dataset(), 1500);
        List<long[]> ranges = Datasets.ranges(dataset());
        assertThat(ranges).extracting(r -> r[2]).containsExactly(700L, 800L);
        List<Path> files = new java.util.ArrayList<>(Datasets.files(dataset(), ".parquet"));
        files.sort(null);
        assertThat(files.stream().map(f -> Datasets.footer(f).get(FooterKeys.SCHEMA_VERSION))).containsExactly("1", "2");
        String scan = "read_parquet('" + dataset().toAbsolutePath() + "/**/*.parquet', union_by_name=true)";
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + scan + " WHERE seq >= 1200 AND " + EvolvingTicks.rowMatches(1, 2)))
                .isEqualTo(300);
    }

    @Test
    void aVersionOfALayoutThisCodeDoesNotKnowStopsTheConverterInOneLine() throws Exception {
        record(V1, 0, 10);
        record(V2, 10, 20);
        Path v2 = queue().resolve("parquetry-schema-v2.yaml");
        java.nio.file.Files.writeString(v2, java.nio.file.Files.readString(v2).replace("# layout-version: 4", "# layout-version: 5"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConverterService.run(config(dir, ""), true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("queue was written with an unknown record layout version: file=" + v2 + ", layoutVersion=5, supported=1..4"
                        + " (a newer Parquetry wrote it)");
        assertThat(Datasets.files(dataset(), ".parquet")).isEmpty();
    }
}
