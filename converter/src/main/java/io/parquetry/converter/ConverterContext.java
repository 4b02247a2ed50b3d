package io.parquetry.converter;

import static io.parquetry.status.ConverterStatusDescriptor.*;

import io.parquetry.converter.output.DatasetPaths;
import io.parquetry.converter.output.FooterKeys;
import io.parquetry.converter.output.Output;
import io.parquetry.converter.output.OutputFailure;
import io.parquetry.converter.output.OutputLease;
import io.parquetry.converter.parquet.ParquetPartFile;
import io.parquetry.converter.parquet.ParquetSchemas;
import io.parquetry.converter.parquet.RowGroupEncoders;
import io.parquetry.converter.parquet.WarmUp;
import io.parquetry.converter.table.TableSink;
import io.parquetry.converter.table.TableSinkContext;
import io.parquetry.converter.table.TableSinkProvider;
import io.parquetry.platform.Version;
import io.parquetry.platform.duty.Clock;
import io.parquetry.queue.QueueIdentity;
import io.parquetry.reader.QueueReader;
import io.parquetry.schema.Schema;
import io.parquetry.status.CommitLog;
import io.parquetry.status.ConverterState;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusFileDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FSError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a converter holds, opened in one place ({@link #open}) and released in one list ({@link #close}), the way
 * Aeron's {@code Archive.Context} concludes and closes: a failure half-way through opening releases whatever was opened
 * so far, so a failed start leaves no thread, lock, mapping or lease behind.
 *
 * <p>The order matters: the queue first (the state directory may live inside it), then the state directory's lock, so
 * a second converter is refused before it touches anything; then the output, the status file and its heartbeat.
 */
final class ConverterContext implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConverterContext.class);

    final ConverterConfig config;
    /** The stop request that interrupts calls which may block for long (opening, recovery, the table), on this converter's thread. */
    final StopRequest stop;
    /** The time every duty works with (the system's, a fake one in tests). */
    final Clock clock;
    QueueReader reader;
    Schema schema;
    QueueIdentity queueId;
    StateLock lock;
    Output output;
    DatasetPaths layout;
    Checkpoint checkpoint;
    CommitLog commitLog;
    Quarantine quarantine;
    StatusFile status;
    Heartbeat heartbeat;
    RowGroupEncoders encoders;
    /** Taken when the output is first reachable: at open, or on the first retry after a start during an outage. */
    OutputLease lease;
    /** The table each committed file is appended to, or null (files only); opened with the lease. */
    TableSink table;

    private ConverterContext(ConverterConfig config, StopRequest stop, Clock clock) {
        this.config = config;
        this.stop = stop;
        this.clock = clock;
    }

    /**
     * Opens everything but the output lease (see {@link #acquireLease()}).
     *
     * @throws IllegalArgumentException or IllegalStateException naming the queue, schema, lock holder or output at fault
     */
    static ConverterContext open(ConverterConfig config, StopRequest stop) {
        return open(config, stop, Clock.SYSTEM);
    }

    /** As {@link #open(ConverterConfig, StopRequest)}, on {@code clock}: every duty's time (tests give a fake one). */
    static ConverterContext open(ConverterConfig config, StopRequest stop, Clock clock) {
        ConverterContext ctx = new ConverterContext(config, stop, clock);
        try {
            ctx.conclude();
            return ctx;
        } catch (IOException e) {
            ctx.close();
            throw new UncheckedIOException("cannot start converter: queue=" + config.queue() + ", output=" + config.output() + ": " + e, e);
        } catch (RuntimeException | Error e) {
            ctx.close();
            throw e;
        }
    }

    private void conclude() throws IOException {
        reader = QueueReader.open(config.queue());
        schema = reader.schema();
        queueId = reader.identity();
        lock = StateLock.acquire(config.stateDir());
        output = Output.open(config.output(), config.datasetOr(schema.name()), config.hadoop(),
                config.commitMode() == ConverterConfig.CommitMode.DIRECT);
        layout = new DatasetPaths(output.datasetDir(), config.source(), queueId.id(), reader.cycleLengthMillis());
        DatasetBinding.check(config.stateDir(), output.datasetDir().toString()); // a checkpoint counts for one dataset
        checkpoint = new Checkpoint(config.stateDir());
        commitLog = CommitLog.open(config.stateDir().resolve("commits.log"), config.commitLogEntries());
        quarantine = new Quarantine(config.stateDir(), schema.variable() ? schema.fixedLength() + ".." + schema.maxRecordLength()
                : Integer.toString(schema.recordLength()));
        status = StatusFile.create(config.statusFile(), StatusFileDescriptor.KIND_CONVERTER, ProcessHandle.current().pid(),
                clock.millis());
        try (StatusFile.Update u = status.update()) {
            u.text(TEXT_QUEUE, config.queue().toAbsolutePath().toString()).text(TEXT_QUEUE_ID, queueId.id())
                    .text(TEXT_DATASET, output.datasetDir().toString()).text(TEXT_SCHEMA, schema.identity()).text(TEXT_SOURCE, config.source())
                    .text(TEXT_SETTINGS, settings()).text(TEXT_COMMIT_LOG, commitLog.file().toAbsolutePath().toString())
                    .text(TEXT_CONFIG, config.origin()).value(RECORD_LENGTH, schema.fixedLength()).value(CHECKPOINT, -1)
                    .value(HEAD_INDEX, -1).value(STATE, ConverterState.STARTING.ordinal());
        }
        // The system clock whatever the converter runs on: other processes compare the heartbeat with their own clock.
        heartbeat = new Heartbeat(status, Clock.SYSTEM).start();
        ParquetPartFile.check(schema, config.parquet()); // bloom filter columns and the timestamp unit against the queue's schema
        int threads = config.parquet().resolvedEncoderThreads();
        long rowGroup = config.parquet().rowGroupBytes(schema);
        long need = rowGroup + threads * 3 * Math.max(rowGroup, schema.maxRecordLength());
        if (need > Runtime.getRuntime().maxMemory() / 2) {
            LOG.warn("the encoder's memory may not fit the heap: parquet.encoderThreads={} and parquet.rowGroupSize={} bytes need up to {} MiB, "
                    + "heap (-Xmx, PARQUETRY_HEAP)={} MiB: lower one of them or raise the heap", threads, rowGroup,
                    need >> 20, Runtime.getRuntime().maxMemory() >> 20);
        }
        encoders = new RowGroupEncoders(threads, "parquetry-converter-encoder");
        WarmUp.inBackground(encoders, config.parquet().compression()); // loads the encoder and the codec while recovery runs
    }

    /**
     * Checks that the output is writable and takes this source's lease in it, unless held already.
     *
     * @throws IllegalArgumentException when the output can never work as configured
     * @throws IllegalStateException when another live converter holds the lease
     * @throws OutputFailure when the output cannot be reached now (worth retrying)
     */
    void acquireLease() throws OutputFailure {
        if (lease != null) {
            return;
        }
        output.checkWritable(config.source());
        try {
            lease = OutputLease.acquire(output.fs(), output.datasetDir(), config.source(), config.stateDir().toAbsolutePath().toString());
        } catch (IOException | FSError e) {
            throw new OutputFailure("cannot take the output lease", OutputLease.path(output.datasetDir(), config.source()), e);
        }
    }

    /**
     * Opens the configured table, unless open already or none is configured.
     *
     * @throws IllegalArgumentException naming the setting at fault, or a table type with no support on the class path
     * @throws OutputFailure when the catalog or the table cannot be reached now
     */
    void openTable() throws OutputFailure {
        if (table != null || config.table().isEmpty()) {
            return;
        }
        Map<String, String> settings = config.table();
        TableSinkProvider provider = TableSinkProvider.forType(settings.get("type"));
        stop.enter("opening the table");
        try {
            table = new StoppableTableSink(provider.open(new TableSinkContext(settings, schema, ParquetSchemas.toParquet(schema,
                    config.parquet().timestampUnit()), config.source(), queueId.id(), output.datasetDir().toString(), output.conf())), stop);
        } catch (IOException e) {
            throw new OutputFailure("cannot open the table", settings.get("type"), e);
        } finally {
            stop.exit();
        }
        LOG.info("committed files are appended to the table {}", table.describe());
        try (StatusFile.Update u = status.update()) {
            u.text(TEXT_SETTINGS, settings() + " table=" + table.describe());
        }
    }

    /** The footer metadata of a file written in schema version {@code schema}, before its index range and counts. */
    Map<String, String> footerMetadata(Schema schema) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(FooterKeys.QUEUE, config.queue().toAbsolutePath().toString());
        m.put(FooterKeys.QUEUE_ID, queueId.id());
        m.put(FooterKeys.SOURCE, config.source());
        m.put(FooterKeys.SCHEMA_NAME, schema.name());
        m.put(FooterKeys.SCHEMA_VERSION, Integer.toString(schema.version()));
        m.put(FooterKeys.SCHEMA_FINGERPRINT, schema.fingerprintHex());
        m.put(FooterKeys.CONVERTER_VERSION, Version.current());
        if (config.parquet().timestampUnit() != null) {
            m.put(FooterKeys.TIMESTAMP_UNIT, config.parquet().timestampUnit().name().toLowerCase(Locale.ROOT));
        }
        return Collections.unmodifiableMap(m);
    }

    private String settings() {
        return String.format(Locale.ROOT, "compression=%s pages=%s rowGroup=%d page=%d dictionary=%s encoders=%d maxRows=%d maxBytes=%d"
                + " maxAge=%ds commit=%s%s", config.parquet().compression().name().toLowerCase(Locale.ROOT), config.parquet().pageV2() ? "v2" : "v1",
                config.parquet().rowGroupBytes(schema), config.parquet().pageBytes(), config.parquet().dictionary(),
                config.parquet().resolvedEncoderThreads(), config.maxRows(), config.maxBytes(), config.maxAge().toSeconds(),
                config.commitMode().name().toLowerCase(Locale.ROOT),
                config.parquet().timestampUnit() == null ? "" : " timestamps=" + config.parquet().timestampUnit().name().toLowerCase(Locale.ROOT));
    }

    /** Releases everything opened, newest first; each release failing on its own is logged, never stops the others. */
    @Override
    public void close() {
        quietly(encoders, "encoder threads");
        quietly(table, "table");
        quietly(lease, "output lease");
        quietly(heartbeat, "heartbeat");
        quietly(status, "status file");
        quietly(lock, "state directory lock");
        if (reader != null) {
            reader.claimForCurrentThread();
        }
        quietly(reader, "queue");
    }

    private void quietly(AutoCloseable c, String what) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception | Error e) {
            LOG.warn("cannot release the {}: stateDir={}", what, config.stateDir(), e);
        }
    }
}
