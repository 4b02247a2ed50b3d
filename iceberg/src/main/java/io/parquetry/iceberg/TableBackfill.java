package io.parquetry.iceberg;

import io.parquetry.converter.output.FooterKeys;
import io.parquetry.converter.output.Output;
import io.parquetry.converter.parquet.ParquetSchemas;
import io.parquetry.converter.table.PublishedFile;
import io.parquetry.converter.table.TableSink;
import io.parquetry.converter.table.TableSinkContext;
import io.parquetry.converter.table.TableSinkProvider;
import io.parquetry.reader.QueueReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Appends a source's files that are already in a dataset to a table, in index order, skipping what the table has
 * (the converter's recovery rule): for a table added to an existing dataset. Footers give each file's index range;
 * the queue gives the schema, its identity (only files whose footer carries it are appended: a re-created queue's or
 * another host's files under the same source are not this queue's) and the cycle (partition) of each file.
 *
 * <pre>
 * java -cp ... io.parquetry.iceberg.TableBackfill QUEUE_DIR DATASET_URI SOURCE [table.key=value ...]
 * </pre>
 */
public final class TableBackfill {

    private TableBackfill() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: TableBackfill QUEUE_DIR DATASET_URI SOURCE [key=value ...]  (keys of the table: section)");
            System.exit(2);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 3; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("not key=value: " + args[i]);
            }
            settings.put(kv[0].startsWith("table.") ? kv[0].substring(6) : kv[0], kv[1]);
        }
        Configuration conf = Output.hadoopConfiguration(Map.of()); // the converter's own: raw local file system, no forks
        Result r = run(Path.of(args[0]), args[1], args[2], settings, conf);
        System.out.println("appended " + r.appended() + " files of queue " + r.queueId() + " (" + r.otherQueues()
                + " files of source " + args[2] + " from other queues left out)");
    }

    /**
     * @param appended files appended to the table
     * @param otherQueues files of the source whose footer names another queue (left out)
     */
    record Result(String queueId, int appended, int otherQueues) {
    }

    /** Appends the files of the queue at {@code queue} (its own identity). */
    static Result run(Path queue, String dataset, String source, Map<String, String> settings, Configuration conf) throws IOException {
        String id;
        try (QueueReader reader = QueueReader.open(queue)) {
            id = reader.identity().id();
        }
        return run(queue, dataset, source, id, settings, conf);
    }

    static Result run(Path queue, String dataset, String source, String queueId, Map<String, String> settings, Configuration conf)
            throws IOException {
        try (QueueReader reader = QueueReader.open(queue)) {
            long cycleMillis = reader.cycleLengthMillis();
            org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(dataset);
            FileSystem fs = dir.getFileSystem(conf);
            String qualified = fs.makeQualified(dir).toString();
            FileStatus[] found = fs.globStatus(new org.apache.hadoop.fs.Path(dir, "dt=*/hour=*/part-" + source + "-*.parquet"));
            List<PublishedFile> files = new ArrayList<>();
            int others = 0;
            for (FileStatus f : found == null ? new FileStatus[0] : found) {
                org.apache.hadoop.fs.Path p = fs.makeQualified(f.getPath());
                ParquetMetadata footer = footer(p, conf);
                Map<String, String> kv = footer.getFileMetaData().getKeyValueMetaData();
                if (!queueId.equals(kv.get(FooterKeys.QUEUE_ID))) {
                    others++;
                    continue; // another queue of this source (a re-created queue, another host with the same source id)
                }
                long first = Long.parseLong(kv.get(FooterKeys.FIRST_INDEX));
                files.add(new PublishedFile(p.toString(), f.getLen(), Long.parseLong(kv.get(FooterKeys.RECORD_COUNT)), first,
                        Long.parseLong(kv.get(FooterKeys.LAST_INDEX)), reader.cycleOf(first) * cycleMillis, footer));
            }
            files.sort(Comparator.comparingLong(PublishedFile::firstIndex));
            TableSinkContext context = new TableSinkContext(settings, reader.schema(), ParquetSchemas.toParquet(reader.schema()), source, queueId,
                    qualified, conf);
            try (TableSink sink = TableSinkProvider.forType(settings.getOrDefault("type", "iceberg")).open(context)) {
                long last = sink.lastCommittedIndex();
                int appended = 0;
                for (PublishedFile f : files) {
                    if (f.lastIndex() > last) {
                        sink.append(f);
                        appended++;
                    }
                }
                return new Result(queueId, appended, others);
            }
        }
    }

    static ParquetMetadata footer(org.apache.hadoop.fs.Path file, Configuration conf) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf), ParquetReadOptions.builder().build())) {
            return r.getFooter();
        }
    }
}
