package io.parquetry.converter;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.Syncable;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system ({@code flaky:}) with an outage switch: while {@link #FAIL_NEXT} is positive, each operation
 * (create, write, sync, rename, delete, mkdirs, status, list, open) fails with an IOException and counts it down, as an
 * HDFS or object-store outage does, then the file system works again.
 */
public class FlakyFileSystem extends LocalSchemeFileSystem {

    /** Operations still to fail. */
    static final AtomicInteger FAIL_NEXT = new AtomicInteger();
    /** Operations failed so far. */
    static final AtomicInteger FAILED = new AtomicInteger();

    /** Operations to let through before the one that fails ({@link #countdownThenFail}); -1: off. */
    private static final AtomicInteger COUNTDOWN = new AtomicInteger(-1);

    /** Lets {@code n} operations through, then fails exactly one; {@code n < 0} turns it off. */
    static void countdownThenFail(int n) {
        COUNTDOWN.set(n);
    }

    static void fault(String op, Object path) throws IOException {
        if (COUNTDOWN.get() >= 0 && COUNTDOWN.getAndDecrement() == 0) {
            FAILED.incrementAndGet();
            throw new IOException("simulated failure of one operation: " + op + " " + path);
        }
        if (FAIL_NEXT.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            FAILED.incrementAndGet();
            throw new IOException("simulated outage: " + op + " " + path);
        }
    }

    public FlakyFileSystem() {
        super("flaky");
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication, long blockSize,
            Progressable progress) throws IOException {
        fault("create", f);
        FSDataOutputStream inner = super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
        return new FSDataOutputStream(new Flaky(inner, f), null);
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize, Progressable progress)
            throws IOException {
        return create(f, FsPermission.getFileDefault(), overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        fault("rename", src);
        return super.rename(src, dst);
    }

    @Override
    public boolean delete(Path p, boolean recursive) throws IOException {
        fault("delete", p);
        return super.delete(p, recursive);
    }

    @Override
    public boolean mkdirs(Path f) throws IOException {
        fault("mkdirs", f);
        return super.mkdirs(f);
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        fault("getFileStatus", f);
        return super.getFileStatus(f);
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
        fault("listStatus", f);
        return super.listStatus(f);
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        fault("open", f);
        return super.open(f, bufferSize);
    }

    /** Writes and syncs that fail during an outage. */
    private static final class Flaky extends OutputStream implements Syncable {
        private final FSDataOutputStream out;
        private final Path path;

        Flaky(FSDataOutputStream out, Path path) {
            this.out = out;
            this.path = path;
        }

        @Override
        public void write(int b) throws IOException {
            fault("write", path);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            fault("write", path);
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void hflush() throws IOException {
            fault("hflush", path);
            out.hflush();
        }

        @Override
        public void hsync() throws IOException {
            fault("hsync", path);
            out.hsync();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
