package io.parquetry.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.ConverterConfig;
import io.parquetry.converter.ConverterService;
import io.parquetry.converter.output.FooterKeys;
import io.parquetry.converter.parquet.ParquetSchemas;
import io.parquetry.converter.table.PublishedFile;
import io.parquetry.converter.table.TableSinkContext;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.schema.Schema;
import io.parquetry.testing.AllTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Committed files for the sink's tests, made the way production makes them: records into a queue, the converter into
 * a dataset; each file becomes a {@link PublishedFile} from its own footer.
 */
public final class TableFixtures {

    private static final Pattern PARTITION = Pattern.compile(".*/dt=(\\d{4}-\\d{2}-\\d{2})/hour=(\\d{2})/[^/]+$");

    private TableFixtures() {
    }

    public static void recordAllTypes(Path queue, long from, long to) {
        AllTypes t = new AllTypes();
        try (Recorder r = Recorder.open(queue, t.schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0)); RecordWriter w = r.newWriter()) {
            for (long s = from; s < to; s++) {
                assertThat(t.write(w, s)).isEqualTo(RecordWriter.OK);
            }
        }
    }

    /** Runs the converter over the queue until idle, writing files of at most {@code maxRows} rows. */
    public static void convert(Path workDir, Path queue, String output, String source, long maxRows, String extraYaml) {
        try {
            Path cfg = workDir.resolve("converter-" + source + ".yaml");
            Files.writeString(cfg, "queue: " + queue + "\noutput: " + output + "\nsource: " + source + "\nrotation: {maxRows: " + maxRows + "}\n"
                    + "hadoop:\n  dfs.replication: '1'\n  dfs.client.block.write.replace-datanode-on-failure.enable: 'false'\n" + extraYaml);
            ConverterService.run(ConverterConfig.load(cfg, ConverterConfig.Overrides.none()), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The committed files of one source under a dataset directory (any Hadoop URI), in index order. */
    public static List<PublishedFile> committedFiles(String datasetDir, String source, Configuration conf) {
        try {
            org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(datasetDir);
            FileSystem fs = dir.getFileSystem(conf);
            List<PublishedFile> out = new ArrayList<>();
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
            while (it.hasNext()) {
                FileStatus f = it.next();
                String name = f.getPath().getName();
                if (name.startsWith("part-" + source + "-") && name.endsWith(".parquet")) {
                    out.add(committedFile(fs, fs.makeQualified(f.getPath()), conf));
                }
            }
            out.sort(Comparator.comparingLong(PublishedFile::firstIndex));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PublishedFile committedFile(FileSystem fs, org.apache.hadoop.fs.Path path, Configuration conf) throws IOException {
        ParquetMetadata footer;
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(path, conf), ParquetReadOptions.builder().build())) {
            footer = r.getFooter();
        }
        Map<String, String> kv = footer.getFileMetaData().getKeyValueMetaData();
        Matcher m = PARTITION.matcher(path.toString());
        if (!m.matches()) {
            throw new IllegalStateException("not in a dt=/hour= partition: " + path);
        }
        long cycleStart = LocalDate.parse(m.group(1)).atTime(Integer.parseInt(m.group(2)), 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        return new PublishedFile(path.toString(), fs.getFileStatus(path).getLen(), Long.parseLong(kv.get(FooterKeys.RECORD_COUNT)),
                Long.parseLong(kv.get(FooterKeys.FIRST_INDEX)), Long.parseLong(kv.get(FooterKeys.LAST_INDEX)), cycleStart, footer);
    }

    public static TableSinkContext context(Map<String, String> settings, Schema schema, String source, String queueId, String datasetDir,
            Configuration conf) {
        return new TableSinkContext(settings, schema, ParquetSchemas.toParquet(schema), source, queueId, datasetDir, conf);
    }

    /** The converter's Hadoop configuration for local output: the raw file system, no .crc side files. */
    public static Configuration localConf() {
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", org.apache.hadoop.fs.RawLocalFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        return conf;
    }
}
