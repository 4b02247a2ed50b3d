package io.parquetry.iceberg;

import io.parquetry.converter.table.PublishedFile;
import io.parquetry.converter.table.TableSinkProvider;
import io.parquetry.testing.AllTypes;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A converter's table side in its own process, for the concurrency tests: appends every committed file of one source
 * (found under a dataset directory) to the table the settings name, following the recovery rule, and prints its counts.
 * Arguments: settings.properties datasetDir source queueId.
 */
public final class SinkChild {

    private SinkChild() {
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
            p.load(r);
        }
        Map<String, String> settings = new HashMap<>();
        p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k)));
        String dataset = args[1];
        String source = args[2];
        String queueId = args[3];
        var conf = TableFixtures.localConf();
        List<PublishedFile> files = TableFixtures.committedFiles(dataset, source, conf);
        System.out.println("STARTED " + files.size());
        System.out.flush();
        try (IcebergTableSink sink = (IcebergTableSink) TableSinkProvider.forType("iceberg")
                .open(TableFixtures.context(settings, new AllTypes().schema, source, queueId, dataset, conf))) {
            long last = sink.lastCommittedIndex();
            for (PublishedFile f : files) {
                if (f.lastIndex() > last) {
                    sink.append(f);
                }
            }
            System.out.println("APPENDED " + sink.appends() + " ATTEMPTS " + sink.attempts());
        }
        System.out.flush();
        System.exit(0);
    }
}
