package io.parquetry.iceberg;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.AvroRuntimeException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.hadoop.Util;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.util.LocationUtil;

/**
 * Checks, before Iceberg reads it, that the metadata a table's catalog points at can be read: the metadata file exists,
 * is not empty and parses, and its current snapshot's manifest list and manifests are there whole.
 *
 * <p>Iceberg retries reading a current metadata file that fails to parse for about 90 s (20 attempts, hard-coded), and
 * the sink and the converter retried that in turn, forever: a table whose files a power cut emptied (written without a
 * sync, before {@link SyncingHadoopFileIO}) kept its converter busy with nothing but stack traces. Found here, it is one
 * line that names the file, why, the previous metadata file and the way out, and the converter stops. A failure to reach
 * the file system (an outage) is not a finding: it stays an {@link IOException}, which the converter retries.
 */
final class CurrentMetadata {

    private static final String ROW_SQL = "SELECT metadata_location, previous_metadata_location FROM iceberg_tables"
            + " WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?";
    /** A committed metadata file of a JDBC catalog's table: {@code 00012-<uuid>.metadata.json}, gzipped or not. */
    private static final Pattern JDBC_NAME = Pattern.compile("(\\d{5,})-[0-9a-f-]{36}\\.(gz\\.)?metadata\\.json(\\.gz)?");
    /** A metadata file of a Hadoop catalog's table: {@code v12.metadata.json}, gzipped or not (not its uncommitted temporary files). */
    private static final Pattern HADOOP_NAME = Pattern.compile("v(\\d+)\\.(gz\\.)?metadata\\.json(\\.gz)?");
    private static final String[] HADOOP_NAMES = {"v%d.metadata.json", "v%d.gz.metadata.json", "v%d.metadata.json.gz"};
    /** Candidates tried when looking for an intact earlier metadata file (only after the current one failed). */
    private static final int CANDIDATES = 50;

    private CurrentMetadata() {
    }

    /**
     * @throws IllegalStateException one line naming the table, the unreadable file and the way out, when the catalog
     *     points at metadata that cannot be read
     * @throws IOException when the catalog or the file system cannot be reached (worth retrying)
     */
    static void check(IcebergSettings s, Configuration conf) throws IOException {
        FileIO io = new SyncingHadoopFileIO(conf);
        if (s.catalogType() == IcebergSettings.Catalog.HADOOP) {
            checkHadoop(s, conf, io);
        } else {
            checkJdbc(s, conf, io);
        }
    }

    private static void checkJdbc(IcebergSettings s, Configuration conf, FileIO io) throws IOException {
        String current;
        String previous;
        Properties props = new Properties();
        for (Map.Entry<String, String> e : Catalogs.jdbcProperties(s).entrySet()) {
            props.setProperty(e.getKey().substring("jdbc.".length()), e.getValue());
        }
        try (Connection c = DriverManager.getConnection(Catalogs.jdbcUri(s), props); PreparedStatement st = c.prepareStatement(ROW_SQL)) {
            st.setString(1, s.catalogName());
            st.setString(2, s.namespace());
            st.setString(3, s.name());
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return; // no such table yet: the sink creates it
                }
                current = rs.getString(1);
                previous = rs.getString(2);
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the catalog's record of the table: table=" + s.tableName() + ", catalog=" + Catalogs.jdbcUri(s)
                    + ": " + e.getMessage(), e);
        }
        if (current == null) {
            return;
        }
        Problem p = problem(io, current);
        if (p == null) {
            return;
        }
        Problem prev = previous == null ? null : problem(io, previous);
        String intact = newestIntact(io, conf, parent(current), current, JDBC_NAME);
        String where = "catalog_name = '" + s.catalogName() + "' AND table_namespace = '" + s.namespace() + "' AND table_name = '" + s.name() + "'";
        String sqlite = s.catalogType() == IcebergSettings.Catalog.SQLITE ? " (catalog sqlite: sqlite3 " + java.nio.file.Path.of(s.sqliteFile())
                .toAbsolutePath() + " \"...\")" : "";
        String wayOut = intact == null
                ? "no intact metadata file is left in " + parent(current) + ": with every converter of the table stopped, drop the table from the"
                        + " catalog (DELETE FROM iceberg_tables WHERE " + where + ")" + sqlite + " and append the dataset's files to a new"
                        + " one with io.parquetry.iceberg.TableBackfill"
                : "newest intact metadata file: " + intact + ". With every converter of the table stopped, point the catalog at it (UPDATE"
                        + " iceberg_tables SET metadata_location = '" + intact + "', previous_metadata_location = NULL WHERE " + where + ")"
                        + sqlite + "; each converter then appends the files the table lacks. Or drop the table and append the dataset's files"
                        + " with io.parquetry.iceberg.TableBackfill";
        throw new IllegalStateException("the table's current metadata cannot be read: table=" + s.tableName() + ", metadata=" + current + ": "
                + p + "; previous metadata file in the catalog: " + (previous == null ? "none" : previous + (prev == null ? " (intact)"
                : " (also unreadable: " + prev + ")")) + "; " + wayOut + " (docs/TABLES.md, \"A table that cannot be read\")");
    }

    private static void checkHadoop(IcebergSettings s, Configuration conf, FileIO io) throws IOException {
        Path metadataDir = new Path(LocationUtil.stripTrailingSlash(s.warehouse()) + "/" + s.namespace() + "/" + s.name() + "/metadata");
        FileSystem fs = Util.getFs(metadataDir, conf);
        if (!fs.exists(metadataDir)) {
            return;
        }
        Path hint = new Path(metadataDir, "version-hint.text");
        int version = hintedVersion(fs, hint);
        if (version < 0) {
            version = highestListed(fs, metadataDir); // as Iceberg does when the hint cannot be read
        }
        Path current = hadoopMetadataFile(fs, metadataDir, version);
        if (current == null && version == 0) {
            return; // no table yet
        }
        String wayOutTail = " (docs/TABLES.md, \"A table that cannot be read\")";
        if (current == null) {
            throw new IllegalStateException("the table's current metadata cannot be read: table=" + s.tableName() + ", metadata="
                    + new Path(metadataDir, String.format(HADOOP_NAMES[0], version)) + ": does not exist (" + hint + " names version " + version
                    + "); with every converter of the table stopped, write the highest version whose file is intact into " + hint + wayOutTail);
        }
        for (Path next = hadoopMetadataFile(fs, metadataDir, version + 1); next != null; next = hadoopMetadataFile(fs, metadataDir, version + 1)) {
            version++;
            current = next;
        }
        Problem p = problem(io, current.toString());
        if (p == null) {
            return;
        }
        Path previous = hadoopMetadataFile(fs, metadataDir, version - 1);
        Problem prev = previous == null ? null : problem(io, previous.toString());
        String intact = newestIntact(io, conf, metadataDir.toString(), current.toString(), HADOOP_NAME);
        Matcher m = intact == null ? null : HADOOP_NAME.matcher(new Path(intact).getName());
        String wayOut = m == null || !m.matches()
                ? "no intact metadata file is left in " + metadataDir + ": with every converter of the table stopped, move the table's directory"
                        + " aside and append the dataset's files to a new table with io.parquetry.iceberg.TableBackfill"
                : "newest intact metadata file: " + intact + ". With every converter of the table stopped, move the metadata files of versions "
                        + (Integer.parseInt(m.group(1)) + 1) + " to " + version + " out of " + metadataDir + " and write " + m.group(1) + " into " + hint
                        + "; each converter then appends the files the table lacks. Or move the table's directory aside and append the dataset's"
                        + " files with io.parquetry.iceberg.TableBackfill";
        throw new IllegalStateException("the table's current metadata cannot be read: table=" + s.tableName() + ", metadata=" + current + ": " + p
                + "; previous metadata file: " + (previous == null ? "none" : previous + (prev == null ? " (intact)" : " (also unreadable: " + prev
                + ")")) + "; " + wayOut + wayOutTail);
    }

    private static int hintedVersion(FileSystem fs, Path hint) {
        try (java.io.BufferedReader in = new java.io.BufferedReader(new InputStreamReader(fs.open(hint), StandardCharsets.UTF_8))) {
            String line = in.readLine();
            return line == null ? -1 : Integer.parseInt(line.trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static int highestListed(FileSystem fs, Path metadataDir) throws IOException {
        int max = 0;
        for (FileStatus f : fs.listStatus(metadataDir)) {
            Matcher m = HADOOP_NAME.matcher(f.getPath().getName());
            if (m.matches()) {
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        return max;
    }

    private static Path hadoopMetadataFile(FileSystem fs, Path metadataDir, int version) throws IOException {
        for (String name : HADOOP_NAMES) {
            Path p = new Path(metadataDir, String.format(name, version));
            if (fs.exists(p)) {
                return p;
            }
        }
        return null;
    }

    /** What is wrong with a metadata file and what it depends on. */
    record Problem(String file, String why) {
        @Override
        public String toString() {
            return file == null ? why : why + " (" + file + ")";
        }
    }

    /**
     * What keeps the metadata file at {@code location} from being read, or null when it and its current snapshot's
     * manifest list and manifests are whole.
     *
     * @throws IOException when the file system cannot be asked (an outage, not a finding)
     */
    static Problem problem(FileIO io, String location) throws IOException {
        InputFile in = io.newInputFile(location);
        long length;
        try {
            if (!in.exists()) {
                return new Problem(null, "does not exist");
            }
            length = in.getLength();
        } catch (RuntimeException e) {
            throw new IOException("cannot look at the table's metadata file: file=" + location + ": " + e, e);
        }
        if (length == 0) {
            return new Problem(null, "is empty (0 bytes: written without a sync and lost in a power cut?)");
        }
        TableMetadata metadata;
        try {
            metadata = TableMetadataParser.read(in);
        } catch (RuntimeException e) {
            return contentProblem(e, location, null, "does not parse (" + length + " bytes, torn in a power cut?): " + innermost(e));
        }
        Snapshot current = metadata.currentSnapshot();
        if (current == null || current.manifestListLocation() == null) {
            return null;
        }
        String list = current.manifestListLocation();
        InputFile listFile = io.newInputFile(list);
        try {
            if (!listFile.exists()) {
                return new Problem(list, "its current snapshot's manifest list does not exist");
            }
            if (listFile.getLength() == 0) {
                return new Problem(list, "its current snapshot's manifest list is empty (lost in a power cut?)");
            }
        } catch (RuntimeException e) {
            throw new IOException("cannot look at the table's manifest list: file=" + list + ": " + e, e);
        }
        List<ManifestFile> manifests;
        try {
            manifests = current.allManifests(io);
        } catch (RuntimeException e) {
            return contentProblem(e, list, list, "its current snapshot's manifest list does not parse: " + innermost(e));
        }
        for (ManifestFile mf : manifests) {
            InputFile f = io.newInputFile(mf.path());
            try {
                if (!f.exists()) {
                    return new Problem(mf.path(), "a manifest of its current snapshot does not exist");
                }
                long len = f.getLength();
                if (len != mf.length()) {
                    return new Problem(mf.path(), "a manifest of its current snapshot is " + len + " bytes, its manifest list says " + mf.length()
                            + " (lost in a power cut?)");
                }
            } catch (RuntimeException e) {
                throw new IOException("cannot look at the table's manifest: file=" + mf.path() + ": " + e, e);
            }
        }
        return null;
    }

    /** A read that failed on what it read is a finding; one that failed to read (an outage) is rethrown to be retried. */
    private static Problem contentProblem(RuntimeException e, String location, String file, String why) throws IOException {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JsonProcessingException || t instanceof EOFException || t instanceof java.util.zip.ZipException
                    || t instanceof AvroRuntimeException || t instanceof org.apache.avro.InvalidAvroMagicException
                    || t instanceof IllegalArgumentException || t instanceof NullPointerException) {
                return new Problem(file, why);
            }
        }
        if (e instanceof UncheckedIOException || e.getCause() instanceof IOException) {
            throw new IOException("cannot read the table's metadata: file=" + location + ": " + innermost(e), e);
        }
        return new Problem(file, why);
    }

    /**
     * The newest metadata file in {@code dir}, other than {@code bad}, that can be read whole, or null. Tried newest
     * first by version number, at most {@value #CANDIDATES}: only on the failure path.
     */
    private static String newestIntact(FileIO io, Configuration conf, String dir, String bad, Pattern names) throws IOException {
        Path d = new Path(dir);
        FileStatus[] all;
        try {
            all = Util.getFs(d, conf).listStatus(d);
        } catch (java.io.FileNotFoundException e) {
            return null;
        }
        List<FileStatus> candidates = new ArrayList<>();
        for (FileStatus f : all) {
            if (names.matcher(f.getPath().getName()).matches() && !f.getPath().getName().equals(new Path(bad).getName())) {
                candidates.add(f);
            }
        }
        candidates.sort(Comparator.comparingLong((FileStatus f) -> version(names, f.getPath().getName()))
                .thenComparingLong(FileStatus::getModificationTime).reversed());
        for (int i = 0; i < Math.min(CANDIDATES, candidates.size()); i++) {
            String location = candidates.get(i).getPath().toString();
            if (problem(io, location) == null) {
                return location;
            }
        }
        return null;
    }

    private static long version(Pattern names, String name) {
        Matcher m = names.matcher(name);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String parent(String location) {
        return new Path(location).getParent().toString();
    }

    private static String innermost(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t.getCause() != null && t.getCause() != t && depth < 10; depth++) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? "" : t.getMessage();
        int nl = m.indexOf('\n');
        return t.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
    }
}
