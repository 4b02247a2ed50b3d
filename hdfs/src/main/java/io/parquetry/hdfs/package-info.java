/**
 * HDFS support: this module brings Hadoop's HDFS client, so a converter whose output is an {@code hdfs://} URI writes
 * through it with the commit protocol unchanged (data synced with {@code hsync}, atomic rename). Its tests run the
 * protocol against a real in-process HDFS ({@code MiniDFSCluster}).
 */
package io.parquetry.hdfs;
