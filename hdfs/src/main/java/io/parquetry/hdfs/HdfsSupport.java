package io.parquetry.hdfs;

import org.apache.hadoop.hdfs.DistributedFileSystem;

/** Tells whether Hadoop's HDFS client is on the class path (the launcher and tests check it). */
public final class HdfsSupport {

    private HdfsSupport() {
    }

    /** The class that serves {@code hdfs://} URIs. */
    public static Class<?> fileSystemClass() {
        return DistributedFileSystem.class;
    }
}
