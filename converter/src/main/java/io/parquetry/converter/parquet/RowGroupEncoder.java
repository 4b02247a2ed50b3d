package io.parquetry.converter.parquet;

import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Encodes whole row groups on one pool thread: transposes the raw records into column vectors, gives the records' chunks
 * back, then encodes column after column. Holds the thread's reusable state (vectors, dictionaries, page buffers, codec
 * contexts), so a warmed-up thread allocates little beyond the pages it hands to the writer.
 */
final class RowGroupEncoder implements AutoCloseable {

    /** A column chunk failed to encode; the message names the column. */
    static final class ColumnFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ColumnFailure(String column, int rowGroup, Throwable cause) {
            super("encoding failed: column=" + column + ", rowGroup=" + rowGroup + ": " + cause, cause);
        }
    }

    private final ColumnVectors vectors = new ColumnVectors();
    private final PageBuilder pages = new PageBuilder();
    private final LongChunkEncoder longs = new LongChunkEncoder();
    private final SliceChunkEncoder slices = new SliceChunkEncoder();
    private final VariableChunkEncoder variables = new VariableChunkEncoder();

    /**
     * @param ordinal the row group's position in its file (for messages)
     * @throws CancellationException when {@code abandoned} turns true between columns
     * @throws ColumnFailure naming the column whose encoding failed
     */
    EncodedRowGroup encode(FilePlan plan, RawRowGroup raw, int ordinal, BooleanSupplier abandoned) {
        ColumnLayout[] cols = plan.columns();
        ParquetOptions opt = plan.options();
        vectors.load(raw, cols);
        raw.release(); // the records live on as vectors: their chunks can take the next row group
        int rows = vectors.rows;
        pages.configure(opt.compression(), opt.compressionLevel(), opt.pageV2());
        EncodedRowGroup.Chunk[] chunks = new EncodedRowGroup.Chunk[cols.length];
        for (int c = 0; c < cols.length; c++) {
            if (abandoned.getAsBoolean()) {
                throw new CancellationException("file aborted");
            }
            ColumnLayout col = cols[c];
            try {
                plan.hook().beforeColumn(ordinal, col.name, abandoned);
                byte[] present = col.nullable() ? vectors.present[c] : null;
                int n = vectors.valueCount[c];
                chunks[c] = switch (col.values) {
                    case BOOL -> BoolChunkEncoder.encode(col, vectors.bytes[c], n, present, rows, opt, pages);
                    case CHAR_SLICE, FIXED -> slices.encode(col, vectors.bytes[c], n, present, rows, opt, pages);
                    case VARIABLE -> variables.encode(col, vectors.varData, vectors.offsets[c], n, present, rows, opt, pages);
                    default -> longs.encode(col, vectors.longs[c], n, vectors.min[c], vectors.max[c], present, rows, opt, pages);
                };
            } catch (CancellationException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ColumnFailure(col.name, ordinal, e);
            }
        }
        if (abandoned.getAsBoolean()) {
            throw new CancellationException("file aborted");
        }
        return new EncodedRowGroup(rows, chunks, vectors.truncated);
    }

    @Override
    public void close() {
        pages.close();
    }
}
