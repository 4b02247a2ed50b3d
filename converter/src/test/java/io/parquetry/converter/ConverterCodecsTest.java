package io.parquetry.converter;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.output.FooterKeys;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every codec with both data page versions, read back by DuckDB, value sums included. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConverterCodecsTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"snappy,v1", "snappy,v2", "zstd,v1", "zstd,v2", "gzip,v1", "gzip,v2", "lz4_raw,v1", "lz4_raw,v2", "none,v1", "none,v2"})
    void everyCodecAndPageVersionIsReadableByDuckDb(String codec, String pages) throws Exception {
        ConverterFixtures.recordAllTypes(dir.resolve("queue"), 0, 3000);
        ConversionResult c = ConverterService.run(ConverterFixtures.config(dir, "parquet: {compression: " + codec + ", pageVersion: " + pages
                + "}\n"), true);
        assertThat(c.rowsWritten()).isEqualTo(3000);
        Path ds = dir.resolve("out/all_types");
        ConverterFixtures.assertExactlyOnce(ds, 3000);
        // The values, not only the keys: sums over nullable columns of several types agree with what was recorded.
        BigInteger i64 = BigInteger.ZERO;
        BigDecimal dec = BigDecimal.ZERO;
        for (long s = 0; s < 3000; s++) {
            if (!io.parquetry.testing.AllTypes.isNullRow(s)) {
                i64 = i64.add(BigInteger.valueOf(io.parquetry.testing.AllTypes.int64(s)));
                dec = dec.add(BigDecimal.valueOf(io.parquetry.testing.AllTypes.decimalUnscaled(s), 4));
            }
        }
        try (Connection db = Datasets.duckdb(); Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT sum(i64)::VARCHAR, sum(dec)::VARCHAR FROM " + Datasets.scan(ds))) {
            assertThat(rs.next()).isTrue();
            assertThat(new BigInteger(rs.getString(1))).isEqualTo(i64);
            assertThat(new BigDecimal(rs.getString(2))).isEqualByComparingTo(dec);
        }
        assertThat(Datasets.queryLong("SELECT count(sym) FROM " + Datasets.scan(ds))).isEqualTo(3000 - 3000 / 7 - 1);
        String expected = codec.equals("none") ? "UNCOMPRESSED" : codec.toUpperCase(java.util.Locale.ROOT);
        assertThat(Datasets.queryLong("SELECT count(*) FROM parquet_metadata('" + Datasets.files(ds, ".parquet").get(0)
                + "') WHERE compression <> '" + expected + "'")).isZero();
        Map<String, String> footer = Datasets.footer(Datasets.files(ds, ".parquet").get(0));
        assertThat(footer).containsEntry(FooterKeys.RECORD_COUNT, "3000");
    }
}
