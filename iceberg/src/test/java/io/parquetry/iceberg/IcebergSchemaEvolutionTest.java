package io.parquetry.iceberg;

import static io.parquetry.iceberg.TableFixtures.committedFile;
import static io.parquetry.iceberg.TableFixtures.context;
import static io.parquetry.iceberg.TableFixtures.localConf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.converter.Datasets;
import io.parquetry.converter.output.FooterKeys;
import io.parquetry.converter.parquet.ParquetOptions;
import io.parquetry.converter.parquet.ParquetPartFile;
import io.parquetry.converter.parquet.RowGroupEncoders;
import io.parquetry.converter.table.PublishedFile;
import io.parquetry.converter.table.TableSinkProvider;
import io.parquetry.schema.Field;
import io.parquetry.schema.FieldType;
import io.parquetry.schema.RecordLayout;
import io.parquetry.schema.Schema;
import io.parquetry.schema.SchemaEvolution;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A queue's schema evolving in place, seen from its Iceberg table: files of a first version and of a later one (ids
 * from {@link SchemaEvolution#ids}, written by the converter's own Parquet writer) appended through the sink, the table's
 * schema evolved by field id before each, and every row read back by Iceberg's generic reader (old rows null in new
 * columns, their values in widened, renamed and dropped ones) and by DuckDB over the table's files by name.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IcebergSchemaEvolutionTest {

    private static final String V1 = String.join("\n",
            "name: events",
            "version: 1",
            "fields:",
            "  - {name: seq, type: int64, description: sequence number}",
            "  - {name: qty, type: int32, description: quantity}",
            "  - {name: price, type: float32}",
            "  - {name: amount, type: 'decimal(9,2)'}",
            "  - {name: venue, type: char(4), description: where it traded}",
            "  - {name: flag, type: bool, nullable: true}",
            "");
    private static final int ROWS = 500;
    private static RowGroupEncoders pool;

    @TempDir
    Path dir;

    private final Configuration conf = localConf();
    private final Schema v1 = Schema.parse(V1, "v1");
    private final List<Schema> history = new ArrayList<>(List.of(v1));
    private final List<String> yamls = new ArrayList<>(List.of(V1));
    /** Sinks the helpers opened, closed after each test (their catalogs serve the tables they return). */
    private final List<IcebergTableSink> sinks = new ArrayList<>();
    /** The sink's {@code table:} settings: the default SQLite catalog unless a test says otherwise. */
    private Map<String, String> settings = Map.of();
    /** Every file written, so a row's expected values come from the version that wrote it. */
    private final List<Written> written = new ArrayList<>();

    private record Written(Schema schema, long first, int rows, PublishedFile file) {
    }

    @BeforeAll
    static void startPool() {
        pool = new RowGroupEncoders(2, "test-encoder");
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    @AfterEach
    void closeSinks() {
        sinks.forEach(IcebergTableSink::close);
    }

    private String dataset() {
        return "file:" + dir.resolve("out/events");
    }

    /**
     * The next version: the newest one's YAML with {@code from} replaced by {@code to} (or {@code to} appended), checked
     * compatible, with its ids as the queue's history gives them.
     */
    private Schema evolve(String from, String to) {
        String newest = yamls.get(yamls.size() - 1);
        String yaml = newest.replace("version: " + history.size(), "version: " + (history.size() + 1));
        if (from != null) {
            assertThat(yaml).contains(from);
            yaml = yaml.replace(from, to);
        } else {
            yaml = yaml + to;
        }
        Schema next = Schema.parse(yaml, "v" + (history.size() + 1));
        assertThat(SchemaEvolution.incompatibleChanges(history, next)).isEmpty();
        Schema withIds = next.withFieldIds(SchemaEvolution.ids(history, next), v1.fields().size());
        history.add(withIds);
        yamls.add(yaml);
        return withIds;
    }

    private IcebergTableSink open(Schema schema, String source, String queueId) throws Exception {
        return (IcebergTableSink) TableSinkProvider.forType("iceberg").open(context(settings, schema, source, queueId, dataset(), conf));
    }

    /** Opens a sink with {@code schema} and appends the file, as a converter of that version does; gives its table. */
    private Table append(Schema schema, PublishedFile file) throws Exception {
        IcebergTableSink sink = open(schema, "a", "q1");
        sinks.add(sink);
        sink.append(file);
        return sink.table();
    }

    @Test
    void anAddedNullableFieldBecomesAnOptionalColumnWithTheFilesIdAndOldRowsReadNull() throws Exception {
        Schema v2 = evolve(null, "  - {name: venue_id, type: int32, nullable: true, description: the venue's number}\n");
        assertThat(v2.field("venue_id").id()).as("after dt and hour").isEqualTo(9);
        PublishedFile f1 = write(v1, 0);
        PublishedFile f2 = write(v2, ROWS);
        try (IcebergTableSink sink = open(v1, "a", "q1")) { // the sink a converter opened before its queue's v2
            sink.append(f1);
            sink.append(f2);
            assertThat(sink.schemaCommits()).isEqualTo(1);
            Table table = sink.table();
            Types.NestedField c = table.schema().findField("venue_id");
            assertThat(c.fieldId()).isEqualTo(9);
            assertThat(c.isOptional()).isTrue();
            assertThat(c.type()).isEqualTo(Types.IntegerType.get());
            assertThat(c.doc()).as("v1 does not describe it").isNull();
            assertThat(table.schema().columns()).extracting(Types.NestedField::name)
                    .containsExactly("seq", "qty", "price", "amount", "venue", "flag", "venue_id", "dt", "hour");
            assertThat(table.properties()).as("files carry ids: no name mapping needed").doesNotContainKey(TableProperties.DEFAULT_NAME_MAPPING)
                    .containsEntry(TableEvolution.SCHEMA_VERSION, "2");
            assertThat(table.spec().fields()).extracting(p -> p.sourceId()).containsExactly(7, 8);
            checkRows(table);
            checkDuckDb(table);
        }
        try (IcebergTableSink sink = open(v2, "a", "q1")) {
            PublishedFile f3 = write(v2, 2 * ROWS);
            sink.append(f3);
            assertThat(sink.schemaCommits()).as("the table reads v2 files already").isZero();
            checkRows(sink.table());
        }
    }

    @Test
    void aFieldAddedWithADefaultBecomesAnOptionalColumnAndOldRowsReadNull() throws Exception {
        Schema v2 = evolve(null, "  - {name: side, type: int8, default: '1', description: buy or sell}\n");
        assertThat(v2.field("side").nullable()).isFalse();
        append(v1, write(v1, 0));
        Table table = append(v2, write(v2, ROWS));
        Types.NestedField c = table.schema().findField("side");
        assertThat(c.fieldId()).isEqualTo(9);
        assertThat(c.isOptional()).as("rows of v1 files have no value").isTrue();
        assertThat(c.doc()).isEqualTo("buy or sell");
        checkRows(table);
        checkDuckDb(table);
    }

    @Test
    void aDroppedFieldKeepsItsColumnMadeOptionalWithTheOldRowsValues() throws Exception {
        Schema v2 = evolve("  - {name: venue, type: char(4), description: where it traded}\n", "");
        append(v1, write(v1, 0));
        Table table = append(v2, write(v2, ROWS));
        Types.NestedField c = table.schema().findField("venue");
        assertThat(c.fieldId()).isEqualTo(5);
        assertThat(c.isOptional()).isTrue();
        assertThat(c.doc()).isEqualTo("where it traded");
        checkRows(table);
        checkDuckDb(table);
    }

    @Test
    void aRequiredFieldMadeNullableMakesItsColumnOptional() throws Exception {
        Schema v2 = evolve("{name: qty, type: int32,", "{name: qty, type: int32, nullable: true,");
        append(v1, write(v1, 0));
        assertThat(tableSchema().findField("qty").isRequired()).isTrue();
        Table table = append(v2, write(v2, ROWS));
        assertThat(table.schema().findField("qty").isOptional()).isTrue();
        assertThat(table.schema().findField("qty").fieldId()).isEqualTo(2);
        checkRows(table);
        checkDuckDb(table);
    }

    @Test
    void anInt32WidenedToInt64ReadsOldAndNewValues() throws Exception {
        Schema v2 = evolve("{name: qty, type: int32,", "{name: qty, type: int64,");
        append(v1, write(v1, 0));
        Table table = append(v2, write(v2, ROWS));
        assertThat(table.schema().findField("qty").type()).isEqualTo(Types.LongType.get());
        assertThat(table.schema().findField("qty").doc()).isEqualTo("quantity");
        checkRows(table);
        assertThat(duckDbType(table, "qty")).isEqualTo("BIGINT");
        checkDuckDb(table);
    }

    @Test
    void aFloat32WidenedToFloat64ReadsOldAndNewValues() throws Exception {
        Schema v2 = evolve("{name: price, type: float32}", "{name: price, type: float64}");
        append(v1, write(v1, 0));
        Table table = append(v2, write(v2, ROWS));
        assertThat(table.schema().findField("price").type()).isEqualTo(Types.DoubleType.get());
        checkRows(table);
        assertThat(duckDbType(table, "price")).isEqualTo("DOUBLE");
        checkDuckDb(table);
    }

    @Test
    void aDecimalsPrecisionGrowingFrom9To18ReadsOldAndNewValues() throws Exception {
        Schema v2 = evolve("type: 'decimal(9,2)'", "type: 'decimal(18,2)'");
        append(v1, write(v1, 0));
        Table table = append(v2, write(v2, ROWS));
        assertThat(table.schema().findField("amount").type()).isEqualTo(Types.DecimalType.of(18, 2));
        checkRows(table);
        assertThat(duckDbType(table, "amount")).isEqualTo("DECIMAL(18,2)");
        checkDuckDb(table);
    }

    @Test
    void aRenamedFieldKeepsItsIdAndOldRowsReadUnderTheNewName() throws Exception {
        Schema v2 = evolve("{name: venue, type: char(4),", "{name: place, type: char(4), was: venue,");
        assertThat(v2.field("place").id()).isEqualTo(5);
        append(v1, write(v1, 0));
        // A table some engine gave a name mapping (for files without ids): it must keep mapping both names.
        try (IcebergTableSink sink = open(v1, "a", "q1")) {
            Table t = sink.table();
            t.updateProperties().set(TableProperties.DEFAULT_NAME_MAPPING, NameMappingParser.toJson(MappingUtil.create(t.schema()))).commit();
        }
        Table table = append(v2, write(v2, ROWS));
        assertThat(table.schema().findField("venue")).isNull();
        assertThat(table.schema().findField("place").fieldId()).isEqualTo(5);
        assertThat(table.schema().findField("place").doc()).as("the doc stays").isEqualTo("where it traded");
        NameMapping mapping = NameMappingParser.fromJson(table.properties().get(TableProperties.DEFAULT_NAME_MAPPING));
        assertThat(mapping.find(5).names()).containsExactlyInAnyOrder("venue", "place");
        checkRows(table);
        // By name, as DuckDB reads the files, they are two columns: each version's rows in its own.
        checkDuckDb(table);
    }

    /**
     * Two converters of one dataset at different versions: a v1 file after a v3 one (v2 renamed venue, v3 widened qty)
     * changes nothing, the table keeps v3's names and types, and the v1 rows read right in them.
     */
    @Test
    void aFileOfAnOlderVersionAfterANewerOneKeepsTheNewerSchema() throws Exception {
        evolve("{name: venue, type: char(4),", "{name: place, type: char(4), was: venue,");
        Schema v3 = evolve("{name: qty, type: int32,", "{name: qty, type: int64,");
        append(v1, write(v1, 0));
        append(v3, write(v3, ROWS));
        try (IcebergTableSink b = open(v1, "b", "q2")) {
            b.append(write(v1, 2 * ROWS, "b", "q2"));
            assertThat(b.schemaCommits()).isZero();
            Table table = b.table();
            assertThat(table.schema().findField("venue")).isNull();
            assertThat(table.schema().findField("place").fieldId()).isEqualTo(5);
            assertThat(table.schema().findField("qty").type()).isEqualTo(Types.LongType.get());
            assertThat(table.properties()).containsEntry(TableEvolution.SCHEMA_VERSION, "3");
            checkRows(table);
            checkDuckDb(table);
        }
    }

    @Test
    void aTableCreatedFromASecondVersionNumbersItsPartitionColumnsAsTheFirstDoes() throws Exception {
        evolve("{name: venue, type: char(4),", "{name: place, type: char(4), was: venue,");
        Schema v3 = evolve(null, "  - {name: venue_id, type: int32, nullable: true}\n");
        assertThat(v3.dtColumnId()).isEqualTo(7);
        try (IcebergTableSink sink = open(v3, "a", "q1")) {
            Table table = sink.table();
            assertThat(table.schema().columns()).extracting(c -> c.name() + ":" + c.fieldId())
                    .containsExactly("seq:1", "qty:2", "price:3", "amount:4", "place:5", "flag:6", "venue_id:9", "dt:7", "hour:8");
            assertThat(table.properties()).containsEntry(TableEvolution.SCHEMA_VERSION, "3");
            sink.append(write(v3, 0));
            assertThat(sink.schemaCommits()).isZero();
        }
        try (IcebergTableSink old = open(v1, "b", "q2")) { // another converter still at v1: accepted, and its files read
            old.append(write(v1, ROWS, "b", "q2"));
            Table table = old.table();
            assertThat(old.schemaCommits()).as("the table reads v1 files already").isZero();
            assertThat(table.schema().findField("place").fieldId()).isEqualTo(5);
            checkRows(table);
            checkDuckDb(table);
        }
    }

    /** The Hadoop catalog commits by renaming the next metadata file: the same changes, the same rows. */
    @Test
    void theSchemaEvolvesThroughTheHadoopCatalogToo() throws Exception {
        settings = Map.of("catalog", "hadoop");
        evolve("{name: venue, type: char(4),", "{name: place, type: char(4), was: venue,");
        Schema v3 = evolve("{name: qty, type: int32,", "{name: qty, type: int64, nullable: true,");
        Schema v4 = evolve(null, "  - {name: venue_id, type: int32, nullable: true}\n");
        append(v1, write(v1, 0));
        append(v3, write(v3, ROWS));
        Table table = append(v4, write(v4, 2 * ROWS));
        assertThat(table.schema().columns()).extracting(c -> c.name() + ":" + c.fieldId() + ":" + c.type() + (c.isOptional() ? "?" : ""))
                .containsExactly("seq:1:long", "qty:2:long?", "price:3:float", "amount:4:decimal(9, 2)", "place:5:string", "flag:6:boolean?",
                        "venue_id:9:int?", "dt:7:date", "hour:8:int");
        checkRows(table);
        checkDuckDb(table);
    }

    /**
     * Two converters of one dataset upgraded together append files of the new version at once: whoever commits the
     * schema first wins, the other's retry finds it in place, and every file lands once.
     */
    @Test
    void twoSourcesEvolvingAtOnceCommitTheSchemaOnce() throws Exception {
        Schema v2 = evolve(null, "  - {name: venue_id, type: int32, nullable: true}\n");
        append(v1, write(v1, 0));
        int n = 5;
        List<PublishedFile> a = new ArrayList<>();
        List<PublishedFile> b = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            a.add(write(v2, (1 + i) * (long) ROWS, "a", "q1"));
            b.add(write(v2, (1 + n + i) * (long) ROWS, "b", "q2"));
        }
        IcebergTableSink sa = open(v2, "a", "q1");
        IcebergTableSink sb = open(v2, "b", "q2");
        sinks.add(sa);
        sinks.add(sb);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (Map.Entry<IcebergTableSink, List<PublishedFile>> e : Map.of(sa, a, sb, b).entrySet()) {
                done.add(threads.submit(() -> {
                    go.await();
                    for (PublishedFile f : e.getValue()) {
                        e.getKey().append(f);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(sa.schemaCommits() + sb.schemaCommits()).isEqualTo(1);
        Table table = sa.table();
        table.refresh();
        assertThat(table.schemas()).hasSize(2);
        assertThat(table.schema().findField("venue_id").fieldId()).isEqualTo(9);
        checkRows(table);
        checkDuckDb(table);
    }

    /**
     * A crash after the schema commit, before the append: the restarted converter's sink finds the schema in place,
     * commits nothing more, and appends the file once.
     */
    @Test
    void aCrashBetweenTheSchemaCommitAndTheAppendStillAppendsExactlyOnce() throws Exception {
        Schema v2 = evolve("{name: qty, type: int32,", "{name: qty, type: int64,");
        PublishedFile f1 = write(v1, 0);
        PublishedFile f2 = write(v2, ROWS);
        append(v1, f1);
        int schemasBefore;
        try (IcebergTableSink crashing = open(v2, "a", "q1")) {
            schemasBefore = crashing.table().schemas().size();
            crashing.afterSchemaCommit = () -> {
                throw new IllegalStateException("simulated crash after the schema commit");
            };
            assertThatThrownBy(() -> crashing.append(f2)).hasMessage("simulated crash after the schema commit");
            assertThat(crashing.schemaCommits()).isEqualTo(1);
            assertThat(crashing.lastCommittedIndex()).as("the file is not in the table").isEqualTo(ROWS - 1);
        }
        assertThat(tableSchema().findField("qty").type()).as("the schema commit stands").isEqualTo(Types.LongType.get());
        try (IcebergTableSink restarted = open(v2, "a", "q1")) {
            assertThat(restarted.lastCommittedIndex()).isEqualTo(ROWS - 1);
            restarted.append(f2);
            assertThat(restarted.schemaCommits()).as("the schema was there").isZero();
            assertThat(restarted.lastCommittedIndex()).isEqualTo(2 * ROWS - 1);
            assertThatThrownBy(() -> restarted.append(f2)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("refusing to append a file whose records are in the table already");
            Table table = restarted.table();
            assertThat(table.schemas()).hasSize(schemasBefore + 1);
            assertThat(table.snapshots()).hasSize(2);
            checkRows(table);
            checkDuckDb(table);
        }
    }

    @Test
    void aTableWhoseColumnTypeCannotBeReconciledIsRefusedAtStartUp() throws Exception {
        append(v1, write(v1, 0));
        Schema other = Schema.parse(V1.replace("{name: qty, type: int32,", "{name: qty, type: bool,"), "other");
        assertThatThrownBy(() -> open(other, "a", "q1")).isInstanceOf(IllegalStateException.class)
                .hasMessage("the table's schema cannot take the queue's files: table=parquetry/parquetry.events, schema=" + other.identity()
                        + ": column qty (id 2) is int in the table, boolean in the files: neither type widens to the other");
    }

    @Test
    void aTableWhoseColumnNameHasAnotherIdIsRefusedAtStartUp() throws Exception {
        append(v1, write(v1, 0));
        Schema other = Schema.parse(V1, "other").withFieldIds(new int[] {1, 9, 3, 4, 5, 6}, 6);
        assertThatThrownBy(() -> open(other, "a", "q1")).isInstanceOf(IllegalStateException.class)
                .hasMessage("the table's schema cannot take the queue's files: table=parquetry/parquetry.events, schema=" + other.identity()
                        + ": column name qty is id 2 in the table, id 9 in the files");
    }

    @Test
    void aFileWhoseColumnTypeCannotBeReconciledIsRefusedAndNothingIsAppended() throws Exception {
        append(v1, write(v1, 0));
        Schema other = Schema.parse(V1.replace("{name: price, type: float32}", "{name: price, type: int64}"), "other");
        PublishedFile bad = write(other, ROWS);
        written.remove(written.size() - 1);
        try (IcebergTableSink sink = open(v1, "a", "q1")) {
            assertThatThrownBy(() -> sink.append(bad)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the table's schema cannot take the file: table=parquetry/parquetry.events, file=" + bad.path()
                            + ": column price (id 3) is float in the table, long in the file: neither type widens to the other");
            assertThat(sink.lastCommittedIndex()).isEqualTo(ROWS - 1);
            assertThat(sink.schemaCommits()).isZero();
            checkRows(sink.table());
        }
    }

    private Table tableFor() throws Exception {
        IcebergTableSink sink = open(v1, "a", "q1");
        sinks.add(sink);
        return sink.table();
    }

    private org.apache.iceberg.Schema tableSchema() throws Exception {
        return tableFor().schema();
    }

    // ---- files: the converter's writer, records laid out by each version ----

    private PublishedFile write(Schema schema, long first) throws Exception {
        return write(schema, first, "a", "q1");
    }

    /** {@link #ROWS} records of {@code schema}, seq and queue index {@code first}.., as a committed file of the source. */
    private PublishedFile write(Schema schema, long first, String source, String queueId) throws Exception {
        Path file = dir.resolve("out/events/dt=2026-12-08/hour=10/" + String.format("part-%s-%s-%020d.parquet", source, queueId, first));
        Files.createDirectories(file.getParent());
        int len = schema.recordLength();
        byte[] records = new byte[len * ROWS];
        for (int i = 0; i < ROWS; i++) {
            for (Field f : schema.fields()) {
                put(records, i * len, f, first + i);
            }
        }
        ParquetPartFile part = ParquetPartFile.create(schema, ParquetOptions.defaults(), new LocalOutputFile(file), pool);
        part.append(records, 0, ROWS);
        Map<String, String> kv = new LinkedHashMap<>();
        kv.put(FooterKeys.SOURCE, source);
        kv.put(FooterKeys.QUEUE_ID, queueId);
        kv.put(FooterKeys.FIRST_INDEX, Long.toString(first));
        kv.put(FooterKeys.LAST_INDEX, Long.toString(first + ROWS - 1));
        kv.put(FooterKeys.RECORD_COUNT, Integer.toString(ROWS));
        kv.put(FooterKeys.SCHEMA_NAME, schema.name());
        kv.put(FooterKeys.SCHEMA_VERSION, Integer.toString(schema.version()));
        kv.put(FooterKeys.SCHEMA_FINGERPRINT, schema.fingerprintHex());
        part.end(kv);
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file.toUri());
        FileSystem fs = path.getFileSystem(conf);
        PublishedFile published = committedFile(fs, fs.makeQualified(path), conf);
        // The footer's field ids are the version's ids.
        MessageType type = published.footer().getFileMetaData().getSchema();
        for (Field f : schema.fields()) {
            assertThat(type.getType(f.name()).getId().intValue()).isEqualTo(f.id());
        }
        written.add(new Written(schema, first, ROWS, published));
        return published;
    }

    private static boolean isNull(Field f, long seq) {
        return f.nullable() && seq % 5 == 1;
    }

    private static void put(byte[] rec, int base, Field f, long seq) {
        if (isNull(f, seq)) {
            RecordLayout.markNull(rec, base, f.nullBit());
            return;
        }
        Object v = value(f, seq);
        int at = base + f.offset();
        switch (f.kind()) {
            case BOOL -> rec[at] = (byte) ((Boolean) v ? 1 : 0);
            case INT8 -> rec[at] = (byte) (int) (Integer) v;
            case INT16 -> RecordLayout.putShort(rec, at, (short) (int) (Integer) v);
            case INT32 -> RecordLayout.putInt(rec, at, (Integer) v);
            case INT64 -> RecordLayout.putLong(rec, at, (Long) v);
            case FLOAT32 -> RecordLayout.putFloat(rec, at, (Float) v);
            case FLOAT64 -> RecordLayout.putDouble(rec, at, (Double) v);
            case DECIMAL -> RecordLayout.putLong(rec, at, ((BigDecimal) v).unscaledValue().longValueExact());
            case CHAR -> {
                byte[] b = ((String) v).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(b, 0, rec, at, b.length);
            }
            default -> throw new IllegalArgumentException("no test value for " + f);
        }
    }

    /**
     * The value of field {@code f} of record {@code seq}, as Iceberg's generic reader returns it for the field's own
     * type; a wider type's values lie outside the narrower one's range, so a widened column shows both.
     */
    private static Object value(Field f, long seq) {
        if (f.name().equals("seq")) {
            return seq;
        }
        return switch (f.kind()) {
            case BOOL -> seq % 3 == 0;
            case INT8 -> (int) (seq % 100) - 50;
            case INT16 -> (int) (seq % 30_000) - 15_000;
            case INT32 -> (int) (seq * 7919 % 2_000_000) - 1_000_000;
            case INT64 -> 5_000_000_000L + seq * 31;
            case FLOAT32 -> seq + 0.5f;
            case FLOAT64 -> seq + 0.1;
            case DECIMAL -> BigDecimal.valueOf(f.type().precision() > 9 ? 100_000_000_000_000L + seq * 101 : seq * 101 % 1_000_000_000L,
                    f.type().scale());
            case CHAR -> {
                String s = "v" + seq;
                yield s.length() > f.maxLength() ? s.substring(s.length() - f.maxLength()) : s;
            }
            default -> throw new IllegalArgumentException("no test value for " + f);
        };
    }

    /** A value of the field's own type as the table's column type reads it (the widenings). */
    private static Object as(Object v, Type column) {
        if (v == null) {
            return null;
        }
        return switch (column.typeId()) {
            case LONG -> ((Number) v).longValue();
            case DOUBLE -> ((Number) v).doubleValue();
            default -> v;
        };
    }

    private Written writtenFor(long seq) {
        for (Written w : written) {
            if (seq >= w.first() && seq < w.first() + w.rows()) {
                return w;
            }
        }
        throw new AssertionError("no file wrote seq " + seq);
    }

    /** Every row of every file written, once, each column as the version that wrote the row has it (null when it has none). */
    private void checkRows(Table table) throws Exception {
        table.refresh();
        int total = written.stream().mapToInt(Written::rows).sum();
        boolean[] seen = new boolean[total];
        try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
            for (Record r : it) {
                long seq = (Long) r.getField("seq");
                assertThat(seen[(int) seq]).as("row %d once", seq).isFalse();
                seen[(int) seq] = true;
                Written w = writtenFor(seq);
                for (Types.NestedField c : table.schema().columns()) {
                    if (c.name().equals("dt") || c.name().equals("hour")) {
                        continue;
                    }
                    Field f = w.schema().fieldById(c.fieldId());
                    Object want = f == null || isNull(f, seq) ? null : as(value(f, seq), c.type());
                    assertThat(r.getField(c.name())).as("%s of row %d (written by v%d)", c.name(), seq, w.schema().version()).isEqualTo(want);
                }
            }
        }
        for (int s = 0; s < total; s++) {
            assertThat(seen[s]).as("row %d", s).isTrue();
        }
    }

    private static String files(Table table) throws Exception {
        table.refresh();
        StringBuilder list = new StringBuilder();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask t : tasks) {
                list.append(list.length() == 0 ? "" : ", ").append('\'').append(java.net.URI.create(t.file().location()).getPath()).append('\'');
            }
        }
        return "read_parquet([" + list + "], union_by_name = true)";
    }

    private static String duckDbType(Table table, String column) throws Exception {
        try (Connection c = Datasets.duckdb(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT typeof(any_value(" + column + ")) FROM " + files(table))) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    /**
     * DuckDB over exactly the table's files, by name (union_by_name): for every column name of any version written, its
     * count of values and their sum are those the versions holding that name wrote. A renamed field is two columns here.
     */
    private void checkDuckDb(Table table) throws Exception {
        Map<String, Field> names = new LinkedHashMap<>();
        for (Written w : written) {
            for (Field f : w.schema().fields()) {
                names.putIfAbsent(f.name(), f);
            }
        }
        StringBuilder select = new StringBuilder("SELECT count(*)");
        for (Field f : names.values()) {
            select.append(", count(").append(f.name()).append(')');
            select.append(f.kind() == FieldType.Kind.CHAR ? ", NULL" : f.kind() == FieldType.Kind.BOOL ? ", sum(" + f.name() + "::INT)"
                    : ", CAST(sum(" + f.name() + ") AS VARCHAR)");
        }
        try (Connection c = Datasets.duckdb(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(select + " FROM " + files(table))) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(written.stream().mapToInt(Written::rows).sum());
            int col = 2;
            for (String name : names.keySet()) {
                long count = 0;
                BigDecimal sum = BigDecimal.ZERO;
                for (Written w : written) {
                    Field f = fieldNamed(w.schema(), name);
                    for (long seq = w.first(); f != null && seq < w.first() + w.rows(); seq++) {
                        if (!isNull(f, seq)) {
                            count++;
                            Object v = value(f, seq);
                            sum = sum.add(v instanceof Boolean b ? BigDecimal.valueOf(b ? 1 : 0) : v instanceof Number n && !(v instanceof BigDecimal)
                                    ? new BigDecimal(n.toString()) : v instanceof BigDecimal d ? d : BigDecimal.ZERO);
                        }
                    }
                }
                assertThat(rs.getLong(col)).as("DuckDB count(%s)", name).isEqualTo(count);
                String got = rs.getString(col + 1);
                if (got != null && names.get(name).kind() != FieldType.Kind.CHAR) {
                    assertThat(new BigDecimal(got).subtract(sum).abs()).as("DuckDB sum(%s): %s, expected %s", name, got, sum)
                            .isLessThanOrEqualTo(new BigDecimal("0.001"));
                }
                col += 2;
            }
        }
    }

    private static Field fieldNamed(Schema schema, String name) {
        for (Field f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }
}
