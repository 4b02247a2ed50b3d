package io.parquetry.iceberg;

import io.parquetry.platform.DurableFiles;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.RuntimeIOException;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.hadoop.HadoopInputFile;
import org.apache.iceberg.hadoop.Util;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;

/**
 * Iceberg's {@link HadoopFileIO} with every file it writes durable when its stream closes: the metadata JSON, manifest
 * lists and manifests a table commit depends on are on stable storage before the catalog's pointer moves to them.
 *
 * <p>Iceberg closes these streams without a sync, and a catalog that syncs its own commit (SQLite, PostgreSQL) then
 * points at files a power cut may leave empty: found by a power-cut test, where after the first cut every metadata file
 * of the table was 0 bytes and nobody could read the table again. Here a stream that can {@code hsync} (the local raw
 * file system, HDFS) is synced before it closes; on a local file system the new file's directory is synced after the
 * close and missing parent directories are created durably first, so the file's name survives too. A local stream that
 * cannot sync (Hadoop's checksumming {@code LocalFileSystem}) is refused with the file named. Object stores (s3a) cannot
 * {@code hsync}: there the completed upload at close is what makes a file durable, and nothing more is asked.
 *
 * <p>Deletes are not synced: a file deleted before a cut may come back, which costs nothing but its space.
 */
public class SyncingHadoopFileIO extends HadoopFileIO {

    /** For Iceberg's {@code CatalogUtil.loadFileIO} ({@code io-impl}); the Hadoop configuration comes with {@code setConf}. */
    public SyncingHadoopFileIO() {
    }

    public SyncingHadoopFileIO(Configuration conf) {
        super(conf);
    }

    @Override
    public OutputFile newOutputFile(String path) {
        Path p = new Path(path);
        return new SyncingOutputFile(Util.getFs(p, getConf()), p, getConf());
    }

    /** Creates files through the Hadoop file system, as Iceberg's {@code HadoopOutputFile} does, with streams that sync. */
    static final class SyncingOutputFile implements OutputFile {
        private final FileSystem fs;
        private final Path path;
        private final Configuration conf;

        SyncingOutputFile(FileSystem fs, Path path, Configuration conf) {
            this.fs = fs;
            this.path = path;
            this.conf = conf;
        }

        @Override
        public PositionOutputStream create() {
            return open(false);
        }

        @Override
        public PositionOutputStream createOrOverwrite() {
            return open(true);
        }

        private PositionOutputStream open(boolean overwrite) {
            java.nio.file.Path localDir = localParent();
            FSDataOutputStream out;
            try {
                if (localDir != null) {
                    // Hadoop's mkdirs syncs nothing: a new metadata directory a cut takes would take every file synced in it.
                    DurableFiles.createDirectories(localDir);
                }
                out = fs.create(path, overwrite);
            } catch (FileAlreadyExistsException e) {
                throw new AlreadyExistsException(e, "Path already exists: %s", path);
            } catch (IOException e) {
                throw new RuntimeIOException(e, "Failed to create file: %s", path);
            }
            boolean syncs = out.hasCapability(StreamCapabilities.HSYNC);
            if (!syncs && localDir != null) {
                try {
                    out.close();
                    fs.delete(path, false);
                } catch (IOException e) {
                    // the refusal below is what matters; the empty file is left behind
                }
                throw new IllegalStateException("cannot make the table's files durable: this local file system's streams cannot hsync: file="
                        + path + ", file system=" + fs.getClass().getName() + " (use the raw local file system: fs.file.impl="
                        + org.apache.hadoop.fs.RawLocalFileSystem.class.getName() + ", as the converter does)");
            }
            return new SyncingStream(out, syncs, localDir, path);
        }

        /** The local directory the file goes in, or null when the file system is not the local one. */
        private java.nio.file.Path localParent() {
            if (!"file".equals(fs.getUri().getScheme())) {
                return null;
            }
            return java.nio.file.Path.of(fs.makeQualified(path).getParent().toUri());
        }

        @Override
        public String location() {
            return path.toString();
        }

        @Override
        public InputFile toInputFile() {
            return HadoopInputFile.fromPath(path, fs, conf);
        }

        @Override
        public String toString() {
            return location();
        }
    }

    /** Syncs the file before it closes, and on a local disk the directory after. */
    private static final class SyncingStream extends PositionOutputStream {
        private final FSDataOutputStream out;
        private final boolean syncs;
        private final java.nio.file.Path localDir;
        private final Path path;
        private boolean closed;

        SyncingStream(FSDataOutputStream out, boolean syncs, java.nio.file.Path localDir, Path path) {
            this.out = out;
            this.syncs = syncs;
            this.localDir = localDir;
            this.path = path;
        }

        @Override
        public long getPos() throws IOException {
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
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (syncs) {
                    out.hsync();
                }
            } finally {
                out.close();
            }
            // As Iceberg's own stream does: an s3a upload interrupted at close fails without an exception, leaving the flag
            // (which stays set here: the caller is being interrupted).
            if ("org.apache.hadoop.fs.s3a.S3ABlockOutputStream".equals(out.getWrappedStream().getClass().getName())
                    && Thread.currentThread().isInterrupted()) {
                throw new IOException("S3ABlockOutputStream failed to upload object after stream was closed: file=" + path);
            }
            if (localDir != null) {
                DurableFiles.syncDirectory(localDir);
            }
        }
    }
}
