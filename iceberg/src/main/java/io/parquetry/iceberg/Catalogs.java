package io.parquetry.iceberg;

import java.io.IOException;
import java.nio.file.Files;
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
        // Through Hadoop's FileSystem with the converter's configuration: local (raw, no .crc files) and hdfs:// alike.
        props.put(CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.hadoop.HadoopFileIO");
        switch (s.catalogType()) {
            case SQLITE -> {
                Path file = Path.of(s.sqliteFile()).toAbsolutePath();
                Files.createDirectories(file.getParent());
                props.put(CatalogProperties.URI, "jdbc:sqlite:" + file);
                // Two converters on one machine share the file: wait for SQLite's lock rather than fail at once.
                props.put("jdbc.busy_timeout", "30000");
                props.put("jdbc.schema-version", "V1");
                props.putAll(s.jdbc());
                return jdbc(s, conf, props);
            }
            case JDBC -> {
                props.put(CatalogProperties.URI, s.uri());
                props.put("jdbc.schema-version", "V1");
                props.putAll(s.jdbc());
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
