package io.parquetry.converter.output;

import io.parquetry.converter.parquet.ParquetOptions;
import io.parquetry.converter.parquet.ParquetPartFile;
import io.parquetry.converter.parquet.RecordSource;
import io.parquetry.converter.parquet.RowGroupEncoders;
import io.parquetry.converter.parquet.SyncedOutputFile;
import io.parquetry.schema.Schema;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.Path;

/**
 * One Parquet file of a dataset, from its first record to its commit. Life cycle:
 * {@link #open} (first index, cycle) → {@link #append} / {@link #skip} → {@link #commit} returning the
 * {@link CommittedFile}, or {@link #abort}. A commit that fails half-way aborts the part by itself, so the caller never
 * has a half-published file to clean up; after commit or abort the part refuses further use.
 *
 * <p>The file is written under a hidden in-progress name and renamed to its final name at commit (on object stores,
 * written under its final name and made visible only when its upload completes). Its footer records the index range and
 * the record count, after the caller's metadata.
 */
public final class Part {

    private enum Stage { OPEN, COMMITTED, ABORTED }

    private final Output output;
    private final Path finalPath;
    private final Path writingPath;
    private final long firstIndex;
    private final int cycle;
    private final long openedAtMillis;
    private final ParquetPartFile file;
    private long lastIndex;
    /** CRC-32C of the first and the last record's bytes (-1: none yet), for the footer. */
    private long firstChecksum = -1;
    private long lastChecksum = -1;
    private Stage stage = Stage.OPEN;
    private final Schema schema;

    private Part(Output output, Path finalPath, Path writingPath, long firstIndex, int cycle, ParquetPartFile file, long openedAtMillis,
            Schema schema) {
        this.schema = schema;
        this.output = output;
        this.finalPath = finalPath;
        this.writingPath = writingPath;
        this.firstIndex = firstIndex;
        this.cycle = cycle;
        this.openedAtMillis = openedAtMillis;
        this.file = file;
        this.lastIndex = firstIndex;
    }

    /**
     * Starts the file that will hold records from {@code firstIndex} of {@code cycle}.
     *
     * @param recordSlot bytes between records in the file's row groups: the queue's record stride, so that a run of records
     *     is copied in one piece (see {@code RawRowGroup})
     * @param openedAtMillis the converter's clock now: the file's age (maxAge) counts from it
     */
    public static Part open(Output output, DatasetPaths layout, Schema schema, ParquetOptions options, RowGroupEncoders encoders,
            int recordSlot, long firstIndex, int cycle, long openedAtMillis) throws OutputFailure {
        Path finalPath = layout.finalPath(cycle, firstIndex);
        Path writing = output.direct() ? finalPath : layout.inProgressPath(cycle, firstIndex);
        try {
            output.fs().mkdirs(writing.getParent());
            ParquetPartFile f = ParquetPartFile.create(schema, options, new SyncedOutputFile(output.fs(), writing), encoders, recordSlot);
            return new Part(output, finalPath, writing, firstIndex, cycle, f, openedAtMillis, schema);
        } catch (IOException | FSError e) {
            throw new OutputFailure("cannot start a Parquet file", writing, e);
        }
    }

    /**
     * Appends {@code count} records (in the schema's layout) from {@code records} at {@code offset}; the last of them has
     * queue index {@code lastIndex}.
     */
    public void append(byte[] records, int offset, int count, long lastIndex) throws OutputFailure {
        checkOpen();
        try {
            file.append(records, offset, count);
        } catch (IOException | FSError e) {
            abort();
            throw new OutputFailure("cannot write Parquet", writingPath, e);
        }
        this.lastIndex = lastIndex;
    }

    /**
     * Appends the next {@code count} records of {@code records}, copied straight into the file's row groups; the last
     * of them has queue index {@code lastIndex}, and its bytes the CRC-32C {@code lastChecksum}; {@code firstChecksum}
     * is the first one's (it matters only for a part's first records).
     */
    public void append(RecordSource records, int count, long lastIndex, int firstChecksum, int lastChecksum) throws OutputFailure {
        checkOpen();
        try {
            file.append(records, count);
        } catch (IOException | FSError e) {
            abort();
            throw new OutputFailure("cannot write Parquet", writingPath, e);
        }
        took(lastIndex, firstChecksum, lastChecksum);
    }

    /** The schema version the file is written in (its footer says it). */
    public Schema schema() {
        return schema;
    }

    /** Bytes of the records appended so far, in the schema's layout (what a commit reports as uncompressed). */
    public long rawBytes() {
        return file.rawBytes();
    }

    /**
     * A record at {@code index}, its bytes' CRC-32C {@code checksum}, that belongs to this part's range but is not a row
     * (it was quarantined).
     */
    public void skip(long index, int checksum) {
        checkOpen();
        took(index, checksum, checksum);
    }

    private void took(long index, int firstChecksum, int lastChecksum) {
        if (this.firstChecksum < 0) {
            this.firstChecksum = Integer.toUnsignedLong(firstChecksum);
        }
        this.lastChecksum = Integer.toUnsignedLong(lastChecksum);
        this.lastIndex = index;
    }

    /**
     * Makes the file visible: footer (the caller's metadata, then first/last index and record count) → sync → rename to
     * the final name (refusing to replace a file already there) → directory sync.
     *
     * @throws OutputFailure when the output failed; the part is aborted (if the rename happened before the failure, the
     *     file stands under its final name, and recovery adopts it)
     * @throws IllegalStateException when the final name is taken (records converted twice?); the part is aborted
     */
    public CommittedFile commit(Map<String, String> metadata) throws OutputFailure {
        checkOpen();
        Map<String, String> footer = new LinkedHashMap<>(metadata);
        footer.put(FooterKeys.FIRST_INDEX, Long.toString(firstIndex));
        footer.put(FooterKeys.LAST_INDEX, Long.toString(lastIndex));
        footer.put(FooterKeys.RECORD_COUNT, Long.toString(file.rows()));
        if (firstChecksum >= 0) {
            footer.put(FooterKeys.FIRST_RECORD_CRC32C, FooterKeys.checksumText(firstChecksum));
            footer.put(FooterKeys.LAST_RECORD_CRC32C, FooterKeys.checksumText(lastChecksum));
        }
        long bytes;
        try {
            bytes = file.end(footer); // aborts the file itself on failure
        } catch (IOException | FSError e) {
            abandon();
            throw new OutputFailure("cannot finish Parquet file", writingPath, e);
        } catch (RuntimeException e) {
            abandon();
            throw e;
        }
        try {
            if (!output.direct()) {
                if (output.fs().exists(finalPath)) {
                    // Names carry the queue id and the first index: an existing final name means these records were committed
                    // already. Never overwrite (a local rename would, silently): stop and let an operator look.
                    throw new IllegalStateException("refusing to overwrite a committed file: file=" + finalPath + ", firstIndex="
                            + firstIndex + " (records converted twice? check the checkpoint)");
                }
                if (!output.fs().rename(writingPath, finalPath)) {
                    throw new IOException("rename to the final name failed: from=" + writingPath + ", to=" + finalPath
                            + (output.fs().exists(finalPath) ? " (the final name exists already)" : ""));
                }
            }
            output.syncAfterRename(finalPath);
        } catch (IOException | FSError e) {
            abandon();
            throw new OutputFailure("cannot publish Parquet file", finalPath, e);
        } catch (RuntimeException e) {
            abandon();
            throw e;
        }
        stage = Stage.COMMITTED;
        return new CommittedFile(finalPath, bytes, file.rows(), firstIndex, lastIndex, cycle, file.footer(), file.truncatedTimestamps());
    }

    /** Gives the file up: its in-progress file is deleted (what cannot be deleted now, the next start deletes). Idempotent. */
    public void abort() {
        if (stage == Stage.OPEN) {
            stage = Stage.ABORTED;
            file.abort();
            deleteWriting();
        }
    }

    /** After a failed commit: the file is ended or aborted already; what remains is its in-progress name. */
    private void abandon() {
        stage = Stage.ABORTED;
        deleteWriting();
    }

    private void deleteWriting() {
        if (!output.direct()) {
            try {
                output.fs().delete(writingPath, false);
            } catch (IOException | RuntimeException | FSError ignored) {
                // recovery deletes leftover in-progress files at the next start
            }
        }
    }

    private void checkOpen() {
        if (stage != Stage.OPEN) {
            throw new IllegalStateException("part is " + stage.name().toLowerCase(java.util.Locale.ROOT) + ": file=" + writingPath);
        }
    }

    public long firstIndex() {
        return firstIndex;
    }

    public long lastIndex() {
        return lastIndex;
    }

    public int cycle() {
        return cycle;
    }

    public long rows() {
        return file.rows();
    }

    public long estimatedBytes() {
        return file.estimatedBytes();
    }

    public long openedAtMillis() {
        return openedAtMillis;
    }

    /** Where the file is being written (its in-progress name, or its final name on object stores). */
    public Path writingPath() {
        return writingPath;
    }

    public Path finalPath() {
        return finalPath;
    }
}
