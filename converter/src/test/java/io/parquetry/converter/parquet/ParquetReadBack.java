package io.parquetry.converter.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.schema.Field;
import io.parquetry.schema.FieldType;
import io.parquetry.schema.FieldType.Kind;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.internal.column.columnindex.OffsetIndex;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.schema.MessageType;

/**
 * Reads a file the encoder wrote back, independently, and compares it with {@link RandomRecords#expected}: every value
 * through parquet-hadoop's example reader and through DuckDB; every row group's chunk statistics, offset index and
 * column index against statistics computed here from the expected values.
 */
final class ParquetReadBack {

    private ParquetReadBack() {
    }

    static InputFile input(Path file) throws IOException {
        return HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration());
    }

    static ParquetFileReader open(Path file) throws IOException {
        return ParquetFileReader.open(input(file), ParquetReadOptions.builder().build());
    }

    /** Every value through parquet-hadoop's {@link GroupReadSupport}, with page CRCs verified. */
    static void checkValuesWithParquetHadoop(Path file, RandomRecords data) throws IOException {
        List<Field> fields = data.schema.fields();
        try (ParquetReader<Group> r = new ParquetReader.Builder<Group>(input(file), new org.apache.parquet.conf.PlainParquetConfiguration()) {
            @Override
            protected org.apache.parquet.hadoop.api.ReadSupport<Group> getReadSupport() {
                return new GroupReadSupport();
            }
        }.usePageChecksumVerification(true).build()) { // every page's CRC checked against its bytes
            int row = 0;
            for (Group g = r.read(); g != null; g = r.read(), row++) {
                for (Field f : fields) {
                    int i = f.index();
                    Object want = data.expected[row][i];
                    String where = "parquet-hadoop row " + row + " field " + f;
                    if (want == null) {
                        assertThat(g.getFieldRepetitionCount(i)).as(where).isZero();
                        continue;
                    }
                    Object got = switch (f.kind()) {
                        case BOOL -> g.getBoolean(i, 0);
                        case INT8, INT16, INT32 -> (long) g.getInteger(i, 0);
                        case INT64, DECIMAL, TIMESTAMP -> g.getLong(i, 0);
                        case FLOAT32 -> g.getFloat(i, 0);
                        case FLOAT64 -> g.getDouble(i, 0);
                        case CHAR, BYTES, STRING, BINARY -> g.getBinary(i, 0).getBytes();
                    };
                    assertSame(where, want, got);
                }
            }
            assertThat(row).as("rows read by parquet-hadoop").isEqualTo(data.rows);
        }
    }

    static Connection duckdb() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement s = c.createStatement()) {
            s.execute("SET threads=1");
            s.execute("SET memory_limit='512MB'");
            s.execute("SET autoinstall_known_extensions=false");
            s.execute("SET autoload_known_extensions=false");
        }
        return c;
    }

    /** Every value through DuckDB (timestamps as epoch numbers in the unit they were written in). */
    static void checkValuesWithDuckDb(Path file, RandomRecords data, FieldType.TimeUnit timestampUnit) throws SQLException {
        List<Field> fields = data.schema.fields();
        String select = fields.stream().map(f -> {
            if (f.kind() != Kind.TIMESTAMP) {
                return f.name();
            }
            return switch (ParquetSchemas.writtenUnit(f.type().unit(), timestampUnit)) {
                case NS -> "epoch_ns(" + f.name() + ")";
                case US -> "epoch_us(" + f.name() + ")";
                case MS -> "epoch_ms(" + f.name() + ")";
            };
        }).collect(Collectors.joining(", "));
        try (Connection c = duckdb(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + select + " FROM read_parquet('" + file + "') ORDER BY seq")) {
            int row = 0;
            while (rs.next()) {
                for (Field f : fields) {
                    int col = f.id();
                    Object want = data.expected[row][f.index()];
                    String where = "DuckDB row " + row + " field " + f;
                    Object got = switch (f.kind()) {
                        case BOOL -> rs.getBoolean(col);
                        case INT8, INT16, INT32, INT64, TIMESTAMP -> rs.getLong(col);
                        case DECIMAL -> {
                            BigDecimal d = rs.getBigDecimal(col);
                            yield d == null ? null : d.setScale(f.type().scale()).unscaledValue().longValueExact();
                        }
                        case FLOAT32 -> rs.getFloat(col);
                        case FLOAT64 -> rs.getDouble(col);
                        case CHAR, STRING -> {
                            String s = rs.getString(col);
                            yield s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        }
                        case BYTES, BINARY -> rs.getBytes(col);
                    };
                    if (rs.wasNull()) {
                        assertThat(want).as(where + " is null").isNull();
                    } else {
                        assertSame(where, want, got);
                    }
                }
                row++;
            }
            assertThat(row).as("rows read by DuckDB").isEqualTo(data.rows);
        }
    }

    private static void assertSame(String where, Object want, Object got) {
        assertThat(want).as(where + " is not null").isNotNull();
        if (want instanceof byte[] w) {
            assertThat((byte[]) got).as(where).isEqualTo(w);
        } else if (want instanceof Float w) {
            assertThat(Float.floatToIntBits((Float) got)).as(where + " " + w + " vs " + got).isEqualTo(Float.floatToIntBits(w));
        } else if (want instanceof Double w) {
            assertThat(Double.doubleToLongBits((Double) got)).as(where + " " + w + " vs " + got).isEqualTo(Double.doubleToLongBits(w));
        } else {
            assertThat(got).as(where).isEqualTo(want);
        }
    }

    /**
     * Chunk statistics, offset index and column index of every row group and column, against the expected values;
     * field ids in the footer's schema. Returns the number of data pages seen.
     */
    static int checkMetadata(Path file, RandomRecords data) throws IOException {
        int pages = 0;
        try (ParquetFileReader r = open(file)) {
            MessageType type = r.getFooter().getFileMetaData().getSchema();
            for (int i = 0; i < type.getFieldCount(); i++) {
                assertThat(type.getType(i).getId()).as("field id of %s", type.getType(i).getName()).isNotNull();
                assertThat(type.getType(i).getId().intValue()).as("field id of %s", type.getType(i).getName()).isEqualTo(i + 1);
            }
            long rowStart = 0;
            List<BlockMetaData> blocks = r.getFooter().getBlocks();
            for (int b = 0; b < blocks.size(); b++) {
                BlockMetaData block = blocks.get(b);
                int from = (int) rowStart;
                int to = (int) (rowStart + block.getRowCount());
                for (Field f : data.schema.fields()) {
                    ColumnChunkMetaData cc = block.getColumns().get(f.index());
                    String where = "row group " + b + " field " + f;
                    Expected chunk = Expected.of(f, data, from, to);
                    Statistics<?> st = cc.getStatistics();
                    assertThat(st.isEmpty()).as(where + " chunk statistics present").isFalse();
                    assertThat(st.getNumNulls()).as(where + " null count").isEqualTo(chunk.nulls);
                    assertThat(st.hasNonNullValue()).as(where + " has min/max").isEqualTo(chunk.min != null);
                    if (chunk.min != null) {
                        assertBound(where + " min", f, st.getMinBytes(), chunk.min, true);
                        assertBound(where + " max", f, st.getMaxBytes(), chunk.max, false);
                    }
                    OffsetIndex oi = r.readOffsetIndex(cc);
                    assertThat(oi).as(where + " offset index").isNotNull();
                    assertThat(oi.getFirstRowIndex(0)).as(where + " first page's first row").isZero();
                    ColumnIndex ci = r.readColumnIndex(cc);
                    if (chunk.nans > 0) {
                        assertThat(ci).as(where + " column index (dropped when a float page holds NaN)").isNull();
                    } else {
                        assertThat(ci).as(where + " column index").isNotNull();
                        assertThat(ci.getNullPages()).as(where + " column index pages").hasSize(oi.getPageCount());
                    }
                    for (int p = 0; p < oi.getPageCount(); p++) {
                        long first = oi.getFirstRowIndex(p);
                        long last = p + 1 < oi.getPageCount() ? oi.getFirstRowIndex(p + 1) : block.getRowCount();
                        assertThat(last).as(where + " page " + p + " rows").isGreaterThan(first);
                        if (ci == null) {
                            continue;
                        }
                        Expected page = Expected.of(f, data, from + (int) first, from + (int) last);
                        assertThat(ci.getNullCounts().get(p)).as(where + " page " + p + " nulls").isEqualTo(page.nulls);
                        assertThat(ci.getNullPages().get(p)).as(where + " page " + p + " null page").isEqualTo(page.min == null);
                        if (page.min != null) {
                            // min/max lists hold an entry per page (empty for a null page)
                            assertBound(where + " page " + p + " min", f, bytes(ci.getMinValues().get(p)), page.min, true);
                            assertBound(where + " page " + p + " max", f, bytes(ci.getMaxValues().get(p)), page.max, false);
                        }
                    }
                    pages += oi.getPageCount();
                }
                rowStart = to;
            }
            assertThat(rowStart).as("rows in the footer").isEqualTo(data.rows);
        }
        return pages;
    }

    /**
     * A minimum or maximum as written: exact, except for a {@code string(N)} or {@code binary(N)} value longer than the
     * truncation length, which is cut to at most that many bytes and still bounds the values (a minimum no larger, a
     * maximum no smaller, in unsigned byte order; a maximum that cannot be incremented stays whole).
     */
    static void assertBound(String where, Field f, byte[] got, byte[] want, boolean min) {
        if (!f.variable() || want.length <= PartFileWriter.TRUNCATE_LENGTH) {
            assertThat(got).as(where).isEqualTo(want);
            return;
        }
        int order = Arrays.compareUnsigned(got, want);
        assertThat(min ? order <= 0 : order >= 0).as(where + ": " + (min ? "at most" : "at least") + " the value").isTrue();
        if (!Arrays.equals(got, want)) {
            assertThat(got.length).as(where + " truncated").isLessThanOrEqualTo(PartFileWriter.TRUNCATE_LENGTH);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** Statistics of rows [from, to) of one field, in Parquet's byte form, as a reader must find them. */
    static final class Expected {
        long nulls;
        long nans;
        byte[] min;
        byte[] max;

        static Expected of(Field f, RandomRecords data, int from, int to) {
            Expected e = new Expected();
            Object lo = null;
            Object hi = null;
            for (int row = from; row < to; row++) {
                Object v = data.expected[row][f.index()];
                if (v == null) {
                    e.nulls++;
                    continue;
                }
                if ((v instanceof Float x && x.isNaN()) || (v instanceof Double d && d.isNaN())) {
                    e.nans++;
                    continue;
                }
                if (lo == null || compare(v, lo) < 0) {
                    lo = v;
                }
                if (hi == null || compare(v, hi) > 0) {
                    hi = v;
                }
            }
            if (lo != null) {
                e.min = bytesOf(f, lo, true);
                e.max = bytesOf(f, hi, false);
            }
            return e;
        }

        private static int compare(Object a, Object b) {
            if (a instanceof Long x) {
                return Long.compare(x, (Long) b);
            }
            if (a instanceof Boolean x) {
                return Boolean.compare(x, (Boolean) b);
            }
            if (a instanceof Float x) {
                return Float.compare(x, (Float) b);
            }
            if (a instanceof Double x) {
                return Double.compare(x, (Double) b);
            }
            return Arrays.compareUnsigned((byte[]) a, (byte[]) b);
        }

        /** Zero bounds widen to -0.0 (min) and +0.0 (max), as parquet-java writes them. */
        private static byte[] bytesOf(Field f, Object v, boolean min) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            switch (f.kind()) {
                case BOOL:
                    return new byte[] {(byte) ((Boolean) v ? 1 : 0)};
                case INT8:
                case INT16:
                case INT32:
                    return Arrays.copyOf(b.putInt(0, (int) (long) (Long) v).array(), 4);
                case FLOAT32: {
                    float x = (Float) v;
                    x = x == 0 ? (min ? -0.0f : 0.0f) : x;
                    return Arrays.copyOf(b.putInt(0, Float.floatToRawIntBits(x)).array(), 4);
                }
                case FLOAT64: {
                    double x = (Double) v;
                    x = x == 0 ? (min ? -0.0 : 0.0) : x;
                    return b.putLong(0, Double.doubleToRawLongBits(x)).array();
                }
                case CHAR:
                case BYTES:
                case STRING:
                case BINARY:
                    return (byte[]) v;
                default:
                    return b.putLong(0, (Long) v).array();
            }
        }
    }
}
