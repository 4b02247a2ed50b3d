package io.parquetry.converter;

import io.parquetry.converter.output.CommittedFile;
import io.parquetry.converter.output.OutputFailure;
import io.parquetry.converter.output.Part;
import io.parquetry.status.CommitLog;
import io.parquetry.status.RotationCause;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit of one part (docs/ARCHITECTURE.md, "Exactly once"): the queue forced up to the part's last record → the
 * part's own steps (footer → sync → rename → directory sync) → with a table,
 * the append to it (one snapshot recording this source, queue id and index range) → the checkpoint (write aside, sync,
 * rename) → the commit log. A crash between any two steps neither loses nor duplicates a record: before the rename
 * nothing is visible and recovery deletes the in-progress file; after it, recovery adopts the file by its name and
 * footer even if the checkpoint was not written, and appends it to the table unless the table has it already.
 */
final class CommitProtocol {

    private static final Logger LOG = LoggerFactory.getLogger(CommitProtocol.class);

    private final ConverterContext ctx;

    CommitProtocol(ConverterContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Commits {@code part}.
     *
     * @throws OutputFailure when a step failed in a way that may heal; the part is aborted (a file that reached its final
     *     name stays, and recovery adopts it)
     */
    CommittedFile commit(Part part, RotationCause cause, long uncompressedBytes) throws OutputFailure {
        forceQueue(part);
        CommittedFile f = part.commit(ctx.footerMetadata(part.schema()));
        appendToTable(ctx, f);
        try {
            ctx.checkpoint.write(f.lastIndex(), ctx.queueId.id(), f.lastRecordChecksum());
        } catch (UncheckedIOException e) {
            throw new OutputFailure("cannot write the checkpoint after committing " + f.path(), ctx.checkpoint.file(), e.getCause());
        }
        try {
            ctx.commitLog.append(new CommitLog.Entry(f.path().toString(), f.rows(), f.bytes(), f.firstIndex(), f.lastIndex(),
                    System.currentTimeMillis(), cause.label(), uncompressedBytes));
        } catch (UncheckedIOException e) {
            // The commit log is for people; the commit itself is complete.
            LOG.warn("cannot append to the commit log (the commit itself is complete): file={}, committed={}", ctx.commitLog.file(), f.path(), e);
        }
        LOG.debug("committed file={}, rows={}, bytes={}, cause={}", f.path(), f.rows(), f.bytes(), cause);
        return f;
    }

    /**
     * Before anything makes the part's records visible, the queue's copy of them must be durable: a power cut may take
     * from the queue whatever the recorder wrote since its files were last synced, and a committed file holding records
     * the queue then lacks would hold rows that exist nowhere else (the recorder appends new records at those indexes).
     * A queue file that cannot be forced stops the converter: its records are not known durable, and a retried fsync
     * after a failed one may report success for pages the kernel has already dropped.
     */
    private void forceQueue(Part part) {
        long start = System.nanoTime();
        try {
            ctx.reader.force(part.lastIndex());
        } catch (UncheckedIOException e) {
            part.abort();
            throw new IllegalStateException(e.getMessage() + "; nothing of the current file was committed", e);
        }
        LOG.debug("queue forced through index {} in {} us", part.lastIndex(), (System.nanoTime() - start) / 1000);
    }

    /** Appends a committed file to the table, if one is configured (a step of commit and of recovery). */
    static void appendToTable(ConverterContext ctx, CommittedFile f) throws OutputFailure {
        if (ctx.table == null) {
            return;
        }
        try {
            ctx.table.append(new io.parquetry.converter.table.PublishedFile(f.path().toString(), f.bytes(), f.rows(), f.firstIndex(),
                    f.lastIndex(), f.cycle() * ctx.reader.cycleLengthMillis(), f.footer()));
        } catch (java.io.IOException e) {
            throw new OutputFailure("cannot append the committed file to the table " + ctx.table.describe(), f.path(), e);
        }
    }
}
