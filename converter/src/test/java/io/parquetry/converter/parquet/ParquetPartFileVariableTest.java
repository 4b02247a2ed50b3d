package io.parquetry.converter.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.schema.Field;
import io.parquetry.schema.RecordLayout;
import io.parquetry.schema.Schema;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.bloomfilter.BloomFilter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.internal.column.columnindex.ColumnIndex;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code string(N)} and {@code binary(N)} columns: the encoding each value pattern gets, bounds of long values truncated
 * as readers expect and still bounding the values, bloom filters, the row group's byte bound, and records that are not
 * well formed. Every file is read back by parquet-hadoop and DuckDB.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ParquetPartFileVariableTest {

    private static final Schema TEXTS = Schema.parse("name: texts\nversion: 1\nfields:\n  - {name: seq, type: int64}\n"
            + "  - {name: few_text, type: string(32)}\n  - {name: many_text, type: string(40), nullable: true}\n"
            + "  - {name: few_bytes, type: binary(16), nullable: true}\n  - {name: many_bytes, type: binary(24)}\n", "test");
    private static RowGroupEncoders pool;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPool() {
        pool = new RowGroupEncoders(2, "test-encoder");
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    @Test
    void dictionaryIsChosenForFewDistinctValuesAndNotForUniqueOnes() throws Exception {
        String[] words = {"", "buy", "sell", "cancel \u00e9\u00e8", "\u6f22\u5b57", "\ud83d\ude80 launch"};
        Random r = new Random(11);
        int rows = 20_000;
        Object[][] values = new Object[rows][];
        for (int i = 0; i < rows; i++) {
            byte[] few = words[r.nextInt(words.length)].getBytes(StandardCharsets.UTF_8);
            byte[] unique = i % 10 == 0 ? null : ("order-" + i + "-" + Long.toHexString(r.nextLong())).getBytes(StandardCharsets.UTF_8);
            byte[] fewBytes = i % 3 == 0 ? null : new byte[] {0, (byte) (i % 4), (byte) 0xFF};
            byte[] uniqueBytes = ByteBuffer.allocate(8 + i % 17).putLong(r.nextLong()).array();
            values[i] = new Object[] {(long) i, few, unique, fewBytes, uniqueBytes};
        }
        RandomRecords data = RandomRecords.layOut(TEXTS, values);
        for (boolean v2 : new boolean[] {true, false}) {
            Path file = dir.resolve("texts-" + v2 + ".parquet");
            ParquetPartFile f = ParquetPartFile.create(TEXTS, ParquetOptions.builder().pageV2(v2).compression(v2 ? Codec.ZSTD : Codec.SNAPPY)
                    .build(), new LocalOutputFile(file), pool);
            f.append(data.records, 0, rows);
            f.end(Map.of());
            @SuppressWarnings("deprecation")
            Encoding dictionary = v2 ? Encoding.RLE_DICTIONARY : Encoding.PLAIN_DICTIONARY;
            Encoding fallback = v2 ? Encoding.DELTA_LENGTH_BYTE_ARRAY : Encoding.PLAIN;
            for (BlockMetaData block : f.footer().getBlocks()) {
                for (ColumnChunkMetaData c : block.getColumns()) {
                    String name = c.getPath().toDotString();
                    if (name.startsWith("few")) {
                        assertThat(c.hasDictionaryPage()).as(name).isTrue();
                        assertThat(c.getEncodings()).as(name).contains(dictionary).doesNotContain(fallback);
                    } else if (name.startsWith("many")) {
                        assertThat(c.hasDictionaryPage()).as(name).isFalse();
                        assertThat(c.getEncodings()).as(name).contains(fallback).doesNotContain(dictionary);
                    }
                }
            }
            ParquetReadBack.checkValuesWithParquetHadoop(file, data);
            ParquetReadBack.checkValuesWithDuckDb(file, data, null);
            ParquetReadBack.checkMetadata(file, data);
        }
    }

    @Test
    void longValuesHaveTruncatedFooterStatisticsAndColumnIndexThatStillBoundThem() throws Exception {
        Schema schema = Schema.parse("name: long_texts\nversion: 1\nfields:\n  - {name: seq, type: int64}\n"
                + "  - {name: s, type: string(2000)}\n  - {name: b, type: binary(1000), nullable: true}\n", "test");
        Field s = schema.field("s");
        Field b = schema.field("b");
        Random r = new Random(5);
        int rows = 3000;
        Object[][] values = new Object[rows][];
        for (int i = 0; i < rows; i++) {
            // A long shared prefix, so that the bounds differ only past the truncation length.
            byte[] text = ("\u00c5ngstr\u00f6m-\ud83d\ude00-".repeat(8) + new String(RandomRecords.utf8(r, 100 + r.nextInt(900)),
                    StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            byte[] bytes = null;
            if (i % 5 != 0) {
                bytes = new byte[PartFileWriter.TRUNCATE_LENGTH + 1 + r.nextInt(900)];
                r.nextBytes(bytes);
                bytes[0] = (byte) 0x7F; // a maximum that can be incremented once cut
            }
            values[i] = new Object[] {(long) i, text, bytes};
        }
        RandomRecords data = RandomRecords.layOut(schema, values);
        for (boolean v2 : new boolean[] {true, false}) {
            Path file = dir.resolve("long-" + v2 + ".parquet");
            ParquetOptions options = ParquetOptions.builder().pageV2(v2).compression(v2 ? Codec.GZIP : Codec.UNCOMPRESSED).pageBytes(64 << 10)
                    .rowGroupBytes(1 << 20).build();
            ParquetPartFile f = ParquetPartFile.create(schema, options, new LocalOutputFile(file), pool);
            f.append(data.records, 0, rows);
            f.end(Map.of());
            try (ParquetFileReader reader = ParquetReadBack.open(file)) {
                assertThat(reader.getFooter().getBlocks()).hasSizeGreaterThan(1);
                int from = 0;
                for (BlockMetaData block : reader.getFooter().getBlocks()) {
                    int to = from + (int) block.getRowCount();
                    for (Field field : List.of(s, b)) {
                        ColumnChunkMetaData c = block.getColumns().get(field.index());
                        ParquetReadBack.Expected want = ParquetReadBack.Expected.of(field, data, from, to);
                        Statistics<?> st = c.getStatistics();
                        assertThat(st.hasNonNullValue()).as("%s bounds in the footer", field).isTrue();
                        assertTruncatedBound(field + " footer min", st.getMinBytes(), want.min, true);
                        assertTruncatedBound(field + " footer max", st.getMaxBytes(), want.max, false);
                        ColumnIndex ci = reader.readColumnIndex(c);
                        assertThat(ci).as("%s column index", field).isNotNull();
                        assertThat(ci.getMinValues()).as("%s pages", field).hasSizeGreaterThan(1);
                        for (int p = 0; p < ci.getMinValues().size(); p++) {
                            if (!ci.getNullPages().get(p)) {
                                assertThat(ci.getMinValues().get(p).remaining()).as("%s page %d min", field, p)
                                        .isLessThanOrEqualTo(PartFileWriter.TRUNCATE_LENGTH);
                                assertThat(ci.getMaxValues().get(p).remaining()).as("%s page %d max", field, p)
                                        .isLessThanOrEqualTo(PartFileWriter.TRUNCATE_LENGTH);
                            }
                        }
                    }
                    from = to;
                }
            }
            ParquetReadBack.checkMetadata(file, data); // every page's bounds hold its values
            ParquetReadBack.checkValuesWithParquetHadoop(file, data);
            ParquetReadBack.checkValuesWithDuckDb(file, data, null);
            // DuckDB prunes by the truncated bounds: each value is still found.
            try (Connection c = ParquetReadBack.duckdb(); Statement st = c.createStatement()) {
                for (int row : new int[] {0, 1234, rows - 1}) {
                    String literal = new String((byte[]) values[row][1], StandardCharsets.UTF_8).replace("'", "''");
                    try (ResultSet rs = st.executeQuery("SELECT min(seq), count(*) FROM read_parquet('" + file + "') WHERE s = '" + literal + "'")) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getLong(1)).as("row %d found by value", row).isEqualTo(row);
                    }
                }
            }
        }
    }

    /** Cut to at most the truncation length, and still no larger (a minimum) or no smaller (a maximum) than the value. */
    private static void assertTruncatedBound(String where, byte[] got, byte[] value, boolean min) {
        assertThat(value.length).as(where + ": the value is longer than the truncation").isGreaterThan(PartFileWriter.TRUNCATE_LENGTH);
        assertThat(got.length).as(where + " truncated").isLessThanOrEqualTo(PartFileWriter.TRUNCATE_LENGTH).isPositive();
        int order = Arrays.compareUnsigned(got, value);
        if (min) {
            assertThat(order).as(where + " at most the smallest value").isNegative();
            assertThat(Arrays.copyOf(value, got.length)).as(where + " a prefix of the smallest value").isEqualTo(got);
        } else {
            assertThat(order).as(where + " above the largest value").isPositive();
        }
    }

    @Test
    void bloomFiltersHoldEveryVariableValue() throws Exception {
        Random r = new Random(3);
        int rows = 6000;
        Object[][] values = new Object[rows][];
        for (int i = 0; i < rows; i++) {
            values[i] = new Object[] {(long) i, ("w" + i % 7).getBytes(StandardCharsets.UTF_8), ("u" + i).getBytes(StandardCharsets.UTF_8),
                null, new byte[] {(byte) i, (byte) (i >> 8), 0}};
        }
        RandomRecords data = RandomRecords.layOut(TEXTS, values);
        Path file = dir.resolve("bloom.parquet");
        ParquetOptions options = ParquetOptions.builder().bloomFilterColumns(List.of("few_text", "many_text", "many_bytes")).build();
        ParquetPartFile f = ParquetPartFile.create(TEXTS, options, new LocalOutputFile(file), pool);
        f.append(data.records, 0, rows);
        f.end(Map.of());
        try (ParquetFileReader reader = ParquetReadBack.open(file)) {
            BlockMetaData block = reader.getFooter().getBlocks().get(0);
            BloomFilter few = reader.readBloomFilter(block.getColumns().get(1));
            BloomFilter unique = reader.readBloomFilter(block.getColumns().get(2));
            BloomFilter bytes = reader.readBloomFilter(block.getColumns().get(4));
            assertThat(reader.readBloomFilter(block.getColumns().get(3))).as("no filter on few_bytes").isNull();
            int falsePositives = 0;
            for (int i = 0; i < rows; i++) {
                assertThat(few.findHash(few.hash(Binary.fromString("w" + i % 7)))).isTrue();
                assertThat(unique.findHash(unique.hash(Binary.fromString("u" + i)))).isTrue();
                assertThat(bytes.findHash(bytes.hash(Binary.fromConstantByteArray(new byte[] {(byte) i, (byte) (i >> 8), 0})))).isTrue();
                falsePositives += unique.findHash(unique.hash(Binary.fromString("x" + i))) ? 1 : 0;
            }
            assertThat(falsePositives).as("false positives of %d absent values", rows).isLessThan(rows / 20);
        }
        ParquetReadBack.checkValuesWithDuckDb(file, data, null);
    }

    /**
     * Records of up to 1 MiB in row groups of 512 KiB: a row group never holds more bytes of records than its bound unless
     * one record alone is longer, and the arenas a file holds stay within (threads + 1) row groups, whatever the values.
     */
    @Test
    void rowGroupsOfLargeValuesStayWithinTheirByteBound() throws Exception {
        Schema schema = Schema.parse("name: payloads\nversion: 1\nfields:\n  - {name: seq, type: int64}\n"
                + "  - {name: p, type: binary(1048576), nullable: true}\n  - {name: note, type: string(100)}\n", "test");
        Random r = new Random(9);
        int rows = 120;
        Object[][] values = new Object[rows][];
        for (int i = 0; i < rows; i++) {
            int length = switch (r.nextInt(4)) {
                case 0 -> 1 << 20;
                case 1 -> r.nextInt(1 << 10);
                default -> r.nextInt(1 << 20);
            };
            byte[] p = r.nextInt(10) == 0 ? null : new byte[length];
            if (p != null) {
                r.nextBytes(p);
            }
            values[i] = new Object[] {(long) i, p, RandomRecords.utf8(r, r.nextInt(101))};
        }
        RandomRecords data = RandomRecords.layOut(schema, values);
        long limit = 512 << 10;
        int threads = 2;
        try (RowGroupEncoders own = new RowGroupEncoders(threads, "test-big")) {
            Path file = dir.resolve("payloads.parquet");
            ParquetPartFile f = ParquetPartFile.create(schema, ParquetOptions.builder().rowGroupBytes(limit).build(), new LocalOutputFile(file), own);
            for (int at = 0; at < rows; at += 7) {
                ParquetPartFileRoundTripTest.appendOneByOne(f, data, at, Math.min(7, rows - at));
            }
            f.end(Map.of());
            int capacity = (int) (limit / schema.fixedLength());
            assertThat(f.footer().getBlocks()).hasSize(ParquetPartFileRoundTripTest.rowGroups(data, capacity, limit));
            long largestRowGroup = Math.max(limit, schema.maxRecordLength());
            // An arena: the row group's records, and an int for each record's start (at least 4096 of them).
            long arena = largestRowGroup + 4L * Math.max(4096, capacity);
            assertThat(f.maxArenaBytesInUse()).as("arena bytes held at once").isPositive().isLessThanOrEqualTo((threads + 1) * arena);
            assertThat(f.rawBytes()).isEqualTo(data.starts[rows]);
            ParquetReadBack.checkValuesWithParquetHadoop(file, data);
            ParquetReadBack.checkMetadata(file, data);
        }
    }

    @Test
    void aRecordWhoseValuesAreNotWellFormedIsRefusedAndTheFileKeepsTheOthers() throws Exception {
        Object[][] values = new Object[3][];
        for (int i = 0; i < 3; i++) {
            values[i] = new Object[] {(long) i, "a".getBytes(StandardCharsets.UTF_8), null, null, new byte[] {(byte) i}};
        }
        RandomRecords good = RandomRecords.layOut(TEXTS, values);
        Path file = dir.resolve("bad.parquet");
        ParquetPartFile f = ParquetPartFile.create(TEXTS, ParquetOptions.defaults(), new LocalOutputFile(file), pool);
        f.append(good.records, 0, 2);
        byte[] bad = Arrays.copyOfRange(good.records, good.starts[2], good.starts[3]);
        Field few = TEXTS.field("few_text");
        RecordLayout.putInt(bad, few.offset(), TEXTS.fixedLength() + 2); // "a" claims two bytes: the next value starts inside it
        assertThatThrownBy(() -> f.append(bad, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("record is not well formed").hasMessageContaining("field many_text");
        byte[] shortRecord = Arrays.copyOf(bad, TEXTS.fixedLength() - 1);
        assertThatThrownBy(() -> f.append(shortRecord, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no fixed part");
        assertThatThrownBy(() -> f.append(new RecordSource() {
            @Override
            public void copyTo(byte[] dst, int offset, int length) {
                throw new AssertionError("not copied");
            }

            @Override
            public int nextLength() {
                return TEXTS.maxRecordLength() + 1;
            }
        }, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("record length out of the schema's range");
        f.append(good.records, good.starts[2], 1);
        f.end(Map.of());
        ParquetReadBack.checkValuesWithParquetHadoop(file, good);
        ParquetReadBack.checkValuesWithDuckDb(file, good, null);
    }

    /**
     * A v2 page of DELTA_LENGTH_BYTE_ARRAY starts with its values' bit-packed lengths, which do not compress: whether the
     * page is worth compressing is decided on its values (it was not, and such pages of text were stored uncompressed).
     */
    @Test
    void textInDeltaLengthPagesIsCompressed() throws Exception {
        Random r = new Random(2);
        String[] words = {"order", "filled", "partially", "cancelled", "at", "venue", "price", "quantity", "client", "\u00e9change"};
        int rows = 60_000;
        Object[][] values = new Object[rows][];
        for (int i = 0; i < rows; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < 4; k++) {
                sb.append(words[r.nextInt(words.length)]).append(' ').append(r.nextInt(1_000_000)).append(' ');
            }
            values[i] = new Object[] {(long) i, sb.toString().getBytes(StandardCharsets.UTF_8)};
        }
        Schema schema = Schema.parse("name: notes\nversion: 1\nfields:\n  - {name: seq, type: int64}\n  - {name: note, type: string(200)}\n", "test");
        RandomRecords data = RandomRecords.layOut(schema, values);
        Path file = dir.resolve("text.parquet");
        ParquetPartFile f = ParquetPartFile.create(schema, ParquetOptions.builder().dictionary(false).build(), new LocalOutputFile(file), pool);
        f.append(data.records, 0, rows);
        f.end(Map.of());
        ColumnChunkMetaData text = f.footer().getBlocks().get(0).getColumns().get(1);
        assertThat(text.getEncodings()).contains(Encoding.DELTA_LENGTH_BYTE_ARRAY);
        assertThat(text.getTotalSize()).as("compressed bytes of the text column").isLessThan(text.getTotalUncompressedSize() / 2);
        ParquetReadBack.checkValuesWithDuckDb(file, data, null);
    }

    @Test
    void encodingsOfVariableColumnsAreTheOnesReadersKnow() throws Exception {
        Set<Encoding> seen = EnumSet.noneOf(Encoding.class);
        Object[][] values = new Object[500][];
        for (int i = 0; i < values.length; i++) {
            values[i] = new Object[] {(long) i, new byte[0], null, new byte[0], new byte[0]};
        }
        RandomRecords empties = RandomRecords.layOut(TEXTS, values);
        for (boolean v2 : new boolean[] {true, false}) {
            Path file = dir.resolve("empty-" + v2 + ".parquet");
            ParquetPartFile f = ParquetPartFile.create(TEXTS, ParquetOptions.builder().pageV2(v2).dictionary(false).build(),
                    new LocalOutputFile(file), pool);
            f.append(empties.records, 0, values.length);
            f.end(Map.of());
            f.footer().getBlocks().forEach(b -> b.getColumns().forEach(c -> seen.addAll(c.getEncodings())));
            ParquetReadBack.checkValuesWithParquetHadoop(file, empties);
            ParquetReadBack.checkValuesWithDuckDb(file, empties, null);
            ParquetReadBack.checkMetadata(file, empties);
        }
        assertThat(seen).contains(Encoding.DELTA_LENGTH_BYTE_ARRAY, Encoding.PLAIN);
    }
}
