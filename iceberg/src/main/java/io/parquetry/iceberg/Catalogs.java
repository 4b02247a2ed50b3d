package io.parquetry.iceberg;

import io.parquetry.platform.DurableFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.jdbc.UncheckedSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the catalog the settings name. */
final class Catalogs {

    private static final Logger LOG = LoggerFactory.getLogger(Catalogs.class);
    private static final int INIT_ATTEMPTS = 5;

    private Catalogs() {
    }

    static Catalog open(IcebergSettings s, Configuration conf) throws IOException {
        Map<String, String> props = new HashMap<>();
        props.put(CatalogProperties.WAREHOUSE_LOCATION, s.warehouse());
        // Through Hadoop's FileSystem with the converter's configuration: local (raw, no .crc files) and hdfs:// alike; every
        // file a commit writes is synced before the catalog points at it (a power cut left Iceberg's own unsynced files empty).
        props.put(CatalogProperties.FILE_IO_IMPL, SyncingHadoopFileIO.class.getName());
        switch (s.catalogType()) {
            case SQLITE -> {
                // The catalog file's directory must outlive a power cut, or the catalog goes with it.
                DurableFiles.createDirectories(Path.of(s.sqliteFile()).toAbsolutePath().getParent());
                props.put(CatalogProperties.URI, jdbcUri(s));
                props.put("jdbc.schema-version", "V1");
                props.putAll(jdbcProperties(s));
                return jdbc(s, conf, props);
            }
            case JDBC -> {
                props.put(CatalogProperties.URI, jdbcUri(s));
                props.put("jdbc.schema-version", "V1");
                props.putAll(jdbcProperties(s));
                return jdbc(s, conf, props);
            }
            case HADOOP -> {
                if (s.warehouse().startsWith("file:") || s.warehouse().startsWith("/")) {
                    LOG.warn("the hadoop catalog on a local file system is not safe for concurrent writers: warehouse={}"
                            + " (use it on HDFS; on one machine use catalog sqlite)", s.warehouse());
                }
                HadoopCatalog c = new HadoopCatalog();
                c.setConf(conf);
                c.initialize(s.catalogName(), props);
                return c;
            }
            default -> throw new IllegalStateException("unknown catalog: " + s.catalog());
        }
    }

    /** The JDBC URL of a JDBC or SQLite catalog. */
    static String jdbcUri(IcebergSettings s) {
        return s.catalogType() == IcebergSettings.Catalog.SQLITE ? "jdbc:sqlite:" + Path.of(s.sqliteFile()).toAbsolutePath() : s.uri();
    }

    /** The {@code jdbc.*} properties of a JDBC or SQLite catalog, as Iceberg's catalog takes them (with the prefix). */
    static Map<String, String> jdbcProperties(IcebergSettings s) {
        Map<String, String> props = new HashMap<>();
        if (s.catalogType() == IcebergSettings.Catalog.SQLITE) {
            // Two converters on one machine share the file: wait for SQLite's lock rather than fail at once.
            props.put("jdbc.busy_timeout", "30000");
        } else if (s.uri().startsWith("jdbc:postgresql:")) {
            // Without a login timeout the driver waits for a server that accepted the connection and never answers forever,
            // in a socket read no interrupt ends; with one it connects on another thread and waits interruptibly.
            props.put("jdbc.loginTimeout", "30");
        }
        props.putAll(s.jdbc());
        return props;
    }

    /**
     * Iceberg's JDBC catalog creates and upgrades its own tables in {@code initialize} without a lock: two converters
     * starting on a new catalog race there (seen: SQLite's "duplicate column name: iceberg_type" in one of two
     * processes). The loser finds the tables made on a second try.
     */
    private static Catalog jdbc(IcebergSettings s, Configuration conf, Map<String, String> props) throws IOException {
        RuntimeException last = null;
        for (int attempt = 0; attempt < INIT_ATTEMPTS; attempt++) {
            JdbcCatalog c = new JdbcCatalog();
            c.setConf(conf);
            try {
                c.initialize(s.catalogName(), props);
                return c;
            } catch (UncheckedSQLException e) {
                last = e;
                try {
                    c.close();
                } catch (RuntimeException ignored) {
                    // half initialised: nothing more to release
                }
                LOG.info("catalog initialisation failed, retrying (another converter creating the catalog's tables?): {}", e.toString());
                try {
                    Thread.sleep(100L * (attempt + 1));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while opening the catalog: " + s.tableName(), ie);
                }
            }
        }
        throw new IOException("cannot open the catalog after " + INIT_ATTEMPTS + " attempts: table=" + s.tableName() + ": " + last, last);
    }
}
