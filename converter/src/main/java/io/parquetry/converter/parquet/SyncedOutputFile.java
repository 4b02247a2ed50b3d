package io.parquetry.converter.parquet;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A Parquet {@link OutputFile} on a Hadoop {@link FileSystem} whose stream is synced to stable storage ({@code hsync})
 * before it closes: the commit protocol renames a file only once its bytes are durable.
 */
public final class SyncedOutputFile implements OutputFile {

    private final FileSystem fs;
    private final Path path;
    private FSDataOutputStream stream;

    public SyncedOutputFile(FileSystem fs, Path path) {
        this.fs = fs;
        this.path = path;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        stream = fs.create(path, false);
        return wrap(stream);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        stream = fs.create(path, true);
        return wrap(stream);
    }

    /**
     * Gives the file up without publishing it: an object store's upload is aborted (nothing becomes visible); elsewhere
     * the stream is closed and the file deleted.
     */
    public void abort() throws IOException {
        FSDataOutputStream s = stream;
        stream = null;
        if (s == null) {
            return;
        }
        if (s.getWrappedStream() instanceof org.apache.hadoop.fs.Abortable) {
            s.abort(); // FSDataOutputStream passes it on to the store's stream
        } else {
            try {
                s.close();
            } finally {
                fs.delete(path, false);
            }
        }
    }

    private static PositionOutputStream wrap(FSDataOutputStream out) {
        return new PositionOutputStream() {
            @Override
            public long getPos() {
                return out.getPos();
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                try {
                    out.hsync();
                } finally {
                    out.close();
                }
            }
        };
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
        return path.toString();
    }
}
