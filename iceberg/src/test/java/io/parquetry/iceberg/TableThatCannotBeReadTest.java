package io.parquetry.iceberg;

import static io.parquetry.iceberg.TableFixtures.committedFiles;
import static io.parquetry.iceberg.TableFixtures.context;
import static io.parquetry.iceberg.TableFixtures.convert;
import static io.parquetry.iceberg.TableFixtures.localConf;
import static io.parquetry.iceberg.TableFixtures.recordAllTypes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.converter.ConverterConfig;
import io.parquetry.converter.ConverterService;
import io.parquetry.converter.table.PublishedFile;
import io.parquetry.converter.table.TableSinkProvider;
import io.parquetry.status.ConverterState;
import io.parquetry.status.ConverterStatusDescriptor;
import io.parquetry.status.StatusFile;
import io.parquetry.status.StatusSnapshot;
import io.parquetry.testing.AllTypes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table whose current metadata a power cut emptied (written before its files were synced) is found before Iceberg
 * would retry reading it for ~90 s: one line naming the table, the file, why, the previous metadata file and the way out,
 * and not retried. The way out the line gives is then followed, and works.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TableThatCannotBeReadTest {

    /** Far below Iceberg's ~90 s of retries, and the sink's five rounds of them. */
    private static final long FAST_MS = 10_000;

    @TempDir
    Path dir;

    private final Configuration conf = localConf();

    private String dataset() {
        return "file:" + dir.resolve("out/all_types");
    }

    private Path catalogFile() {
        return dir.resolve("out/all_types/_iceberg/catalog.sqlite");
    }

    private IcebergTableSink open(Map<String, String> settings, String queueId) throws Exception {
        return (IcebergTableSink) TableSinkProvider.forType("iceberg").open(context(settings, new AllTypes().schema, "a", queueId, dataset(), conf));
    }

    /** Three files of 1,000 records, all in the table (one snapshot each), made by the converter with the default table. */
    private List<PublishedFile> tableOfThreeFiles(Map<String, String> settings) throws Exception {
        recordAllTypes(dir.resolve("queue"), 0, 3000);
        convert(dir, dir.resolve("queue"), dir.resolve("out").toString(), "a", 1000, "");
        List<PublishedFile> files = committedFiles(dataset(), "a", conf);
        try (IcebergTableSink sink = open(settings, "q1")) {
            for (PublishedFile f : files) {
                sink.append(f);
            }
        }
        return files;
    }

    /** metadata_location and previous_metadata_location of the table's catalog row. */
    private String[] catalogRow() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalogFile()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT metadata_location, previous_metadata_location FROM iceberg_tables WHERE table_name = 'all_types'")) {
            assertThat(rs.next()).isTrue();
            return new String[] {rs.getString(1), rs.getString(2)};
        }
    }

    private static Path local(String location) {
        return Path.of(java.net.URI.create(location));
    }

    /** What a power cut leaves of a file written and never synced: its name, and no bytes. */
    private static void empty(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
    }

    private IllegalStateException refusedQuickly(Map<String, String> settings) {
        long start = System.nanoTime();
        IllegalStateException e = (IllegalStateException) org.assertj.core.api.Assertions.catchThrowable(() -> open(settings, "q1").close());
        assertThat(e).as("opening a table whose current metadata is unreadable").isNotNull();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("found before Iceberg's retries").isLessThan(FAST_MS);
        assertThat(e.getMessage()).as("one line").doesNotContain("\n");
        return e;
    }

    @Test
    void anEmptiedCurrentMetadataFileIsOneLineNamingItThePreviousOneAndTheUpdateThatMendsIt() throws Exception {
        List<PublishedFile> files = tableOfThreeFiles(Map.of());
        String[] row = catalogRow();
        empty(local(row[0]));

        IllegalStateException e = refusedQuickly(Map.of());
        assertThat(e.getMessage()).startsWith("the table's current metadata cannot be read: table=parquetry/parquetry.all_types, metadata="
                + row[0] + ": is empty (0 bytes: written without a sync and lost in a power cut?); previous metadata file in the catalog: "
                + row[1] + " (intact); newest intact metadata file: " + row[1] + ". With every converter of the table stopped, point the catalog"
                + " at it (UPDATE iceberg_tables SET metadata_location = '" + row[1] + "', previous_metadata_location = NULL WHERE"
                + " catalog_name = 'parquetry' AND table_namespace = 'parquetry' AND table_name = 'all_types') (catalog sqlite: sqlite3 "
                + catalogFile() + " \"...\"); each converter then appends the files the table lacks.")
                .contains("io.parquetry.iceberg.TableBackfill").endsWith("(docs/TABLES.md, \"A table that cannot be read\")");

        // The way out, as the line gives it: the catalog back at the previous metadata, which lacks the third file.
        runTheUpdateIn(e.getMessage());
        try (IcebergTableSink sink = open(Map.of(), "q1")) {
            assertThat(sink.lastCommittedIndex()).isEqualTo(files.get(1).lastIndex());
            sink.append(files.get(2)); // what the converter's recovery does with a file the table lacks
            assertThat(rows(sink.table())).hasSize(3000);
        }
    }

    @Test
    void aConverterStartingOnAnUnreadableTableStopsWithTheLineAndItsStatusSaysFailed() throws Exception {
        tableOfThreeFiles(Map.of());
        String current = catalogRow()[0];
        empty(local(current));
        ConverterConfig cfg = ConverterConfig.parse("queue: " + dir.resolve("queue") + "\noutput: " + dir.resolve("out") + "\nsource: a\n"
                + ConverterIntoIcebergTest.TABLE, "test.yaml", ConverterConfig.Overrides.none());
        long start = System.nanoTime();
        assertThatThrownBy(() -> ConverterService.run(cfg, true)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the table's current metadata cannot be read: table=parquetry/parquetry.all_types, metadata=" + current);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("not retried").isLessThan(FAST_MS);
        try (StatusFile s = StatusFile.open(cfg.statusFile(), false)) {
            StatusSnapshot snap = s.snapshot();
            assertThat(ConverterState.decode(snap.value(ConverterStatusDescriptor.STATE))).isEqualTo(ConverterState.FAILED);
            assertThat(snap.text(ConverterStatusDescriptor.TEXT_LAST_ERROR)).startsWith("the table's current metadata cannot be read");
            assertThat(snap.value(ConverterStatusDescriptor.ERRORS)).isEqualTo(1);
        }
    }

    @Test
    void aTornMetadataFileAndALostManifestListAreNamedAndWithNothingIntactTheLineSaysDropAndBackfill() throws Exception {
        tableOfThreeFiles(Map.of());
        String[] row = catalogRow();
        // A cut that kept the file's size and lost its pages: zeros.
        Files.write(local(row[0]), new byte[(int) Files.size(local(row[0]))]);
        assertThat(refusedQuickly(Map.of()).getMessage()).contains("metadata=" + row[0] + ": does not parse (");

        // Metadata intact, its snapshot's manifest list emptied: an append would fail reading it.
        runTheUpdate(row[1]);
        Path list = manifestListOf(row[1]);
        empty(list);
        assertThat(refusedQuickly(Map.of()).getMessage()).contains("metadata=" + row[1] + ": its current snapshot's manifest list is empty"
                + " (lost in a power cut?) (" + list.toUri().toString().replace("file:///", "file:/") + ")");

        // Every metadata file emptied, as the power-cut test found them with Iceberg's own file IO.
        try (var all = Files.list(local(row[0]).getParent())) {
            for (Path p : all.filter(p -> p.getFileName().toString().endsWith(".metadata.json")).toList()) {
                empty(p);
            }
        }
        assertThat(refusedQuickly(Map.of()).getMessage()).contains("; no intact metadata file is left in ")
                .contains("drop the table from the catalog (DELETE FROM iceberg_tables WHERE catalog_name = 'parquetry' AND table_namespace ="
                        + " 'parquetry' AND table_name = 'all_types') (catalog sqlite: sqlite3 " + catalogFile() + " \"...\") and append the"
                        + " dataset's files to a new one with io.parquetry.iceberg.TableBackfill");
    }

    @Test
    void theHadoopCatalogsEmptiedNewestVersionIsNamedWithTheVersionHintToWrite() throws Exception {
        Map<String, String> hadoop = Map.of("catalog", "hadoop");
        tableOfThreeFiles(hadoop);
        Path metadata = dir.resolve("out/all_types/_iceberg/parquetry/all_types/metadata");
        int newest = Integer.parseInt(Files.readString(metadata.resolve("version-hint.text")).trim());
        empty(metadata.resolve("v" + newest + ".metadata.json"));
        assertThat(refusedQuickly(hadoop).getMessage()).startsWith("the table's current metadata cannot be read: table=parquetry/parquetry.all_types,"
                + " metadata=file:" + metadata.resolve("v" + newest + ".metadata.json") + ": is empty")
                .contains("; previous metadata file: file:" + metadata.resolve("v" + (newest - 1) + ".metadata.json") + " (intact); ")
                .contains("move the metadata files of versions " + newest + " to " + newest + " out of file:" + metadata + " and write " + (newest - 1)
                        + " into file:" + metadata.resolve("version-hint.text"));
        // The way out: the newest version moved aside, the hint one back.
        Files.move(metadata.resolve("v" + newest + ".metadata.json"), dir.resolve("v" + newest + ".metadata.json.broken"));
        Files.writeString(metadata.resolve("version-hint.text"), Integer.toString(newest - 1));
        try (IcebergTableSink sink = open(hadoop, "q1")) {
            assertThat(rows(sink.table())).hasSize(2000);
        }
    }

    private void runTheUpdateIn(String message) throws Exception {
        Matcher m = Pattern.compile("\\((UPDATE iceberg_tables SET .*? table_name = 'all_types')\\)").matcher(message);
        assertThat(m.find()).as(message).isTrue();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + catalogFile()); Statement st = c.createStatement()) {
            assertThat(st.executeUpdate(m.group(1))).isEqualTo(1);
        }
    }

    private void runTheUpdate(String metadata) throws Exception {
        runTheUpdateIn("(UPDATE iceberg_tables SET metadata_location = '" + metadata + "', previous_metadata_location = NULL WHERE catalog_name ="
                + " 'parquetry' AND table_namespace = 'parquetry' AND table_name = 'all_types')");
    }

    private Path manifestListOf(String metadata) {
        org.apache.iceberg.TableMetadata m = org.apache.iceberg.TableMetadataParser.read(new SyncingHadoopFileIO(conf), metadata);
        return local(m.currentSnapshot().manifestListLocation());
    }

    private static List<Record> rows(Table table) throws Exception {
        table.refresh();
        List<Record> out = new ArrayList<>();
        try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
            it.forEach(out::add);
        }
        return out;
    }
}
