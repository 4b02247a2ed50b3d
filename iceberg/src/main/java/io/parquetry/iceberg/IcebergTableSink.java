package io.parquetry.iceberg;

import io.parquetry.converter.output.FooterKeys;
import io.parquetry.converter.table.PublishedFile;
import io.parquetry.converter.table.TableSink;
import io.parquetry.converter.table.TableSinkContext;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotAncestryValidator;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.schema.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends one source's committed files of one queue to an Iceberg table, one snapshot per file.
 *
 * <p>Each append is one Iceberg transaction: the data file (metrics from the writer's footer) in a snapshot whose
 * summary records source, queue identity, first and last index and the file; and the table property
 * {@code parquetry.last-index.<source>.<queue>} set to the last index, so the record outlives snapshot expiry. The
 * append is validated against the snapshot ancestry it lands on (Iceberg re-runs the validation on every retry after a
 * conflict): this source's newest snapshot for this queue must end before the file's first index, so a file is never
 * added twice, whoever else commits meanwhile.
 */
final class IcebergTableSink implements TableSink {

    private static final Logger LOG = LoggerFactory.getLogger(IcebergTableSink.class);
    private static final int OPEN_ATTEMPTS = 5;

    private final IcebergSettings settings;
    private final Configuration conf;
    private final Catalog catalog;
    private final Table table;
    private final String source;
    private final String queueId;
    private final String lastIndexProperty;
    private final boolean partitioned;
    /** The queue's schema as the sink was opened with it: docs of the columns a file adds. */
    private final io.parquetry.schema.Schema schema;
    private long attempts;
    private long appends;
    private long schemaCommits;
    /** Tests only: runs after the transaction is staged, before it is committed (to make a conflict happen there). */
    Runnable beforeCommit = () -> { };
    /** Tests only: runs after this sink committed a schema change for a file, before the file's append. */
    Runnable afterSchemaCommit = () -> { };

    private IcebergTableSink(IcebergSettings settings, Configuration conf, Catalog catalog, Table table, String source, String queueId,
            boolean partitioned, io.parquetry.schema.Schema schema) {
        this.schema = schema;
        this.settings = settings;
        this.conf = conf;
        this.catalog = catalog;
        this.table = table;
        this.source = source;
        this.queueId = queueId;
        this.lastIndexProperty = SummaryKeys.lastIndexProperty(source, queueId);
        this.partitioned = partitioned;
    }

    static IcebergTableSink open(TableSinkContext c) throws IOException {
        if (c.queueId().isBlank()) {
            throw new IllegalArgumentException("the queue identity is empty: queueId='" + c.queueId() + "'");
        }
        String nsColumn = TableSchemas.needsV3(c.fileSchema());
        IcebergSettings s = IcebergSettings.parse(c.settings(), c.datasetDir(), nsColumn != null, nsColumn);
        Catalog catalog = Catalogs.open(s, c.hadoopConf());
        try {
            // Before Iceberg reads it: Iceberg would retry unreadable metadata for ~90 s, and this sink and the converter that again.
            CurrentMetadata.check(s, c.hadoopConf());
            Table table = loadOrCreate(s, catalog, TableSchemas.tableSchema(c.fileSchema(), c.schema(), s.partitioned()), c.schema().version());
            // An existing table keeps the partitioning it was created with, whatever table.partitioning says now.
            Boolean cycle = TableSchemas.isCyclePartitioned(table.spec(), table.schema());
            if (cycle == null) {
                throw new IllegalStateException("the table's partitioning is not one the converter writes (identity dt, hour; or none):"
                        + " table=" + s.tableName() + ", spec=" + table.spec());
            }
            // The table may be an older or a newer state of the queue's schema: each append evolves it to read its file.
            Schema expectedNow = TableSchemas.tableSchema(c.fileSchema(), c.schema(), cycle);
            String conflict = TableEvolution.conflict(table.schema(), expectedNow);
            if (conflict != null) {
                throw new IllegalStateException("the table's schema cannot take the queue's files: table=" + s.tableName() + ", schema="
                        + c.schema().identity() + ": " + conflict);
            }
            LOG.info("iceberg table ready: table={}, location={}, formatVersion={}, partitioned={}, source={}, queue={}", s.tableName(),
                    table.location(), TableUtil.formatVersion(table), cycle, c.source(), c.queueId());
            return new IcebergTableSink(s, c.hadoopConf(), catalog, table, c.source(), c.queueId(), cycle, c.schema());
        } catch (RuntimeException | IOException e) {
            closeQuietly(catalog);
            throw e;
        }
    }

    /**
     * Loads the table, creating it (and its namespace) when absent. Converters starting together race to create them;
     * catalogs report the loser differently (AlreadyExistsException, or a unique-key SQL error from the JDBC catalog),
     * so every failure but a bad setting is retried a few times: the next attempt loads what the winner made.
     */
    private static Table loadOrCreate(IcebergSettings s, Catalog catalog, Schema schema, int version) throws IOException {
        RuntimeException last = null;
        for (int attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
            try {
                return loadOrCreateOnce(s, catalog, schema, version);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw e;
            } catch (RuntimeException e) {
                last = e;
                LOG.info("opening the table failed, retrying (another converter creating it?): table={}: {}", s.tableName(), e.toString());
                try {
                    Thread.sleep(100L * (attempt + 1));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while opening the table: " + s.tableName(), ie);
                }
            }
        }
        throw new IOException("cannot open the table: table=" + s.tableName() + ": " + last, last);
    }

    private static Table loadOrCreateOnce(IcebergSettings s, Catalog catalog, Schema schema, int version) {
        Namespace ns = Namespace.of(s.namespace());
        TableIdentifier id = TableIdentifier.of(ns, s.name());
        if (catalog instanceof SupportsNamespaces n && !n.namespaceExists(ns)) {
            try {
                n.createNamespace(ns);
            } catch (AlreadyExistsException ignored) {
                // another converter made it first
            }
        }
        try {
            return catalog.loadTable(id);
        } catch (NoSuchTableException absent) {
            Map<String, String> props = new HashMap<>();
            props.put(TableProperties.FORMAT_VERSION, Integer.toString(s.formatVersion()));
            props.put(TableProperties.COMMIT_NUM_RETRIES, Integer.toString(s.commitRetries()));
            props.put(TableProperties.COMMIT_MIN_RETRY_WAIT_MS, "20");
            props.put(TableProperties.COMMIT_MAX_RETRY_WAIT_MS, "2000");
            // One commit a file: keep the metadata directory from growing without bound.
            props.put(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
            props.put(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "100");
            if (hasBoolean(schema)) {
                // Iceberg's vectorized Parquet reader (Spark, Flink) refuses RLE-encoded booleans, which Parquet v2 data
                // pages use (measured: Iceberg 1.12 in Spark 4.1); its row reader reads them.
                props.put(TableProperties.PARQUET_VECTORIZATION_ENABLED, "false");
            }
            props.put(TableEvolution.SCHEMA_VERSION, Integer.toString(version));
            props.putAll(s.properties());
            PartitionSpec spec = TableSchemas.spec(schema, s.partitioned());
            try {
                Transaction create = catalog.buildTable(id, schema).withPartitionSpec(spec).withProperties(props).createTransaction();
                TableSchemas.keepIds(create, schema, spec);
                create.commitTransaction();
                Table t = catalog.loadTable(id);
                LOG.info("created iceberg table: table={}, location={}", s.tableName(), t.location());
                return t;
            } catch (AlreadyExistsException race) {
                return catalog.loadTable(id);
            }
        }
    }

    private static boolean hasBoolean(Schema schema) {
        for (org.apache.iceberg.types.Types.NestedField f : schema.columns()) {
            if (f.type().typeId() == org.apache.iceberg.types.Type.TypeID.BOOLEAN) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long lastCommittedIndex() throws IOException {
        refresh();
        try {
            return lastCommitted();
        } catch (RuntimeException e) {
            throw new IOException("cannot read the table: table=" + settings.tableName() + ": " + e, e);
        }
    }

    /**
     * Reads the table's current metadata. When that fails, tells a table whose current metadata cannot be read (one
     * line, {@link CurrentMetadata}, not retried) from an outage and from an interrupt (a stop request), both retried.
     */
    private void refresh() throws IOException {
        try {
            table.refresh();
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new IOException("interrupted while reading the table: table=" + settings.tableName(), e);
            }
            CurrentMetadata.check(settings, conf);
            throw new IOException("cannot read the table: table=" + settings.tableName() + ": " + e, e);
        }
    }

    /** The larger of the table property and this source's newest snapshot for this queue, on the loaded metadata. */
    private long lastCommitted() {
        long fromProperty = Long.parseLong(table.properties().getOrDefault(lastIndexProperty, "-1"));
        Snapshot own = newestOwn(SnapshotUtil.currentAncestors(table));
        long fromSnapshot = own == null ? -1 : Long.parseLong(own.summary().get(SummaryKeys.LAST_INDEX));
        return Math.max(fromProperty, fromSnapshot);
    }

    private Snapshot newestOwn(Iterable<Snapshot> ancestry) {
        for (Snapshot s : ancestry) {
            Map<String, String> sum = s.summary();
            if (sum != null && source.equals(sum.get(SummaryKeys.SOURCE)) && queueId.equals(sum.get(SummaryKeys.QUEUE_ID))
                    && sum.containsKey(SummaryKeys.LAST_INDEX)) {
                return s;
            }
        }
        return null;
    }

    @Override
    public void append(PublishedFile file) throws IOException {
        refresh();
        long last;
        try {
            last = lastCommitted();
        } catch (RuntimeException e) {
            throw new IOException("cannot read the table: table=" + settings.tableName() + ": " + e, e);
        }
        if (file.firstIndex() <= last) {
            throw new IllegalStateException("refusing to append a file whose records are in the table already: table="
                    + settings.tableName() + ", file=" + file.path() + ", firstIndex=" + file.firstIndex() + ", lastCommittedIndex=" + last
                    + ", source=" + source + ", queue=" + queueId);
        }
        evolveFor(file);
        DataFile dataFile = dataFile(file);
        OwnAncestry validator = new OwnAncestry(file);
        try {
            Transaction txn = table.newTransaction();
            AppendFiles append = txn.newAppend().appendFile(dataFile);
            append.set(SummaryKeys.SOURCE, source).set(SummaryKeys.QUEUE_ID, queueId)
                    .set(SummaryKeys.FIRST_INDEX, Long.toString(file.firstIndex())).set(SummaryKeys.LAST_INDEX, Long.toString(file.lastIndex()))
                    .set(SummaryKeys.FILE, file.path()).set(SummaryKeys.CONVERTER_VERSION, io.parquetry.platform.Version.current());
            long lastCrc = FooterKeys.checksum(file.footer().getFileMetaData().getKeyValueMetaData(), FooterKeys.LAST_RECORD_CRC32C);
            if (lastCrc >= 0) {
                append.set(SummaryKeys.LAST_RECORD_CRC32C, FooterKeys.checksumText(lastCrc));
            }
            append.validateWith(validator).commit();
            txn.updateProperties().set(lastIndexProperty, Long.toString(file.lastIndex())).commit();
            beforeCommit.run();
            txn.commitTransaction();
        } catch (ValidationException e) {
            throw new IllegalStateException("refusing to append a file whose records are in the table already (found at commit): table="
                    + settings.tableName() + ", file=" + file.path() + ": " + e.getMessage(), e);
        } catch (CommitStateUnknownException e) {
            // The catalog may or may not have taken the commit: the table says which.
            long now;
            try {
                table.refresh();
                now = lastCommitted();
            } catch (RuntimeException r) {
                e.addSuppressed(r);
                throw new IOException("commit outcome unknown and the table cannot be read: table=" + settings.tableName() + ", file="
                        + file.path() + " (ask lastCommittedIndex() before retrying)", e);
            }
            if (now < file.lastIndex()) {
                throw new IOException("commit outcome unknown, not in the table now: table=" + settings.tableName() + ", file=" + file.path()
                        + " (ask lastCommittedIndex() before retrying)", e);
            }
            LOG.warn("commit outcome was unknown; the table has it: table={}, file={}", settings.tableName(), file.path());
        } catch (CommitFailedException e) {
            throw new IOException("commit failed after retries (conflicts with other writers?): table=" + settings.tableName() + ", file="
                    + file.path() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                throw e;
            }
            throw new IOException("cannot append to the table: table=" + settings.tableName() + ", file=" + file.path() + ": " + e, e);
        } finally {
            attempts += validator.calls;
        }
        appends++;
        LOG.debug("appended to table={}, file={}, lastIndex={}, attempts={}", settings.tableName(), file.path(), file.lastIndex(),
                validator.calls);
    }

    /**
     * Before the append, evolves the table's schema to read the file right (by field id; {@link TableEvolution}), in a
     * commit of its own. Not in the append's transaction: a schema with ids of ours can only be staged there through the
     * transaction's table operations, and when a conflict makes Iceberg retry, it replays the transaction's pending
     * updates on refreshed metadata and the staged schema is silently lost ({@code BaseTransaction.applyUpdates}, 1.12).
     * Idempotent, so a crash between the two commits leaves a schema that the next attempt finds in place; until then
     * the table has columns (or wider types, new names) that no row fills yet, which read as null.
     */
    private void evolveFor(PublishedFile file) throws IOException {
        MessageType fileType = file.footer().getFileMetaData().getSchema();
        int version = fileSchemaVersion(file);
        boolean committed;
        try {
            committed = TableEvolution.commit(table, ParquetSchemaUtil.convert(fileType), version, id -> TableSchemas.doc(schema, id));
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new IllegalStateException("the table's schema cannot take the file: table=" + settings.tableName() + ", file=" + file.path()
                    + ": " + e.getMessage(), e);
        } catch (CommitStateUnknownException e) {
            throw new IOException("schema commit outcome unknown: table=" + settings.tableName() + ", file=" + file.path()
                    + " (the next attempt finds it or commits it again)", e);
        } catch (CommitFailedException e) {
            throw new IOException("schema commit failed after retries (conflicts with other writers?): table=" + settings.tableName() + ", file="
                    + file.path() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IOException("cannot evolve the table's schema: table=" + settings.tableName() + ", file=" + file.path() + ": " + e, e);
        }
        if (committed) {
            schemaCommits++;
            LOG.info("evolved the table's schema for a file of schema version {}: table={}, file={}, schema={}", version, settings.tableName(),
                    file.path(), table.schema().asStruct());
            afterSchemaCommit.run();
        }
    }

    /** The file's {@code parquetry.schema.version}, or 0 when its footer has none that parses. */
    private static int fileSchemaVersion(PublishedFile file) {
        String v = file.footer().getFileMetaData().getKeyValueMetaData().get(FooterKeys.SCHEMA_VERSION);
        try {
            return v == null ? 0 : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private DataFile dataFile(PublishedFile file) {
        Metrics metrics = ParquetUtil.footerMetrics(file.footer(), Stream.empty(), MetricsConfig.forTable(table));
        List<Long> offsets = new ArrayList<>();
        for (BlockMetaData b : file.footer().getBlocks()) {
            offsets.add(b.getStartingPos());
        }
        DataFiles.Builder b = DataFiles.builder(table.spec()).withPath(file.path()).withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(file.fileSizeBytes()).withMetrics(metrics).withSplitOffsets(offsets);
        if (partitioned) {
            b.withPartition(new CyclePartition(file.cycleStartMillis()));
        }
        return b.build();
    }

    /** Iceberg calls it with the ancestry of the snapshot the append lands on, again after each conflict. */
    private final class OwnAncestry implements SnapshotAncestryValidator {
        private final PublishedFile file;
        private int calls;
        private String found = "";

        OwnAncestry(PublishedFile file) {
            this.file = file;
        }

        @Override
        public boolean validate(Iterable<Snapshot> ancestry) {
            calls++;
            Snapshot own = newestOwn(ancestry);
            if (own == null) {
                return true;
            }
            long last = Long.parseLong(own.summary().get(SummaryKeys.LAST_INDEX));
            found = "snapshot " + own.snapshotId() + " of source " + source + " ends at index " + last + " (file "
                    + own.summary().get(SummaryKeys.FILE) + "), this file starts at " + file.firstIndex();
            return last < file.firstIndex();
        }

        @Override
        public String errorMessage() {
            return found;
        }
    }

    /** Commit attempts so far: one per append, plus one per retry after a conflict. */
    long attempts() {
        return attempts;
    }

    long appends() {
        return appends;
    }

    /** Schema changes this sink committed. */
    long schemaCommits() {
        return schemaCommits;
    }

    Table table() {
        return table;
    }

    @Override
    public String describe() {
        return "iceberg:" + settings.tableName() + " (" + settings.catalog() + " catalog)";
    }

    @Override
    public void close() {
        closeQuietly(catalog);
    }

    private static void closeQuietly(Catalog c) {
        if (c instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot close the catalog: {}", e.toString());
            }
        }
    }
}
