package io.parquetry.converter.parquet;

/**
 * The encoder threads one converter shares between the files it writes, one after the other. Today one thread: the
 * converter's thread reads records and hands them over in batches, this thread encodes them (see {@link EncodeStage}).
 */
public final class RowGroupEncoders implements AutoCloseable {

    private final String threadName;
    private EncodeStage stage;
    private int recordLength = -1;

    public RowGroupEncoders(int threads, String threadNamePrefix) {
        if (threads < 1) {
            throw new IllegalArgumentException("encoder threads must be at least 1: threads=" + threads);
        }
        this.threadName = threadNamePrefix;
    }

    /** The stage for records of {@code length} bytes, started on first use. */
    synchronized EncodeStage stage(int length) {
        if (stage == null || recordLength != length) {
            if (stage != null) {
                stage.close();
            }
            stage = new EncodeStage(length, threadName);
            recordLength = length;
        }
        return stage;
    }

    /** Stops the encoder thread (waiting at most 5 s for it). */
    @Override
    public synchronized void close() {
        if (stage != null) {
            stage.close();
            stage = null;
        }
    }
}
