package io.parquetry.converter;

import io.parquetry.converter.output.CommittedFile;
import io.parquetry.converter.output.FooterKeys;
import io.parquetry.converter.output.OutputFailure;
import io.parquetry.reader.QueueDamagedException;
import io.parquetry.reader.QueueReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where to resume (docs/ARCHITECTURE.md, "Exactly once"): delete this source's leftover in-progress files, read the checkpoint, then adopt every
 * file of this queue already committed after it (a crash between rename and checkpoint), and position the reader on the
 * first record not committed. With a table (docs/TABLES.md), the walk starts at the lower of the checkpoint and the table's
 * last index for this source and queue: a file after the table's is appended to it (a crash between publish and
 * append), one at or before it is there already (a crash between append and checkpoint). Run at start and before every
 * retry after an output failure.
 *
 * <p>Only files of this queue are adopted: the name carries the queue id and the footer must agree. For a queue that
 * predates identities, a file named the old way is adopted only when a checkpoint of this state directory leads to it,
 * its footer names this queue directory and its record count matches the queue's; with no checkpoint such a file might
 * be another (deleted) queue's, so recovery refuses rather than guess.
 */
final class Recovery {

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    /** Where recovery left things: the checkpoint (index of the last committed record, -1 for none). */
    record Result(long lastCommitted, int inProgressDeleted, int adopted) {
    }

    private final ConverterContext ctx;
    private final QueueReader reader;

    Recovery(ConverterContext ctx) {
        this.ctx = ctx;
        this.reader = ctx.reader;
    }

    /**
     * @throws OutputFailure when the output or state directory cannot be read or written now (worth retrying)
     * @throws IllegalStateException when the state cannot be trusted: another queue's checkpoint, a file whose footer
     *     disagrees with its name, an old-style file of unknown origin, a checkpoint not in the queue
     */
    Result run() throws OutputFailure {
        try {
            int deleted = 0;
            for (FileStatus f : ctx.output.inProgress(ctx.layout)) {
                ctx.output.fs().delete(f.getPath(), false);
                deleted++;
            }
            Checkpoint.Saved saved = readCheckpoint();
            long cp = checkpointOfThisQueue(saved);
            long cpChecksum = saved == null ? -1 : saved.lastRecordChecksum();
            String cpSays = "the checkpoint " + ctx.checkpoint.file();
            long inTable = ctx.table == null ? Long.MAX_VALUE : ctx.table.lastCommittedIndex();
            // With a table, walk from the lower of checkpoint and table: a file after either may be missing from the other.
            long walked = Math.min(cp, inTable);
            int adopted = 0;
            if (walked == cp) {
                positionAfter(cp, cpChecksum, cpSays);
            } else {
                positionAfter(walked, -1, "the table " + ctx.table.describe()); // its files' footers are checked as the walk adopts them
            }
            while (true) {
                long[] peeked = peek();
                if (peeked == null) {
                    break;
                }
                long next = peeked[0];
                CommittedFile file = committedFor(next, saved);
                if (file == null) {
                    if (next <= cp) {
                        throw new IllegalStateException("the table " + ctx.table.describe() + " is behind the checkpoint and the file for index "
                                + next + " is not in the dataset: table last index=" + inTable + ", checkpoint=" + cp + ", queue=" + ctx.config.queue()
                                + " (a table added to a converted dataset: append the existing files with io.parquetry.iceberg.TableBackfill)");
                    }
                    break;
                }
                // The queue must hold the file's records, first and last, before anything relies on the file; this also
                // positions the reader after it.
                String footer = "the footer of " + file.path();
                checkHolds(next, file.firstRecordChecksum(), peeked[1], footer);
                positionAfter(file.lastIndex(), file.lastRecordChecksum(), footer);
                if (file.lastIndex() > inTable && ctx.table != null) {
                    LOG.info("recovery: appending to the table a file committed before the last stop: file={}, lastIndex={}", file.path(),
                            file.lastIndex());
                    CommitProtocol.appendToTable(ctx, file);
                    inTable = file.lastIndex();
                }
                if (file.lastIndex() > cp) {
                    LOG.info("recovery: adopting a file of this queue committed after the last checkpoint: file={}, lastIndex={}", file.path(),
                            file.lastIndex());
                    cp = file.lastIndex();
                    cpChecksum = file.lastRecordChecksum();
                    cpSays = footer;
                    writeCheckpoint(cp, cpChecksum);
                    adopted++;
                }
            }
            positionAfter(cp, cpChecksum, cpSays);
            return new Result(cp, deleted, adopted);
        } catch (IOException | FSError e) {
            throw e instanceof OutputFailure of ? of : new OutputFailure("cannot recover from the output", ctx.output.datasetDir(), e);
        }
    }

    private Checkpoint.Saved readCheckpoint() throws OutputFailure {
        try {
            return ctx.checkpoint.read();
        } catch (UncheckedIOException e) {
            throw new OutputFailure("cannot read the checkpoint", ctx.checkpoint.file(), e.getCause());
        }
    }

    private void writeCheckpoint(long index, long checksum) throws OutputFailure {
        try {
            ctx.checkpoint.write(index, ctx.queueId.id(), checksum);
        } catch (UncheckedIOException e) {
            throw new OutputFailure("cannot write the checkpoint", ctx.checkpoint.file(), e.getCause());
        }
    }

    /** The checkpoint's index if it belongs to this queue, else -1 when there is none. */
    private long checkpointOfThisQueue(Checkpoint.Saved saved) {
        if (saved == null) {
            return Checkpoint.NONE;
        }
        String id = ctx.queueId.id();
        if (saved.queueId() == null && !ctx.queueId.assignedLater()) {
            throw new IllegalStateException("the state directory's checkpoint predates queue identities, but this queue has had its identity"
                    + " since it was created, so the checkpoint belongs to another queue: checkpoint=" + ctx.checkpoint.file() + ", queue="
                    + ctx.config.queue() + ", queue id=" + id + " (move the state directory aside to convert this queue from its start)");
        }
        if (saved.queueId() != null && !saved.queueId().equals(id)) {
            throw new IllegalStateException("the state directory belongs to another queue: checkpoint=" + ctx.checkpoint.file()
                    + " records queue id=" + saved.queueId() + ", but queue=" + ctx.config.queue() + " has queue id=" + id
                    + " (was the queue deleted and re-created? move the state directory aside to convert this queue from its start)");
        }
        return saved.lastCommitted();
    }

    /** This queue's file committed for records from {@code next}, or null when there is none. */
    private CommittedFile committedFor(long next, Checkpoint.Saved saved) throws IOException {
        int cycle = reader.cycleOf(next);
        String id = ctx.queueId.id();
        Path own = ctx.layout.finalPath(cycle, next);
        if (ctx.output.fs().exists(own)) {
            ParquetMetadata footer = footer(own);
            Map<String, String> kv = footer.getFileMetaData().getKeyValueMetaData();
            if (!id.equals(kv.get(FooterKeys.QUEUE_ID)) || !Long.toString(next).equals(kv.get(FooterKeys.FIRST_INDEX))) {
                throw new IllegalStateException("a committed file has this queue's name but its footer disagrees: file=" + own
                        + ", footer queue id=" + kv.get(FooterKeys.QUEUE_ID) + ", first_index=" + kv.get(FooterKeys.FIRST_INDEX)
                        + "; expected queue id=" + id + ", first_index=" + next);
            }
            return committedFile(own, footer, cycle);
        }
        if (!ctx.queueId.assignedLater()) {
            return null;
        }
        Path legacy = ctx.layout.legacyFinalPath(cycle, next);
        if (!ctx.output.fs().exists(legacy)) {
            return null;
        }
        ParquetMetadata footer = footer(legacy);
        Map<String, String> kv = footer.getFileMetaData().getKeyValueMetaData();
        if (!ctx.config.queue().toAbsolutePath().toString().equals(kv.get(FooterKeys.QUEUE)) || kv.containsKey(FooterKeys.QUEUE_ID)) {
            return null; // another queue's file: it keeps its name, ours carry our id
        }
        long first = Long.parseLong(kv.getOrDefault(FooterKeys.FIRST_INDEX, "-1"));
        long last = Long.parseLong(kv.getOrDefault(FooterKeys.LAST_INDEX, "-1"));
        long count = Long.parseLong(kv.getOrDefault(FooterKeys.RECORD_COUNT, "-1"));
        boolean countMatches = first == next && last >= first && reader.lastIndex() >= last && reader.recordsBetween(first, last) + 1 == count;
        if (saved == null || !countMatches) {
            throw new IllegalStateException("cannot tell whether a file written before queue identities holds this queue's records: file="
                    + legacy + ", footer queue=" + kv.get(FooterKeys.QUEUE) + ", first_index=" + first + ", last_index=" + last + ", records="
                    + count + "; queue=" + ctx.config.queue() + " (queue id " + id + ", assigned on first open), checkpoint="
                    + (saved == null ? "none in " + ctx.config.stateDir() : Long.toString(saved.lastCommitted()))
                    + (countMatches ? "" : ", the queue's record count for that range differs")
                    + ". If the file belongs to a deleted queue, move it out of the dataset; if it is this queue's, restore the checkpoint");
        }
        return committedFile(legacy, footer, cycle);
    }

    private CommittedFile committedFile(Path file, ParquetMetadata footer, int cycle) throws IOException {
        Map<String, String> kv = footer.getFileMetaData().getKeyValueMetaData();
        return new CommittedFile(ctx.output.fs().makeQualified(file), ctx.output.fs().getFileStatus(file).getLen(),
                Long.parseLong(kv.get(FooterKeys.RECORD_COUNT)), Long.parseLong(kv.get(FooterKeys.FIRST_INDEX)),
                Long.parseLong(kv.get(FooterKeys.LAST_INDEX)), cycle, footer, 0);
    }

    private ParquetMetadata footer(Path file) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, ctx.output.conf()), ParquetReadOptions.builder().build())) {
            return r.getFooter();
        }
    }

    /**
     * Positions the reader so the next record read is the first after {@code last} (-1: the start), and checks that the
     * queue still holds there the record that was committed ({@code checksum}, from {@code says}; -1: not known).
     */
    void positionAfter(long last, long checksum, String says) {
        if (last == Checkpoint.NONE) {
            reader.toStart();
            return;
        }
        if (reader.moveTo(last)) {
            long[] seen = {-1, -1};
            reader.read((index, rec) -> {
                seen[0] = index;
                seen[1] = Integer.toUnsignedLong(rec.recordChecksum());
            }, 1);
            if (seen[0] != last) {
                throw new IllegalStateException("checkpoint does not match the queue: checkpoint=" + last + ", record there=" + seen[0]
                        + ", queue=" + ctx.config.queue());
            }
            checkHolds(last, checksum, seen[1], says);
            return;
        }
        long first = reader.firstIndex();
        if (first != Long.MAX_VALUE && first > last) {
            reader.toStart(); // everything up to the checkpoint was removed by retention
            return;
        }
        throw new IllegalStateException("the queue no longer holds the record committed at index " + last + " (" + says + "): queue first="
                + first + ", queue last=" + reader.lastIndex() + ", queue=" + ctx.config.queue() + ". The queue lost records the dataset holds"
                + LOST);
    }

    private static final String LOST = " (a power cut took records the recorder had not synced, and a converter of an earlier version had"
            + " committed them), or the queue was replaced. Nothing more is converted: bin/parquetry verify names the files holding records"
            + " the queue lacks; move them and the checkpoint aside to convert the queue's records from there again (docs/OPERATIONS.md,"
            + " \"After a power cut\")";

    /** The queue's record at {@code index} must be the committed one: {@code expected} (-1: not known) is what {@code says} records. */
    private void checkHolds(long index, long expected, long found, String says) {
        if (expected >= 0 && found != expected) {
            throw new IllegalStateException("the queue holds another record than the one committed at index " + index + ": queue="
                    + ctx.config.queue() + ", committed CRC32C=" + FooterKeys.checksumText(expected) + " (" + says + "), the queue's record "
                    + FooterKeys.checksumText(found) + ". The queue lost records the dataset holds and got others at the same indexes" + LOST);
        }
    }

    /**
     * The index of the next record and its bytes' CRC-32C, leaving the position unchanged; null when there is none, or
     * when the queue is damaged there (no file can have been committed from a record that cannot be read; the reading
     * that follows meets the damage and deals with it).
     */
    private long[] peek() {
        long[] seen = {-1, -1};
        try {
            if (reader.read((index, rec) -> {
                seen[0] = index;
                seen[1] = Integer.toUnsignedLong(rec.recordChecksum());
            }, 1) == 0) {
                return null;
            }
        } catch (QueueDamagedException damaged) {
            return null;
        }
        reader.moveTo(seen[0]);
        return seen;
    }
}
