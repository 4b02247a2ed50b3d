package io.parquetry.converter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.Abortable;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A local Hadoop FileSystem ({@code objstore:}) that behaves like an object store where it matters to the commit
 * protocol: an object becomes visible only when its stream closes (staged aside until then, like an S3A multipart
 * upload), an aborted stream publishes nothing, and rename is a copy followed by a delete, not atomic. It counts
 * renames, and can be told to fail one upload part-way.
 */
public class LocalObjectStoreFileSystem extends LocalSchemeFileSystem {

    static final AtomicInteger RENAMES = new AtomicInteger();
    /** Uploads started so far, and the one (counting from 1) whose writes fail after 100 bytes; 0: none. */
    static final AtomicInteger UPLOADS = new AtomicInteger();
    static final AtomicInteger FAIL_UPLOAD = new AtomicInteger();

    public LocalObjectStoreFileSystem() {
        super("objstore");
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize, Progressable progress)
            throws IOException {
        return create(f, FsPermission.getFileDefault(), overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication, long blockSize,
            Progressable progress) throws IOException {
        java.nio.file.Path target = pathToFile(f).toPath();
        if (!overwrite && Files.exists(target)) {
            throw new org.apache.hadoop.fs.FileAlreadyExistsException("object exists: " + f);
        }
        java.nio.file.Path staging = Files.createDirectories(target.getRoot().resolve("tmp").resolve("objstore-staging"))
                .resolve(UUID.randomUUID().toString());
        OutputStream file = Files.newOutputStream(staging);
        int n = UPLOADS.incrementAndGet();
        return new FSDataOutputStream(new Upload(file, staging, target, n == FAIL_UPLOAD.get() ? 100 : Long.MAX_VALUE), null);
    }

    /** The upload: bytes go to a staging file; close publishes it whole; abort discards it. */
    static final class Upload extends OutputStream implements Abortable {
        private final OutputStream out;
        private final java.nio.file.Path staging;
        private final java.nio.file.Path target;
        private final long failAfter;
        private long written;
        private boolean done;

        Upload(OutputStream out, java.nio.file.Path staging, java.nio.file.Path target, long failAfter) {
            this.failAfter = failAfter;
            this.out = out;
            this.staging = staging;
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (written + len > failAfter) {
                throw new IOException("simulated object store failure after " + written + " bytes: " + target);
            }
            out.write(b, off, len);
            written += len;
        }

        @Override
        public void close() throws IOException {
            if (done) {
                return;
            }
            done = true;
            out.close();
            Files.createDirectories(target.getParent());
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        }

        @Override
        public AbortableResult abort() {
            done = true;
            try {
                out.close();
                Files.deleteIfExists(staging);
            } catch (IOException ignored) {
                // a leftover staging file is what an object store's lifecycle rule cleans up
            }
            return new AbortableResult() {
                @Override
                public boolean alreadyClosed() {
                    return false;
                }

                @Override
                public IOException anyCleanupException() {
                    return null;
                }
            };
        }
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        RENAMES.incrementAndGet();
        java.nio.file.Path from = pathToFile(src).toPath();
        java.nio.file.Path to = pathToFile(dst).toPath();
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING); // not atomic: a reader can see a partial copy
        Files.delete(from);
        return true;
    }
}
