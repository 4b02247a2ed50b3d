package io.parquetry.hdfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.ConverterChild;
import io.parquetry.converter.ConverterConfig;
import io.parquetry.converter.ConverterService;
import io.parquetry.converter.Datasets;
import io.parquetry.converter.output.FooterKeys;
import io.parquetry.reader.QueueReader;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.testing.AllTypes;
import io.parquetry.testing.Await;
import io.parquetry.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit protocol against a real HDFS: an in-process MiniDFSCluster (one NameNode, one DataNode). Files are copied
 * out of HDFS and read back by DuckDB; the crash test kills a converter process with SIGKILL while it writes to HDFS.
 */
@Tag("slow")
class HdfsConverterTest {

    private static MiniHdfs cluster;
    private static FileSystem hdfs;
    private static String uri;

    @TempDir
    Path dir;

    @BeforeAll
    static void startHdfs() throws Exception {
        cluster = MiniHdfs.start("minidfs");
        hdfs = cluster.fs();
        uri = cluster.uri();
    }

    @AfterAll
    static void stopHdfs() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Path writeConfig(String output, String extra) throws Exception {
        Path cfg = dir.resolve("converter.yaml");
        Files.writeString(cfg, "queue: " + dir.resolve("queue") + "\noutput: " + output + "\nsource: hdfs-test\n" + extra
                + "hadoop:\n  dfs.replication: '1'\n  dfs.client.block.write.replace-datanode-on-failure.enable: 'false'\n");
        return cfg;
    }

    private void record(long from, long to) {
        AllTypes t = new AllTypes();
        try (Recorder r = Recorder.open(dir.resolve("queue"), t.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0));
             RecordWriter w = r.newWriter()) {
            for (long s = from; s < to; s++) {
                t.write(w, s);
            }
        }
    }

    /** Committed Parquet files under an HDFS directory (not in-progress ones), 0 when it does not exist yet. */
    private static long committedFiles(String datasetPath) throws java.io.IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(datasetPath);
        if (!hdfs.exists(p)) {
            return 0;
        }
        long n = 0;
        RemoteIterator<LocatedFileStatus> it = hdfs.listFiles(p, true);
        while (it.hasNext()) {
            n += it.next().getPath().getName().endsWith(".parquet") ? 1 : 0;
        }
        return n;
    }

    /** Copies a dataset out of HDFS, so DuckDB (which has no HDFS client) can read it; fails on any in-progress file. */
    private Path copyOut(String datasetPath) throws Exception {
        Path local = dir.resolve("copy-" + System.nanoTime());
        RemoteIterator<LocatedFileStatus> it = hdfs.listFiles(new org.apache.hadoop.fs.Path(datasetPath), true);
        while (it.hasNext()) {
            FileStatus f = it.next();
            String name = f.getPath().getName();
            assertThat(name).as("no in-progress file may remain in HDFS").doesNotEndWith(".inprogress");
            if (name.endsWith(".parquet")) {
                Path target = local.resolve(f.getPath().getParent().getParent().getName()).resolve(f.getPath().getParent().getName())
                        .resolve(name);
                Files.createDirectories(target.getParent());
                hdfs.copyToLocalFile(false, f.getPath(), new org.apache.hadoop.fs.Path(target.toUri()), true);
            }
        }
        return local;
    }

    private static void assertExactlyOnce(Path local, long n) {
        assertThat(Datasets.queryLong("SELECT count(*) FROM " + Datasets.scan(local))).isEqualTo(n);
        assertThat(Datasets.queryLong("SELECT count(DISTINCT seq) FROM " + Datasets.scan(local))).isEqualTo(n);
        assertThat(Datasets.queryLong("SELECT sum(seq) FROM " + Datasets.scan(local))).isEqualTo(n * (n - 1) / 2);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void roundTripAndRotationOnHdfs() throws Exception {
        assertThat(HdfsSupport.fileSystemClass()).isEqualTo(hdfs.getClass());
        record(0, 20_000);
        Path cfg = writeConfig(uri + "/round", "rotation: {maxRows: 5000}\n");
        ConverterConfig config = ConverterConfig.load(cfg, ConverterConfig.Overrides.none());
        var c = ConverterService.run(config, true);
        assertThat(c.filesCommitted()).isEqualTo(4);
        assertThat(config.commitMode()).isEqualTo(ConverterConfig.CommitMode.RENAME);
        Path local = copyOut("/round/all_types");
        assertExactlyOnce(local, 20_000);
        List<Path> files = Datasets.files(local, ".parquet");
        assertThat(files).hasSize(4);
        Map<String, String> footer = Datasets.footer(files.get(0));
        assertThat(footer).containsEntry(FooterKeys.SOURCE, "hdfs-test").containsEntry(FooterKeys.RECORD_COUNT, "5000");
        // Resume: more records, a second run, still exactly once.
        record(20_000, 23_000);
        ConverterService.run(ConverterConfig.load(cfg, ConverterConfig.Overrides.none()), true);
        assertExactlyOnce(copyOut("/round/all_types"), 23_000);
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void converterKilledWhileWritingToHdfsRecoversExactlyOnce() throws Exception {
        int total = 600_000;
        record(0, total);
        // Small files and a slow-ish drain: kills land during writes and commits.
        Path cfg = writeConfig(uri + "/crash", "rotation: {maxRows: 20000}\n");
        Random random = new Random(7);
        int kills = 0;
        for (; kills < 5; kills++) {
            Path log = dir.resolve("converter-" + kills + ".log");
            long committedBefore = committedFiles("/crash/all_types");
            Process p = ChildJvm.start(log, "-Xmx384m", ConverterChild.class, cfg.toString());
            // One 60 s deadline for both waits: the start and, every other round, the first commit.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Await.until(() -> "converter did not start: " + Files.readString(log), Duration.ofSeconds(60), () -> {
                if (Files.readString(log).contains("converter ready")) {
                    return true;
                }
                assertThat(p.isAlive()).as("converter died: %s", Files.readString(log)).isTrue();
                return false;
            });
            if (kills % 2 == 0) {
                // Every other kill lands just after this process committed a file, in the next file's write or commit.
                Await.until(() -> "converter committed nothing: " + Files.readString(log),
                        Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())), () -> {
                            if (committedFiles("/crash/all_types") != committedBefore) {
                                return true;
                            }
                            assertThat(p.isAlive()).as("converter died: %s", Files.readString(log)).isTrue();
                            return false;
                        });
                Thread.sleep(random.nextInt(200));
            } else {
                Thread.sleep(100 + random.nextInt(600));
            }
            p.destroyForcibly(); // SIGKILL, mid-write on HDFS
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(kills).isEqualTo(5);
        long beforeFinal = committedFiles("/crash/all_types");
        assertThat(beforeFinal).as("files the killed converters committed (three kills wait for one each)").isGreaterThanOrEqualTo(3);
        Process last = ChildJvm.start(dir.resolve("final.log"), "-Xmx384m", ConverterChild.class, cfg.toString(), "--until-idle");
        assertThat(last.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).as(Files.readString(dir.resolve("final.log"))).isZero();

        Path local = copyOut("/crash/all_types");
        assertExactlyOnce(local, total);
        // Footers tile the queue: no gap, no overlap.
        long[] indexes = new long[total];
        int[] n = {0};
        try (QueueReader r = QueueReader.open(dir.resolve("queue"))) {
            r.toStart();
            while (r.read((index, rec) -> indexes[n[0]++] = index, 65536) > 0) {
                // read all
            }
        }
        List<long[]> ranges = new ArrayList<>(Datasets.ranges(local));
        long expected = 0;
        for (long[] range : ranges) {
            assertThat(Arrays.binarySearch(indexes, range[0])).isEqualTo(expected);
            expected = Arrays.binarySearch(indexes, range[1]) + 1;
        }
        assertThat(expected).isEqualTo(total);
    }
}
