package io.parquetry.converter;

import io.parquetry.converter.output.CommittedFile;
import io.parquetry.converter.output.OutputFailure;
import io.parquetry.converter.output.Part;
import io.parquetry.converter.parquet.RecordSource;
import io.parquetry.reader.RecordReader;
import io.parquetry.reader.RecordRun;
import io.parquetry.schema.RecordProjection;
import io.parquetry.schema.Schema;
import io.parquetry.status.RotationCause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current part and the records on their way into it: each record read from the queue is copied straight from the
 * queue's mapping into the part's row group; a part is opened for the first record of a cycle and committed when it
 * holds {@code rotation.maxRows} rows or about {@code rotation.maxBytes} (checked after each batch read), when the cycle
 * changes, or when asked. A record whose length is not the schema's (with {@code string(N)} or {@code binary(N)} fields:
 * out of its range) is quarantined and stays inside the part's index range.
 */
final class PartFiller {

    private static final Logger LOG = LoggerFactory.getLogger(PartFiller.class);
    /** Records read at a time; the part's size is checked against {@code rotation.maxBytes} after each batch. */
    static final int BATCH_RECORDS = 4096;
    /** A quarantined excerpt keeps at most this many of its bytes (a garbage length must not allocate gigabytes). */
    private static final int QUARANTINE_MAX_BYTES = 1 << 20;

    /** Told of every commit, after the checkpoint. */
    interface Committed {
        void committed(CommittedFile file, RotationCause cause);

        /** Parts are written in {@code version} from now on (a record of it came). */
        default void schemaChanged(Schema version) {
        }
    }

    private final ConverterContext ctx;
    private final ConverterConfig config;
    private final CommitProtocol commits;
    private final Counters counters;
    private final Committed listener;
    /**
     * The schema version parts are written in: the newest the converter has seen (in the queue's history when it started,
     * or on a record since). A record of an older version is projected into it; one of a newer version commits the part
     * (rotation cause {@code schema}) and becomes the version of the next ones.
     */
    private Schema current;
    /** The record being taken, as the part's {@link RecordSource}: one instance, so nothing is allocated per record. */
    private final Source source = new Source();
    /** The run being taken, record after record. */
    private final RunSource runSource = new RunSource();
    /** Records of an older version, projected into {@link #current} one by one. */
    private final ProjectingSource projecting = new ProjectingSource();
    private Part part;

    PartFiller(ConverterContext ctx, CommitProtocol commits, Counters counters, Committed listener) {
        this.ctx = ctx;
        this.config = ctx.config;
        this.commits = commits;
        this.counters = counters;
        this.listener = listener;
        this.current = ctx.schema;
    }

    /** The schema version new parts are written in. */
    Schema current() {
        return current;
    }

    /**
     * Takes the version of a record about to be appended: a newer one than parts are written in commits the part and
     * becomes theirs.
     *
     * @return true when the record is of {@link #current} (its bytes go in as they are), false when it is older (projected)
     */
    private boolean takeVersion(Schema version) throws OutputFailure {
        if (version == current) {
            return true;
        }
        if (version.version() > current.version()) {
            if (part != null) {
                commit(RotationCause.SCHEMA);
            }
            LOG.info("records of a newer schema version: files are written in it from here: from={}, to={}", current.identity(),
                    version.identity());
            current = version;
            listener.schemaChanged(version);
            return true;
        }
        if (projecting.projection == null || projecting.projection.from() != version || projecting.projection.to() != current) {
            projecting.projection = new RecordProjection(version, current);
            projecting.scratch = new byte[Math.max(version.maxRecordLength(), 1)];
            projecting.projected = new byte[current.maxRecordLength()];
        }
        return false;
    }

    /** The part being filled, or null. */
    Part part() {
        return part;
    }

    /** Takes one excerpt read from the queue. */
    void accept(long index, RecordReader rec) throws OutputFailure {
        int cycle = ctx.reader.cycleOf(index);
        if (part != null && cycle != part.cycle()) {
            commit(RotationCause.CYCLE);
        }
        // A record of variable length whose values do not fit it never gets here: the reader stops at it as damage.
        boolean ofSchema = rec.matchesSchema();
        boolean asItIs = ofSchema && takeVersion(rec.schema()); // a newer version commits the part first
        if (part == null) {
            part = openPart(index, cycle);
        }
        if (ofSchema) {
            int checksum = rec.recordChecksum();
            RecordSource one = source;
            if (asItIs) {
                source.rec = rec;
            } else {
                projecting.reader = rec;
                projecting.run = null;
                one = projecting;
            }
            part.append(one, 1, index, checksum, checksum);
        } else {
            quarantine(index, rec);
        }
        if (part != null && part.rows() >= config.maxRows()) {
            commit(RotationCause.ROWS);
        }
    }

    /**
     * Takes records that follow one another in the queue, all of the schema's length (so none is quarantined): copied
     * straight into the part's row groups, split where the part rotates by rows or by cycle.
     */
    void acceptRun(long firstIndex, RecordRun run) throws OutputFailure {
        int count = run.count();
        boolean asItIs = takeVersion(run.schema());
        runSource.run = run;
        runSource.next = 0;
        projecting.run = run;
        projecting.next = 0;
        RecordSource records = asItIs ? runSource : projecting;
        while (runSource.next < count) {
            long index = firstIndex + runSource.next;
            int cycle = ctx.reader.cycleOf(index);
            if (part != null && cycle != part.cycle()) {
                commit(RotationCause.CYCLE);
            }
            if (part == null) {
                part = openPart(index, cycle);
            }
            int take = (int) Math.min(count - runSource.next, Math.max(1, config.maxRows() - part.rows()));
            // Only a part's first and last record are remembered (footer, checkpoint): two checksums a batch, not one a record.
            int first = part.rows() == 0 ? run.record(runSource.next).recordChecksum() : 0;
            int last = run.record(runSource.next + take - 1).recordChecksum();
            part.append(records, take, index + take - 1, first, last);
            if (!asItIs) {
                runSource.next = projecting.next;
            }
            if (part.rows() >= config.maxRows()) {
                commit(RotationCause.ROWS);
            }
        }
    }

    /**
     * A part for records from {@code index} of {@code cycle}, its row groups laid out as the queue's records (a run is one
     * copy); records of variable length come one at a time, their fixed parts packed.
     */
    private Part openPart(long index, int cycle) throws OutputFailure {
        int slot = current.variable() ? current.fixedLength() : ctx.reader.formatOf(current).stride();
        return Part.open(ctx.output, ctx.layout, current, config.parquet(), ctx.encoders, slot, index, cycle, ctx.clock.millis());
    }

    /** Rotates by size, after a batch: the part's size estimate is only as fresh as its last row group. */
    void endOfBatch() throws OutputFailure {
        if (part != null && part.estimatedBytes() >= config.maxBytes()) {
            commit(RotationCause.BYTES);
        }
    }

    /** Commits the part if it is older than {@code rotation.maxAge}: an idle queue's records become visible. */
    boolean commitIfOlderThanMaxAge(long nowMs) throws OutputFailure {
        if (part != null && nowMs - part.openedAtMillis() >= config.maxAge().toMillis()) {
            commit(RotationCause.AGE);
            return true;
        }
        return false;
    }

    /** Commits the part, if there is one. */
    void commitIfAny(RotationCause cause) throws OutputFailure {
        if (part != null) {
            commit(cause);
        }
    }

    private void commit(RotationCause cause) throws OutputFailure {
        Part p = part;
        part = null; // committed or aborted, it is not ours any more
        CommittedFile f = commits.commit(p, cause, p.rawBytes());
        counters.committed(f, cause, ctx.clock.millis());
        listener.committed(f, cause);
    }

    /** Gives up the part (an output failure, or a stop without commit). */
    void abort() {
        if (part != null) {
            part.abort();
            part = null;
        }
    }

    private void quarantine(long index, RecordReader rec) throws OutputFailure {
        byte[] bytes = new byte[Math.min(rec.length(), QUARANTINE_MAX_BYTES)];
        rec.copyTo(bytes, 0, bytes.length);
        ctx.quarantine.add(index, bytes, bytes.length);
        counters.quarantined++;
        part.skip(index, rec.recordChecksum());
        LOG.warn("record quarantined, its length is none of the schema's: index={}, length={}, schema versions={}, log={}", index,
                rec.length(), ctx.reader.history(), ctx.quarantine.log());
    }

    /** The record being taken, handed to the part, which copies it into its row group. */
    private static final class Source implements RecordSource {
        RecordReader rec;

        @Override
        public void copyTo(byte[] dst, int offset, int length) {
            rec.copyTo(dst, offset, length);
        }

        @Override
        public int nextLength() {
            return rec.recordLength();
        }
    }

    /**
     * Records of an older schema version (one record, or the records of a run), each projected into the version parts are
     * written in ({@link RecordProjection}) before the part copies it: the projection is made when the part asks the
     * record's length, the copy follows.
     */
    private static final class ProjectingSource implements RecordSource {
        RecordProjection projection;
        byte[] scratch;
        byte[] projected;
        RecordReader reader;
        RecordRun run;
        int next;
        private int length = -1;

        @Override
        public int nextLength() {
            if (length < 0) {
                RecordReader r = run != null ? run.record(next) : reader;
                int n = r.recordLength();
                r.copyTo(scratch, 0, n);
                length = projection.project(scratch, 0, projected, 0);
            }
            return length;
        }

        @Override
        public void copyTo(byte[] dst, int offset, int n) {
            int have = nextLength();
            System.arraycopy(projected, 0, dst, offset, Math.min(n, have));
            length = -1;
            next++;
        }
    }

    /** The records of a run, one after the other, handed to the part, which copies them into its row groups. */
    private static final class RunSource implements RecordSource {
        RecordRun run;
        int next;

        @Override
        public void copyTo(byte[] dst, int offset, int length) {
            run.copyTo(next++, dst, offset, length);
        }

        @Override
        public void copyTo(byte[] dst, int offset, int n, int slot, int length) {
            if (slot == run.stride()) {
                run.copyRecords(next, n, dst, offset);
                next += n;
            } else {
                RecordSource.super.copyTo(dst, offset, n, slot, length);
            }
        }
    }
}
