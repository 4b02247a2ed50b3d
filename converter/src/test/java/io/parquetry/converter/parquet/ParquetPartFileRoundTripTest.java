package io.parquetry.converter.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.schema.FieldType;
import io.parquetry.schema.Schema;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by {@link ParquetPartFile} read back value for value by parquet-hadoop and DuckDB, with correct
 * statistics, column indexes and offset indexes, for random schemas, null patterns, value patterns and options.
 * Random cases print their seed on failure; rerun one with {@code -Dparquetry.seed=<seed>}.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ParquetPartFileRoundTripTest {

    private static final int CASES = Integer.getInteger("parquetry.cases", 24);
    private static final Codec[] CODECS = {Codec.UNCOMPRESSED, Codec.SNAPPY, Codec.ZSTD, Codec.GZIP, Codec.LZ4_RAW};
    private static RowGroupEncoders pool;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPool() {
        pool = new RowGroupEncoders(3, "test-encoder");
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    @Test
    void randomSchemasRoundTripWithStatisticsAndPageIndexes() throws Exception {
        Long fixed = Long.getLong("parquetry.seed");
        long base = fixed != null ? fixed : new Random().nextLong();
        int cases = fixed != null ? 1 : CASES;
        for (int k = 0; k < cases; k++) {
            long seed = base + k;
            try {
                runCase(seed);
            } catch (Throwable t) {
                throw new AssertionError("random case failed: seed=" + seed + " (rerun with -Dparquetry.seed=" + seed + "): " + t.getMessage(), t);
            }
        }
    }

    private void runCase(long seed) throws Exception {
        Random r = new Random(seed);
        Schema schema = RandomRecords.randomSchema(r);
        int rows = 300 + r.nextInt(4000);
        int groupRows = 40 + r.nextInt(1500);
        FieldType.TimeUnit unit = r.nextInt(4) == 0 ? FieldType.TimeUnit.values()[r.nextInt(3)] : null;
        Codec codec = CODECS[r.nextInt(CODECS.length)];
        ParquetOptions.Builder b = ParquetOptions.builder().pageV2(r.nextBoolean()).dictionary(r.nextInt(5) != 0)
                .pageBytes(new int[] {64, 300, 4096, 1 << 20}[r.nextInt(4)]).rowGroupBytes((long) groupRows * schema.fixedLength())
                .timestampUnit(unit).byteStreamSplit(r.nextBoolean());
        int maxLevel = codec.maxLevel();
        ParquetOptions options = b.compression(codec, maxLevel == 0 || r.nextBoolean() ? 0 : 1 + r.nextInt(Math.min(maxLevel, 9))).build();
        RandomRecords data = RandomRecords.generate(schema, rows, groupRows, unit, r);
        Path file = dir.resolve("case-" + seed + ".parquet");
        ParquetPartFile f = ParquetPartFile.create(schema, options, new LocalOutputFile(file), pool);
        for (int at = 0; at < rows;) {
            int n = Math.min(rows - at, 1 + r.nextInt(700));
            if (schema.variable() && r.nextBoolean()) {
                appendOneByOne(f, data, at, n); // as the converter takes records from a queue
            } else {
                f.append(data.records, data.offset(at), n);
            }
            at += n;
        }
        long length = f.end(Map.of("case", Long.toString(seed)));
        assertThat(length).isEqualTo(Files.size(file));
        assertThat(f.rows()).isEqualTo(rows);
        assertThat(f.rawBytes()).isEqualTo(data.starts[rows]);
        assertThat(f.footer().getBlocks()).hasSize(rowGroups(data, groupRows, options.rowGroupBytes()));
        assertThat(f.footer().getFileMetaData().getKeyValueMetaData()).containsEntry("case", Long.toString(seed));
        String context = "options=" + options + ", schema=" + schema.canonicalForm().replace('\n', ';');
        try {
            ParquetReadBack.checkValuesWithParquetHadoop(file, data);
            ParquetReadBack.checkValuesWithDuckDb(file, data, unit);
            ParquetReadBack.checkMetadata(file, data);
            if (!options.byteStreamSplit()) {
                assertThat(encodings(f)).doesNotContain(Encoding.BYTE_STREAM_SPLIT);
            }
        } catch (AssertionError e) {
            throw new AssertionError(context + ": " + e.getMessage(), e);
        }
        Files.delete(file);
    }

    /** Appends records {@code [from, from + n)} through a {@link RecordSource} that knows each one's length. */
    static void appendOneByOne(ParquetPartFile f, RandomRecords data, int from, int n) throws java.io.IOException {
        int[] next = {from};
        f.append(new RecordSource() {
            @Override
            public int nextLength() {
                return data.starts[next[0] + 1] - data.starts[next[0]];
            }

            @Override
            public void copyTo(byte[] dst, int offset, int length) {
                System.arraycopy(data.records, data.starts[next[0]++], dst, offset, length);
            }
        }, n);
        assertThat(next[0]).isEqualTo(from + n);
    }

    /**
     * Row groups of the records: {@code capacity} records each, and with variable fields no more than {@code limit} bytes
     * of records unless one record alone is longer.
     */
    static int rowGroups(RandomRecords data, int capacity, long limit) {
        if (!data.schema.variable()) {
            return (data.rows + capacity - 1) / capacity;
        }
        int groups = 0;
        int count = 0;
        long bytes = 0;
        for (int i = 0; i < data.rows; i++) {
            int length = data.starts[i + 1] - data.starts[i];
            if (count > 0 && bytes + length > limit) {
                count = 0;
                bytes = 0;
            }
            if (count == 0) {
                groups++;
            }
            count++;
            bytes += length;
            if (count == capacity || bytes >= limit) {
                count = 0;
                bytes = 0;
            }
        }
        return groups;
    }

    private static java.util.Set<Encoding> encodings(ParquetPartFile f) {
        java.util.Set<Encoding> all = java.util.EnumSet.noneOf(Encoding.class);
        for (BlockMetaData b : f.footer().getBlocks()) {
            b.getColumns().forEach(c -> all.addAll(c.getEncodings()));
        }
        return all;
    }

    /**
     * Spark's vectorized reader (4.1) refuses BYTE_STREAM_SPLIT, so floats get it only when asked
     * ({@code parquet.byteStreamSplit}); asked, a column whose values compress smaller split gets it, and reads back.
     */
    @Test
    void floatsAreByteStreamSplitOnlyWhenAsked() throws Exception {
        Schema schema = Schema.parse("name: f\nversion: 1\nfields:\n  - {name: x, type: float64}\n  - {name: y, type: float32}\n", "test");
        int rows = 50_000;
        int len = schema.recordLength();
        byte[] recs = new byte[rows * len];
        ByteBuffer b = ByteBuffer.wrap(recs).order(ByteOrder.LITTLE_ENDIAN);
        Random r = new Random(7);
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            double x = 100 + r.nextDouble(); // distinct values (no dictionary) whose high bytes repeat
            b.putDouble(i * len, x);
            b.putFloat(i * len + 8, (float) x);
            sum += x;
        }
        for (boolean split : new boolean[] {false, true}) {
            Path file = dir.resolve("floats-" + split + ".parquet");
            ParquetOptions options = ParquetOptions.builder().byteStreamSplit(split).build();
            ParquetPartFile f = ParquetPartFile.create(schema, options, new LocalOutputFile(file), pool);
            f.append(recs, 0, rows);
            f.end(Map.of());
            if (split) {
                assertThat(encodings(f)).contains(Encoding.BYTE_STREAM_SPLIT);
            } else {
                assertThat(encodings(f)).doesNotContain(Encoding.BYTE_STREAM_SPLIT).contains(Encoding.PLAIN);
            }
            try (Connection c = ParquetReadBack.duckdb(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*), sum(x) FROM read_parquet('" + file + "')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(rows);
                assertThat(rs.getDouble(2)).isCloseTo(sum, org.assertj.core.data.Percentage.withPercentage(1e-9));
            }
        }
    }

    /**
     * Deltas that need 31 bits and repeat (a price that jumps back) compress smaller packed at 32: with a compressing
     * codec their miniblocks get whole-byte widths, uncompressed the tightest; either way every value reads back through
     * parquet-hadoop and DuckDB, with its statistics and page indexes.
     */
    @Test
    void deltaWidthsRoundUpToWholeBytesWhereThatCompressesSmaller() throws Exception {
        Schema schema = Schema.parse("name: prices\nversion: 1\nfields:\n  - {name: seq, type: int64}\n  - {name: p, type: int64}\n"
                + "  - {name: q, type: int32, nullable: true}\n", "test");
        int rows = 60_000;
        int len = schema.recordLength();
        byte[] recs = new byte[rows * len];
        Object[][] expected = new Object[rows][];
        ByteBuffer b = ByteBuffer.wrap(recs).order(ByteOrder.LITTLE_ENDIAN);
        Random r = new Random(3);
        int offSeq = schema.field("seq").offset();
        int offP = schema.field("p").offset();
        int offQ = schema.field("q").offset();
        for (int i = 0; i < rows; i++) {
            long p = 10_000_000_000L + (i * 7919L % 2000 - 1000) * 1_000_000L + r.nextInt(1000) * 10_000L;
            Long q = r.nextInt(10) == 0 ? null : (long) (int) (i * 7919L % 2000 * 100_000L + r.nextInt(1000) * 10);
            b.putLong(i * len + offSeq, i);
            b.putLong(i * len + offP, p);
            if (q == null) {
                recs[i * len + io.parquetry.schema.RecordLayout.nullByte(schema.field("q").nullBit())] |=
                        (byte) io.parquetry.schema.RecordLayout.nullMask(schema.field("q").nullBit());
            } else {
                b.putInt(i * len + offQ, (int) (long) q);
            }
            expected[i] = new Object[] {(long) i, p, q};
        }
        RandomRecords data = RandomRecords.of(schema, recs, expected);
        for (Codec codec : new Codec[] {Codec.ZSTD, Codec.UNCOMPRESSED}) {
            Path file = dir.resolve("prices-" + codec + ".parquet");
            ParquetPartFile f = ParquetPartFile.create(schema, ParquetOptions.builder().compression(codec).build(), new LocalOutputFile(file), pool);
            f.append(recs, 0, rows);
            f.end(Map.of());
            for (String column : new String[] {"p", "q"}) {
                int[] widths = firstDeltaBlockWidths(file, column);
                if (codec == Codec.UNCOMPRESSED) {
                    assertThat(widths).as("%s, %s: the tightest widths", codec, column).contains(column.equals("p") ? 31 : 28);
                } else {
                    assertThat(java.util.Arrays.stream(widths).boxed().toList()).as("%s, %s: whole bytes", codec, column).contains(32)
                            .allMatch(w -> w % 8 == 0);
                }
            }
            ParquetReadBack.checkValuesWithParquetHadoop(file, data);
            ParquetReadBack.checkValuesWithDuckDb(file, data, null);
            ParquetReadBack.checkMetadata(file, data);
        }
    }

    /** The miniblock widths of the first block of the first DELTA_BINARY_PACKED page of {@code column}. */
    private static int[] firstDeltaBlockWidths(Path file, String column) throws Exception {
        try (ParquetFileReader reader = ParquetReadBack.open(file)) {
            org.apache.parquet.column.ColumnDescriptor col = reader.getFileMetaData().getSchema().getColumnDescription(new String[] {column});
            org.apache.parquet.column.page.DataPage page = reader.readNextRowGroup().getPageReader(col).readPage();
            assertThat(page).isInstanceOf(org.apache.parquet.column.page.DataPageV2.class);
            org.apache.parquet.column.page.DataPageV2 v2 = (org.apache.parquet.column.page.DataPageV2) page;
            assertThat(v2.getDataEncoding()).isEqualTo(Encoding.DELTA_BINARY_PACKED);
            java.io.InputStream in = v2.getData().toInputStream();
            int blockSize = org.apache.parquet.bytes.BytesUtils.readUnsignedVarInt(in);
            int miniblocks = org.apache.parquet.bytes.BytesUtils.readUnsignedVarInt(in);
            org.apache.parquet.bytes.BytesUtils.readUnsignedVarInt(in); // value count
            org.apache.parquet.bytes.BytesUtils.readUnsignedVarLong(in); // first value
            org.apache.parquet.bytes.BytesUtils.readUnsignedVarLong(in); // the block's smallest delta
            assertThat(blockSize).isEqualTo(DeltaBinaryPacked.BLOCK);
            int[] widths = new int[miniblocks];
            for (int i = 0; i < miniblocks; i++) {
                widths[i] = in.read();
            }
            return widths;
        }
    }

    @Test
    void duckDbSkipsRowGroupsByTheirTimestampStatistics() throws Exception {
        Schema schema = Schema.parse("name: ticks\nversion: 1\nfields:\n  - {name: ts, type: timestamp(ns)}\n  - {name: v, type: int64}\n", "test");
        int rows = 200_000;
        int groupRows = 10_000;
        long start = 1_763_700_000_000_000_000L;
        byte[] recs = new byte[rows * 16];
        ByteBuffer b = ByteBuffer.wrap(recs).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows; i++) {
            b.putLong(i * 16, start + i * 1000L);
            b.putLong(i * 16 + 8, i);
        }
        Path file = dir.resolve("ticks.parquet");
        ParquetPartFile f = ParquetPartFile.create(schema, ParquetOptions.builder().rowGroupBytes(groupRows * 16L).build(),
                new LocalOutputFile(file), pool);
        f.append(recs, 0, rows);
        f.end(Map.of());
        // Rows 55,000..56,000 lie in row group 5 alone.
        String where = " WHERE ts BETWEEN " + literal(start + 55_000 * 1000L) + " AND " + literal(start + 56_000 * 1000L);
        try (Connection c = ParquetReadBack.duckdb(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*), min(v), max(v) FROM read_parquet('" + file + "')" + where)) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(1001);
                assertThat(rs.getLong(2)).isEqualTo(55_000);
                assertThat(rs.getLong(3)).isEqualTo(56_000);
            }
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = st.executeQuery("EXPLAIN ANALYZE SELECT count(*) FROM read_parquet('" + file + "')" + where)) {
                while (rs.next()) {
                    plan.append(rs.getString(2));
                }
            }
            Matcher m = Pattern.compile("Row Groups Scanned: (\\d+) / (\\d+)").matcher(plan);
            assertThat(m.find()).as("DuckDB's profile:\n%s", plan).isTrue();
            assertThat(m.group(2)).isEqualTo("20");
            assertThat(m.group(1)).as("row groups DuckDB read for a range inside one row group").isEqualTo("1");
        }
    }

    /** A TIMESTAMPTZ_NS literal for DuckDB. */
    private static String literal(long epochNanos) {
        String iso = java.time.Instant.ofEpochSecond(0, epochNanos).toString();
        return "'" + iso.replace('T', ' ').replace("Z", "+00") + "'::TIMESTAMPTZ_NS";
    }

    @Test
    void timestampsConvertToACoarserUnitCountingLostPrecision() throws Exception {
        Schema schema = Schema.parse("name: t\nversion: 1\nfields:\n  - {name: ns, type: timestamp(ns), nullable: true}\n"
                + "  - {name: us, type: timestamp(us)}\n  - {name: ms, type: timestamp(ms)}\n", "test");
        long[] ns = {0, 1, 999, 1000, -1, -1000, -1001, 1_763_700_000_123_456_789L, 1_763_700_000_123_456_000L};
        int len = schema.recordLength();
        byte[] recs = new byte[ns.length * len];
        ByteBuffer b = ByteBuffer.wrap(recs).order(ByteOrder.LITTLE_ENDIAN);
        long lost = 0;
        for (int i = 0; i < ns.length; i++) {
            b.putLong(i * len + 1, ns[i]);
            b.putLong(i * len + 9, ns[i]); // a microsecond value, unchanged at micros
            b.putLong(i * len + 17, ns[i] / 1000); // a millisecond value: never made finer
            lost += ns[i] % 1000 != 0 ? 1 : 0;
        }
        recs[2 * len] = 1; // row 2: ns is null, its value does not count
        lost -= 1;
        Path file = dir.resolve("t.parquet");
        ParquetPartFile f = ParquetPartFile.create(schema, ParquetOptions.builder().timestampUnit(FieldType.TimeUnit.US).build(),
                new LocalOutputFile(file), pool);
        f.append(recs, 0, ns.length);
        f.end(Map.of());
        assertThat(f.truncatedTimestamps()).isEqualTo(lost).isEqualTo(4);
        List<org.apache.parquet.schema.Type> fields = f.footer().getFileMetaData().getSchema().getFields();
        assertThat(unitOf(fields.get(0))).isEqualTo(LogicalTypeAnnotation.TimeUnit.MICROS);
        assertThat(unitOf(fields.get(1))).isEqualTo(LogicalTypeAnnotation.TimeUnit.MICROS);
        assertThat(unitOf(fields.get(2))).isEqualTo(LogicalTypeAnnotation.TimeUnit.MILLIS);
        try (Connection c = ParquetReadBack.duckdb(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT epoch_us(ns), epoch_us(us), epoch_ms(ms) FROM read_parquet('" + file + "')")) {
            for (int i = 0; i < ns.length; i++) {
                assertThat(rs.next()).isTrue();
                long v = rs.getLong(1);
                if (i == 2) {
                    assertThat(rs.wasNull()).isTrue();
                } else {
                    assertThat(v).as("row %d", i).isEqualTo(Math.floorDiv(ns[i], 1000));
                }
                assertThat(rs.getLong(2)).isEqualTo(ns[i]);
                assertThat(rs.getLong(3)).isEqualTo(ns[i] / 1000);
            }
        }
    }

    private static LogicalTypeAnnotation.TimeUnit unitOf(org.apache.parquet.schema.Type t) {
        return ((TimestampLogicalTypeAnnotation) t.getLogicalTypeAnnotation()).getUnit();
    }

    @Test
    void bloomFiltersHoldEveryValueOfTheirColumns() throws Exception {
        Schema schema = Schema.parse("name: b\nversion: 1\nfields:\n  - {name: id, type: int64}\n  - {name: sym, type: char(8)}\n"
                + "  - {name: code, type: int32}\n  - {name: name, type: char(12), nullable: true}\n", "test");
        int rows = 20_000;
        int len = schema.recordLength();
        byte[] recs = new byte[rows * len];
        ByteBuffer b = ByteBuffer.wrap(recs).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows; i++) {
            int at = i * len;
            b.putLong(at + 1, i * 7L);
            byte[] sym = ("S" + (i % 50)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            System.arraycopy(sym, 0, recs, at + 9, sym.length);
            b.putInt(at + 17, i % 3);
            byte[] name = ("name-" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            System.arraycopy(name, 0, recs, at + 21, name.length);
        }
        Path file = dir.resolve("bloom.parquet");
        ParquetOptions options = ParquetOptions.builder().bloomFilterColumns(List.of("id", "sym", "name")).rowGroupBytes(5000L * len).build();
        ParquetPartFile f = ParquetPartFile.create(schema, options, new LocalOutputFile(file), pool);
        f.append(recs, 0, rows);
        f.end(Map.of());
        try (ParquetFileReader r = ParquetReadBack.open(file)) {
            int rowStart = 0;
            for (BlockMetaData block : r.getFooter().getBlocks()) {
                BloomFilter id = r.readBloomFilter(block.getColumns().get(0));
                BloomFilter sym = r.readBloomFilter(block.getColumns().get(1));
                BloomFilter name = r.readBloomFilter(block.getColumns().get(3));
                assertThat(r.readBloomFilter(block.getColumns().get(2))).as("no filter on code").isNull();
                assertThat(id).isNotNull();
                int falsePositives = 0;
                for (int i = rowStart; i < rowStart + block.getRowCount(); i++) {
                    assertThat(id.findHash(id.hash(i * 7L))).as("id %d", i * 7L).isTrue();
                    assertThat(sym.findHash(sym.hash(Binary.fromString("S" + (i % 50))))).isTrue();
                    assertThat(name.findHash(name.hash(Binary.fromString("name-" + i)))).isTrue();
                    falsePositives += id.findHash(id.hash(i * 7L + 3)) ? 1 : 0;
                }
                assertThat(falsePositives).as("false positives of 5000 absent ids").isLessThan(250);
                rowStart += (int) block.getRowCount();
            }
        }
    }

    @Test
    void rejectsBloomFilterColumnsTheSchemaLacksOrThatAreBool() {
        Schema schema = Schema.parse("name: b\nversion: 1\nfields:\n  - {name: id, type: int64}\n  - {name: ok, type: bool}\n", "test");
        Path file = dir.resolve("never.parquet");
        assertThatThrownBy(() -> ParquetPartFile.create(schema, ParquetOptions.builder().bloomFilterColumns(List.of("nope")).build(),
                new LocalOutputFile(file), pool)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bloom filter column is not in the schema: column=nope");
        assertThatThrownBy(() -> ParquetPartFile.create(schema, ParquetOptions.builder().bloomFilterColumns(List.of("ok")).build(),
                new LocalOutputFile(file), pool)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bloom filter on a bool column is not supported: column=ok");
        assertThat(file).doesNotExist();
    }
}
