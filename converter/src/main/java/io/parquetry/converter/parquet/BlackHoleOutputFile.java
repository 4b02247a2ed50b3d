package io.parquetry.converter.parquet;

import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * An output file that keeps nothing but its length: the converter's warm-up writes to it ({@link WarmUp}), and the
 * encoder benchmarks measure encoding without the disk with it.
 */
public final class BlackHoleOutputFile implements OutputFile {

    private final String name;

    /** @param name what {@link #getPath()} says, for messages */
    public BlackHoleOutputFile(String name) {
        this.name = name;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) {
        return new PositionOutputStream() {
            private long pos;

            @Override
            public long getPos() {
                return pos;
            }

            @Override
            public void write(int b) {
                pos++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                pos += len;
            }
        };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
        return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return 0;
    }

    @Override
    public String getPath() {
        return name;
    }
}
