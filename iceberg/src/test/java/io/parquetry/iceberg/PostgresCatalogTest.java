package io.parquetry.iceberg;

import static io.parquetry.iceberg.TableFixtures.committedFiles;
import static io.parquetry.iceberg.TableFixtures.context;
import static io.parquetry.iceberg.TableFixtures.convert;
import static io.parquetry.iceberg.TableFixtures.localConf;
import static io.parquetry.iceberg.TableFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.converter.table.PublishedFile;
import io.parquetry.converter.table.TableSinkProvider;
import io.parquetry.testing.AllTypes;
import io.parquetry.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iceberg's JDBC catalog on a real PostgreSQL server (started by the test on a local port, see {@link PostgresServer}):
 * the catalog for many hosts. Two converter processes of two sources commit into one table at once. Skipped, saying
 * why, only where no server can be started, and never in CI (CI set): there it fails.
 */
@Tag("slow")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PostgresCatalogTest {

    private static PostgresServer server;

    @TempDir
    Path dir;

    private final Configuration conf = localConf();

    @BeforeAll
    static void startPostgres() throws Exception {
        String why = PostgresServer.unavailableReason();
        if (why != null && System.getenv("CI") != null) {
            throw new IllegalStateException("CI must be able to start PostgreSQL (.ci/run installs Debian's postgresql): " + why);
        }
        if (why != null) {
            System.err.println("SKIPPED PostgresCatalogTest: " + why);
        }
        Assumptions.assumeTrue(why == null, why);
        server = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (server != null) {
            server.close();
        }
    }

    private Map<String, String> settings() {
        return Map.of("catalog", "jdbc", "uri", server.jdbcUrl(), "jdbc.user", "parquetry", "warehouse", "file:" + dir.resolve("warehouse"));
    }

    private String dataset() {
        return "file:" + dir.resolve("out/all_types");
    }

    @Test
    void twoProcessesOfTwoSourcesCommitIntoOneTableOnPostgres() throws Exception {
        for (String source : new String[] {"a", "b"}) {
            recordAllTypes(dir.resolve("queue-" + source), 0, 10_000);
            convert(dir, dir.resolve("queue-" + source), dir.resolve("out").toString(), source, 500, "");
        }
        Path props = dir.resolve("table.properties");
        StringBuilder sb = new StringBuilder();
        settings().forEach((k, v) -> sb.append(k).append('=').append(v.replace(":", "\\:")).append('\n'));
        Files.writeString(props, sb.toString());
        List<Process> children = new ArrayList<>();
        for (String source : new String[] {"a", "b"}) {
            children.add(ChildJvm.start(dir.resolve("child-" + source + ".log"), "-Xmx256m", SinkChild.class, props.toString(), dataset(), source,
                    "q1"));
        }
        String[] names = {"a", "b"};
        for (int i = 0; i < 2; i++) {
            Path log = dir.resolve("child-" + names[i] + ".log");
            assertThat(children.get(i).waitFor(180, TimeUnit.SECONDS)).as("child did not finish: %s", Files.readString(log)).isTrue();
            assertThat(children.get(i).exitValue()).as(Files.readString(log)).isZero();
            assertThat(Files.readString(log)).contains("APPENDED 20 ATTEMPTS");
            System.out.println("postgres " + names[i] + ": " + Files.readString(log).lines().filter(l -> l.startsWith("APPENDED")).findFirst()
                    .orElse(""));
        }
        try (IcebergTableSink sink = (IcebergTableSink) TableSinkProvider.forType("iceberg")
                .open(context(settings(), new AllTypes().schema, "a", "q1", dataset(), conf))) {
            var table = sink.table();
            long rows = 0;
            long seqSum = 0;
            try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
                for (Record r : it) {
                    rows++;
                    seqSum += (Long) r.getField("seq");
                }
            }
            assertThat(rows).isEqualTo(20_000);
            assertThat(seqSum).isEqualTo(2L * 10_000 * 9_999 / 2);
            int a = 0;
            int b = 0;
            for (Snapshot s : table.snapshots()) {
                a += "a".equals(s.summary().get(SummaryKeys.SOURCE)) ? 1 : 0;
                b += "b".equals(s.summary().get(SummaryKeys.SOURCE)) ? 1 : 0;
            }
            assertThat(a).isEqualTo(20);
            assertThat(b).isEqualTo(20);
            List<PublishedFile> filesA = committedFiles(dataset(), "a", conf);
            assertThat(sink.lastCommittedIndex()).isEqualTo(filesA.get(19).lastIndex());
            assertThatThrownBy(() -> sink.append(filesA.get(19))).isInstanceOf(IllegalStateException.class);
        }
        // The catalog lives in PostgreSQL: one table row, pointing at the newest metadata file.
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(), "parquetry", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT catalog_name, table_namespace, table_name, metadata_location FROM iceberg_tables"
                     + " WHERE table_name = 'all_types'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1) + "/" + rs.getString(2) + "." + rs.getString(3)).isEqualTo("parquetry/parquetry.all_types");
            assertThat(rs.getString(4)).contains("/warehouse/parquetry/all_types/metadata/");
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void twoConverterProcessesOfTwoSourcesCommitIntoOneTableOnPostgres() throws Exception {
        Path[] configs = new Path[2];
        String[] names = {"a", "b"};
        for (int i = 0; i < 2; i++) {
            Path queue = dir.resolve("queue-" + names[i]);
            recordAllTypes(queue, 0, 10_000);
            configs[i] = dir.resolve("converter-" + names[i] + ".yaml");
            Files.writeString(configs[i], "queue: " + queue + "\noutput: " + dir.resolve("out") + "\nsource: " + names[i]
                    + "\nrotation: {maxRows: 500}\ntable:\n  type: iceberg\n  catalog: jdbc\n  uri: '" + server.jdbcUrl()
                    + "'\n  jdbc.user: parquetry\n  warehouse: 'file:" + dir.resolve("warehouse") + "'\n  name: by_converters\n");
        }
        List<Process> converters = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            converters.add(ChildJvm.start(dir.resolve("converter-" + names[i] + ".log"), "-Xmx256m", io.parquetry.converter.ConverterChild.class,
                    configs[i].toString(), "--until-idle"));
        }
        for (int i = 0; i < 2; i++) {
            Path log = dir.resolve("converter-" + names[i] + ".log");
            assertThat(converters.get(i).waitFor(180, TimeUnit.SECONDS)).as("converter did not finish: %s", Files.readString(log)).isTrue();
            assertThat(converters.get(i).exitValue()).as(Files.readString(log)).isZero();
        }
        for (String source : names) {
            String queueId;
            try (io.parquetry.reader.QueueReader r = io.parquetry.reader.QueueReader.open(dir.resolve("queue-" + source))) {
                queueId = r.identity().id();
            }
            Map<String, String> settings = new java.util.HashMap<>(settings());
            settings.put("name", "by_converters"); // a table of its own: the server is shared with the other test
            try (IcebergTableSink sink = (IcebergTableSink) TableSinkProvider.forType("iceberg")
                    .open(context(settings, new AllTypes().schema, source, queueId, dataset(), conf))) {
                var table = sink.table();
                long rows = 0;
                try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
                    for (Record r : it) {
                        rows++;
                    }
                }
                assertThat(rows).as("both sources' records, once each").isEqualTo(20_000);
                long own = 0;
                for (Snapshot s : table.snapshots()) {
                    own += source.equals(s.summary().get(SummaryKeys.SOURCE)) ? 1 : 0;
                }
                assertThat(own).as("one snapshot per committed file of source %s", source).isEqualTo(20);
                List<PublishedFile> files = committedFiles(dataset(), source, conf);
                assertThat(sink.lastCommittedIndex()).isEqualTo(files.get(files.size() - 1).lastIndex());
            }
        }
    }
}
