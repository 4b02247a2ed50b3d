package io.parquetry.hdfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.io.file.PathUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS for tests: a MiniDFSCluster of one name node and one data node (replication 1) under a temporary
 * directory, deleted again by {@link #close()}.
 */
public final class MiniHdfs implements AutoCloseable {

    private final Path base;
    private final MiniDFSCluster cluster;

    private MiniHdfs(Path base, MiniDFSCluster cluster) {
        this.base = base;
        this.cluster = cluster;
    }

    /** Starts a cluster whose storage lives in a new temporary directory named after {@code prefix}. */
    public static MiniHdfs start(String prefix) throws IOException {
        Path base = Files.createTempDirectory(prefix);
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
        conf.setInt("dfs.replication", 1);
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        return new MiniHdfs(base, cluster);
    }

    public FileSystem fs() throws IOException {
        return cluster.getFileSystem();
    }

    /** The file system's URI, e.g. {@code hdfs://localhost:PORT}. */
    public String uri() throws IOException {
        return fs().getUri().toString();
    }

    @Override
    public void close() throws IOException {
        cluster.shutdown(true);
        if (Files.exists(base)) { // shutdown(true) usually deletes it
            PathUtils.deleteDirectory(base);
        }
    }
}
