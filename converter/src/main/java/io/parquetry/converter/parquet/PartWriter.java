package io.parquetry.converter.parquet;

import io.parquetry.schema.Field;
import io.parquetry.schema.FieldType.Kind;
import io.parquetry.schema.Schema;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Writes one Parquet file: records (raw bytes in the schema's layout) are decoded straight into parquet-hadoop's column
 * writers, row groups are cut at {@link ParquetOptions#rowGroupBytes()}, and {@link #end(Map)} writes the footer with
 * the given key-value metadata; {@link #abort()} gives the file up. Like parquet-java's
 * {@code InternalParquetRecordWriter}, an end that fails aborts. Not thread-safe.
 */
final class PartWriter {

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int SIZE_CHECK_ROWS = 1024;

    private final MessageType messageType;
    private final ParquetProperties props;
    private final CompressionCodecFactory.BytesInputCompressor compressor;
    private final ParquetFileWriter file;
    private final long rowGroupBytes;
    private final int[] offsets;
    private final int[] lengths;
    private final int[] nullBits;
    private final Kind[] kinds;
    private final ColumnDescriptor[] descriptors;
    private final ColumnWriter[] writers;
    private ColumnChunkPageWriteStore pageStore;
    private ColumnWriteStore columns;
    private int rowGroupOrdinal;
    private long rowGroupRows;
    private long rows;
    private boolean closed;

    private final SyncedOutputFile out;

    PartWriter(Schema schema, MessageType messageType, ParquetProperties props, CompressionCodecFactory.BytesInputCompressor compressor,
            SyncedOutputFile out, long rowGroupBytes) throws IOException {
        this.out = out;
        this.messageType = messageType;
        this.props = props;
        this.compressor = compressor;
        this.rowGroupBytes = rowGroupBytes;
        List<Field> fields = schema.fields();
        int n = fields.size();
        offsets = new int[n];
        lengths = new int[n];
        nullBits = new int[n];
        kinds = new Kind[n];
        descriptors = messageType.getColumns().toArray(new ColumnDescriptor[0]);
        writers = new ColumnWriter[n];
        for (int i = 0; i < n; i++) {
            Field f = fields.get(i);
            offsets[i] = f.offset();
            lengths[i] = f.length();
            nullBits[i] = f.nullBit();
            kinds[i] = f.kind();
        }
        this.file = new ParquetFileWriter(out, messageType, ParquetFileWriter.Mode.CREATE, rowGroupBytes, 0, null, props);
        file.start();
        startRowGroup();
    }

    private void startRowGroup() {
        pageStore = ColumnChunkPageWriteStore.builder().withCompressorProvider(d -> compressor).withSchema(messageType)
                .withAllocator(props.getAllocator()).withColumnIndexTruncateLength(props.getColumnIndexTruncateLength())
                .withPageWriteChecksumEnabled(props.getPageWriteChecksumEnabled()).withRowGroupOrdinal(rowGroupOrdinal).build();
        columns = props.newColumnWriteStore(messageType, pageStore, pageStore);
        for (int i = 0; i < descriptors.length; i++) {
            writers[i] = columns.getColumnWriter(descriptors[i]);
        }
        rowGroupRows = 0;
    }

    /** Appends one record whose {@code schema.recordLength()} bytes start at {@code off} in {@code rec}. */
    void write(byte[] rec, int off) throws IOException {
        for (int c = 0; c < writers.length; c++) {
            ColumnWriter w = writers[c];
            int bit = nullBits[c];
            int def = 0;
            if (bit >= 0) {
                if ((rec[off + (bit >>> 3)] & (1 << (bit & 7))) != 0) {
                    w.writeNull(0, 0);
                    continue;
                }
                def = 1;
            }
            int at = off + offsets[c];
            switch (kinds[c]) {
                case BOOL -> w.write(rec[at] != 0, 0, def);
                case INT8 -> w.write((int) rec[at], 0, def);
                case INT16 -> w.write((int) (short) SHORT.get(rec, at), 0, def);
                case INT32 -> w.write((int) INT.get(rec, at), 0, def);
                case INT64, TIMESTAMP, DECIMAL -> w.write((long) LONG.get(rec, at), 0, def);
                case FLOAT32 -> w.write((float) FLOAT.get(rec, at), 0, def);
                case FLOAT64 -> w.write((double) DOUBLE.get(rec, at), 0, def);
                case CHAR -> {
                    int len = lengths[c];
                    while (len > 0 && rec[at + len - 1] == 0) {
                        len--;
                    }
                    w.write(Binary.fromReusedByteArray(rec, at, len), 0, def);
                }
                default -> w.write(Binary.fromReusedByteArray(rec, at, lengths[c]), 0, def);
            }
        }
        columns.endRecord();
        rows++;
        if (++rowGroupRows % SIZE_CHECK_ROWS == 0 && columns.getBufferedSize() >= rowGroupBytes) {
            flushRowGroup();
            startRowGroup();
        }
    }

    private void flushRowGroup() throws IOException {
        if (rowGroupRows > 0) {
            file.startBlock(rowGroupRows);
            columns.flush();
            pageStore.flushToFileWriter(file);
            file.endBlock();
            rowGroupOrdinal++;
        }
        columns.close();
        pageStore.close();
    }

    long rows() {
        return rows;
    }

    /** Bytes written to the file so far plus what is buffered for the current row group (an estimate of the final size). */
    long estimatedBytes() throws IOException {
        return file.getPos() + columns.getBufferedSize();
    }

    /**
     * Writes the last row group and the footer with {@code metadata}, and closes (syncing, for a {@link SyncedOutputFile}).
     * On failure the file is aborted before the exception is rethrown.
     */
    void end(Map<String, String> metadata) throws IOException {
        if (closed) {
            throw new IllegalStateException("part writer already ended or aborted: file=" + out.getPath());
        }
        try {
            flushRowGroup();
            file.end(metadata);
            closed = true;
        } catch (IOException | RuntimeException | Error e) {
            abort();
            throw e;
        }
    }

    /** Gives the file up without a footer: nothing is published (see {@link SyncedOutputFile#abort()}). Idempotent. */
    void abort() {
        if (!closed) {
            closed = true;
            try {
                columns.close();
                pageStore.close();
            } catch (RuntimeException ignored) {
                // abandoning: the buffers are dropped with the writer
            }
            try {
                out.abort();
            } catch (IOException ignored) {
                // the caller deletes what it can; recovery deletes the rest
            }
        }
    }

    /** Bytes of the file once ended. */
    long fileBytes() throws IOException {
        return file.getPos();
    }

    /** The footer written by {@link #end}. */
    org.apache.parquet.hadoop.metadata.ParquetMetadata footer() {
        return file.getFooter();
    }
}
