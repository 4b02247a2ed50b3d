package io.parquetry.converter.output;

import io.parquetry.platform.DurableFiles;
import io.parquetry.platform.Umask;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;

/**
 * Where a converter's dataset lives: a Hadoop {@link FileSystem} ({@code file:}, {@code hdfs:}, {@code s3a:}) and the
 * dataset directory in it, with the operations the commit protocol needs. Local output goes through the raw local file
 * system ({@link LocalOutputFileSystem}: no {@code chmod} processes), so no {@code .crc} side files are written and
 * {@code hsync} reaches the disk; a rename there is made durable by syncing the directories it touched.
 */
public final class Output {

    private static final String UMASK_KEY = "fs.permissions.umask-mode";

    private final Configuration conf;
    private final FileSystem fs;
    private final Path datasetDir;
    private final boolean local;
    private final boolean direct;

    private Output(Configuration conf, FileSystem fs, Path datasetDir, boolean direct) {
        this.conf = conf;
        this.fs = fs;
        this.datasetDir = datasetDir;
        this.local = "file".equals(fs.getUri().getScheme());
        this.direct = direct;
    }

    /**
     * Opens the file system of {@code output} with the extra Hadoop properties.
     *
     * @param direct write files under their final names (object stores publish at close; a rename there is a copy)
     */
    public static Output open(String output, String dataset, Map<String, String> hadoop, boolean direct) throws IOException {
        Configuration conf = hadoopConfiguration(hadoop);
        Path root = new Path(output);
        FileSystem fs = root.getFileSystem(conf);
        if ("file".equals(fs.getUri().getScheme()) && !hadoop.containsKey(UMASK_KEY)) {
            // Hadoop's local file system sets each new file's and directory's mode itself, from its own umask (022 by
            // default), not the process's: hand it the process's, so datasets follow the umask like every other file.
            OptionalInt umask = Umask.current();
            if (umask.isPresent()) {
                conf.set(UMASK_KEY, Umask.octal(umask.getAsInt()));
                fs.close(); // not cached (fs.file.impl.disable.cache): a fresh one takes the setting
                fs = root.getFileSystem(conf);
            }
        }
        return new Output(conf, fs, fs.makeQualified(new Path(root, dataset)), direct);
    }

    /** Hadoop configuration for an output: local output through the raw file system (forking no process), plus the given properties. */
    public static Configuration hadoopConfiguration(Map<String, String> hadoop) {
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", LocalOutputFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        conf.setInt("io.file.buffer.size", 1 << 20);
        hadoop.forEach(conf::set);
        return conf;
    }

    public Configuration conf() {
        return conf;
    }

    public FileSystem fs() {
        return fs;
    }

    public Path datasetDir() {
        return datasetDir;
    }

    /** Files are written under their final names and become visible when their stream closes (object stores). */
    public boolean direct() {
        return direct;
    }

    /**
     * Creates the dataset directory and writes and deletes a probe file in it.
     *
     * @throws IllegalArgumentException when the output can never work as configured (access denied, a file where a
     *     directory should be): a configuration error, named at start-up
     * @throws OutputFailure when it fails otherwise (an outage): worth retrying
     */
    public void checkWritable(String source) throws OutputFailure {
        Path probe = new Path(datasetDir, ".probe-" + source + "-" + ProcessHandle.current().pid());
        try {
            if (local) {
                // Hadoop's mkdirs syncs nothing: a dataset directory whose entry a power cut took would take every file in it.
                DurableFiles.createDirectories(java.nio.file.Path.of(datasetDir.toUri()));
            }
            fs.mkdirs(datasetDir);
            fs.create(probe, true).close();
            fs.delete(probe, false);
        } catch (AccessControlException | AccessDeniedException | ParentNotDirectoryException | org.apache.hadoop.fs.FileAlreadyExistsException
                | java.nio.file.FileAlreadyExistsException e) {
            throw new IllegalArgumentException("output location is not writable: dataset=" + datasetDir + ": " + OutputFailure.describe(e), e);
        } catch (IOException | FSError e) {
            if (isFileInTheWay(datasetDir)) {
                throw new IllegalArgumentException("output location is not writable: dataset=" + datasetDir + ": " + OutputFailure.describe(e), e);
            }
            throw new OutputFailure("cannot write to the output", datasetDir, e);
        }
    }

    private boolean isFileInTheWay(Path dir) {
        try {
            for (Path p = dir; p != null; p = p.getParent()) {
                if (fs.exists(p)) {
                    return !fs.getFileStatus(p).isDirectory();
                }
            }
        } catch (IOException ignored) {
            // unknown: treat as an outage
        }
        return false;
    }

    /** Makes a committed file's name durable: on local disks, syncs its partition directories up to the dataset's. */
    void syncAfterRename(Path finalPath) throws IOException {
        if (!local) {
            return; // HDFS and object stores make a completed rename or upload durable themselves
        }
        java.nio.file.Path dir = java.nio.file.Path.of(finalPath.getParent().toUri());
        java.nio.file.Path stop = java.nio.file.Path.of(datasetDir.toUri()).getParent();
        for (java.nio.file.Path d = dir; d != null && !d.equals(stop); d = d.getParent()) {
            DurableFiles.syncDirectory(d); // hour=HH, dt=..., the dataset: each may be new
        }
    }

    /** The in-progress files of a source (any of its queues) left behind by a dead converter. */
    public FileStatus[] inProgress(DatasetPaths layout) throws IOException {
        FileStatus[] all = fs.globStatus(new Path(datasetDir, "dt=*/hour=*/.part-" + layout.source() + "-*"));
        if (all == null) {
            return new FileStatus[0];
        }
        return java.util.Arrays.stream(all).filter(f -> layout.isOwnInProgress(f.getPath().getName())).toArray(FileStatus[]::new);
    }

    @Override
    public String toString() {
        return datasetDir.toString();
    }
}
