package io.parquetry.iceberg;

import static io.parquetry.iceberg.TableFixtures.committedFiles;
import static io.parquetry.iceberg.TableFixtures.context;
import static io.parquetry.iceberg.TableFixtures.convert;
import static io.parquetry.iceberg.TableFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.converter.table.PublishedFile;
import io.parquetry.converter.table.TableSinkProvider;
import io.parquetry.hdfs.MiniHdfs;
import io.parquetry.testing.AllTypes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Iceberg sink with Iceberg's Hadoop catalog, its warehouse and the converter's files on a real (mini) HDFS, where
 * the catalog's commit is an atomic rename of the next metadata version: round trip, recovery after a crash between
 * publish and append, duplicates refused, two sources committing concurrently.
 */
@Tag("slow")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class IcebergHdfsTest {

    private static MiniHdfs cluster;
    private static FileSystem hdfs;
    private static String uri;

    @TempDir
    Path dir;

    @BeforeAll
    static void startHdfs() throws Exception {
        cluster = MiniHdfs.start("minidfs-iceberg");
        hdfs = cluster.fs();
        uri = cluster.uri();
    }

    @AfterAll
    static void stopHdfs() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Configuration conf() {
        Configuration c = new Configuration(hdfs.getConf());
        c.setInt("dfs.replication", 1);
        c.setBoolean("dfs.client.block.write.replace-datanode-on-failure.enable", false);
        return c;
    }

    private static Map<String, String> settings(String root) {
        return Map.of("catalog", "hadoop", "warehouse", uri + root + "/warehouse");
    }

    private static IcebergTableSink open(String root, String source) throws Exception {
        return (IcebergTableSink) TableSinkProvider.forType("iceberg").open(context(settings(root), new AllTypes().schema, source, "q1",
                uri + root + "/out/all_types", conf()));
    }

    private List<PublishedFile> files(String root, String source, int n, int rows) {
        Path queue = dir.resolve("queue-" + source);
        recordAllTypes(queue, 0, n);
        convert(dir, queue, uri + root + "/out", source, rows, "");
        List<PublishedFile> files = committedFiles(uri + root + "/out/all_types", source, conf());
        assertThat(files).hasSize((n + rows - 1) / rows);
        assertThat(files.get(0).path()).startsWith("hdfs://");
        return files;
    }

    private static long[] countAndSum(Table t) throws Exception {
        t.refresh();
        long rows = 0;
        long sum = 0;
        try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
            for (Record r : it) {
                rows++;
                sum += (Long) r.getField("seq");
            }
        }
        return new long[] {rows, sum};
    }

    @Test
    void theConverterCommitsIntoAHadoopCatalogTableOnHdfs() throws Exception {
        Path queue = dir.resolve("queue-conv");
        String table = "table: {type: iceberg, catalog: hadoop, warehouse: '" + uri + "/three/warehouse'}\n";
        recordAllTypes(queue, 0, 4000);
        convert(dir, queue, uri + "/three/out", "conv", 1000, table);
        recordAllTypes(queue, 4000, 5000);
        convert(dir, queue, uri + "/three/out", "conv", 1000, table);
        String queueId;
        try (io.parquetry.reader.QueueReader r = io.parquetry.reader.QueueReader.open(queue)) {
            queueId = r.identity().id();
        }
        try (IcebergTableSink sink = (IcebergTableSink) TableSinkProvider.forType("iceberg").open(context(settings("/three"),
                new AllTypes().schema, "conv", queueId, uri + "/three/out/all_types", conf()))) {
            assertThat(countAndSum(sink.table())).containsExactly(5000, 5000L * 4999 / 2);
            List<PublishedFile> files = committedFiles(uri + "/three/out/all_types", "conv", conf());
            assertThat(files).hasSize(5);
            assertThat(sink.lastCommittedIndex()).isEqualTo(files.get(4).lastIndex());
        }
    }

    @Test
    void roundTripRecoveryAndDuplicatesWithTheHadoopCatalogOnHdfs() throws Exception {
        List<PublishedFile> files = files("/one", "a", 6000, 2000);
        try (IcebergTableSink sink = open("/one", "a")) {
            sink.append(files.get(0));
            sink.append(files.get(1));
            // crash: file 2 is published, never appended
        }
        assertThat(hdfs.exists(new org.apache.hadoop.fs.Path("/one/warehouse/parquetry/all_types/metadata/version-hint.text"))).isTrue();
        try (IcebergTableSink sink = open("/one", "a")) {
            long last = sink.lastCommittedIndex();
            assertThat(last).isEqualTo(files.get(1).lastIndex());
            for (PublishedFile f : files) {
                if (f.lastIndex() > last) {
                    sink.append(f);
                }
            }
            assertThatThrownBy(() -> sink.append(files.get(2))).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("refusing to append a file whose records are in the table already");
            assertThat(countAndSum(sink.table())).containsExactly(6000, 6000L * 5999 / 2);
        }
    }

    @Test
    void twoSourcesCommitConcurrentlyOnHdfs() throws Exception {
        List<PublishedFile> a = files("/two", "a", 5000, 500);
        List<PublishedFile> b = files("/two", "b", 5000, 500);
        try (IcebergTableSink create = open("/two", "a")) {
            assertThat(create.lastCommittedIndex()).isEqualTo(-1);
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        long retries = 0;
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (String source : new String[] {"a", "b"}) {
                List<PublishedFile> files = source.equals("a") ? a : b;
                results.add(pool.submit(() -> {
                    try (IcebergTableSink sink = open("/two", source)) {
                        start.await();
                        for (PublishedFile f : files) {
                            sink.append(f);
                        }
                        return new long[] {sink.appends(), sink.attempts()};
                    }
                }));
            }
            start.countDown();
            for (Future<long[]> r : results) {
                long[] counts = r.get(180, TimeUnit.SECONDS);
                assertThat(counts[0]).isEqualTo(10);
                retries += counts[1] - counts[0];
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("hdfs, two threads: 20 appends, " + retries + " retries after conflicts");
        try (IcebergTableSink sink = open("/two", "b")) {
            assertThat(countAndSum(sink.table())).containsExactly(10_000, 2L * 5000 * 4999 / 2);
            assertThat(sink.lastCommittedIndex()).isEqualTo(b.get(9).lastIndex());
        }
    }
}
