package io.parquetry.iceberg;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The {@code table:} section of a converter's configuration, for {@code type: iceberg}, validated once. Keys (without
 * the {@code table.} prefix):
 *
 * <pre>
 * type             iceberg
 * catalog          sqlite      sqlite (embedded JDBC catalog in one file, one machine) | jdbc (e.g. PostgreSQL) | hadoop (HDFS)
 * catalogName      parquetry   the catalog's name; engines reading the table must use the same one (JDBC catalogs store it)
 * namespace        parquetry
 * name             the dataset's name
 * warehouse        &lt;dataset&gt;/_iceberg   where table metadata lives (the data files stay where the converter wrote them)
 * sqliteFile       &lt;warehouse&gt;/catalog.sqlite   (catalog sqlite; a local path)
 * uri              JDBC URL of the catalog database (catalog jdbc), e.g. jdbc:postgresql://db:5432/iceberg
 * jdbc.*           JDBC connection properties (jdbc.user, jdbc.password, ...)
 * formatVersion    2, or 3 when a column is timestamp(ns) (Iceberg's timestamp_ns needs format version 3)
 * partitioning     cycle       cycle: identity partitions dt (date) and hour (int) of the file's queue cycle, as the
 *                              dataset's directories | none
 * commitRetries    20          attempts after a commit conflict with another writer (table property, set at creation)
 * property.*                   further table properties, set when the table is created
 * </pre>
 */
record IcebergSettings(String catalog, String catalogName, String namespace, String name, String warehouse, String sqliteFile,
        String uri, Map<String, String> jdbc, int formatVersion, boolean partitioned, int commitRetries, Map<String, String> properties) {

    enum Catalog {
        SQLITE, JDBC, HADOOP
    }

    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Set<String> KEYS = Set.of("type", "catalog", "catalogName", "namespace", "name", "warehouse", "sqliteFile", "uri",
            "formatVersion", "partitioning", "commitRetries");

    Catalog catalogType() {
        return Catalog.valueOf(catalog.toUpperCase(Locale.ROOT));
    }

    /**
     * @param datasetDir fully qualified URI of the dataset directory
     * @param needsV3 whether a column needs format version 3 (nanosecond timestamps)
     * @throws IllegalArgumentException naming the key and the bad value
     */
    static IcebergSettings parse(Map<String, String> s, String datasetDir, boolean needsV3, String nsColumn) {
        Set<String> unknown = new TreeSet<>();
        Map<String, String> jdbc = new LinkedHashMap<>();
        Map<String, String> properties = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : s.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("jdbc.") && k.length() > 5) {
                jdbc.put(k, e.getValue());
            } else if (k.startsWith("property.") && k.length() > 9) {
                properties.put(k.substring(9), e.getValue());
            } else if (!KEYS.contains(k)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown key in the table section: table." + unknown.iterator().next() + " (known: "
                    + new TreeSet<>(KEYS) + ", jdbc.*, property.*)");
        }
        String type = s.getOrDefault("type", "iceberg");
        if (!type.equals("iceberg")) {
            throw bad("type", type, "this provider serves iceberg");
        }
        String catalog = s.getOrDefault("catalog", "sqlite").toLowerCase(Locale.ROOT);
        if (!Set.of("sqlite", "jdbc", "hadoop").contains(catalog)) {
            throw bad("catalog", catalog, "must be sqlite, jdbc or hadoop");
        }
        String catalogName = ident(s, "catalogName", "parquetry");
        String namespace = ident(s, "namespace", "parquetry");
        String datasetName = datasetDir.replaceAll("/+$", "");
        datasetName = datasetName.substring(datasetName.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9_]", "_");
        String name = ident(s, "name", datasetName);
        String warehouse = s.getOrDefault("warehouse", datasetDir.replaceAll("/+$", "") + "/_iceberg");
        checkUri("warehouse", warehouse);
        String sqliteFile = null;
        String uri = null;
        if (catalog.equals("sqlite")) {
            if (s.containsKey("uri")) {
                throw bad("uri", s.get("uri"), "the sqlite catalog takes table.sqliteFile (a local path), not a JDBC URL");
            }
            sqliteFile = s.get("sqliteFile");
            if (sqliteFile == null) {
                URI w = URI.create(warehouse);
                if (w.getScheme() != null && !w.getScheme().equals("file")) {
                    throw bad("warehouse", warehouse, "the sqlite catalog keeps its file on this machine: set table.sqliteFile to a local path"
                            + " (or use catalog jdbc with a database server)");
                }
                sqliteFile = (w.getScheme() == null ? warehouse : w.getPath()) + "/catalog.sqlite";
            }
            if (sqliteFile.contains("://")) {
                throw bad("sqliteFile", sqliteFile, "must be a local path");
            }
        } else if (catalog.equals("jdbc")) {
            uri = s.get("uri");
            if (uri == null) {
                throw new IllegalArgumentException("missing key for catalog jdbc: table.uri (a JDBC URL, e.g. jdbc:postgresql://host:5432/db)");
            }
            if (!uri.startsWith("jdbc:")) {
                throw bad("uri", uri, "must be a JDBC URL (jdbc:postgresql://host:port/database)");
            }
        } else {
            for (String k : new String[] {"uri", "sqliteFile"}) {
                if (s.containsKey(k)) {
                    throw bad(k, s.get(k), "not used by the hadoop catalog (its tables live under table.warehouse)");
                }
            }
        }
        int formatVersion;
        String fv = s.get("formatVersion");
        if (fv == null) {
            formatVersion = needsV3 ? 3 : 2;
        } else {
            try {
                formatVersion = Integer.parseInt(fv.trim());
            } catch (NumberFormatException e) {
                throw bad("formatVersion", fv, "must be 2 or 3");
            }
            if (formatVersion != 2 && formatVersion != 3) {
                throw bad("formatVersion", fv, "must be 2 or 3");
            }
            if (needsV3 && formatVersion < 3) {
                throw bad("formatVersion", fv, "column " + nsColumn + " is timestamp(ns): Iceberg's timestamp_ns needs format version 3"
                        + " (or write micros with parquet.timestampUnit)");
            }
        }
        String partitioning = s.getOrDefault("partitioning", "cycle").toLowerCase(Locale.ROOT);
        if (!partitioning.equals("cycle") && !partitioning.equals("none")) {
            throw bad("partitioning", partitioning, "must be cycle (dt and hour of the queue cycle) or none");
        }
        int retries;
        try {
            retries = Integer.parseInt(s.getOrDefault("commitRetries", "20").trim());
        } catch (NumberFormatException e) {
            throw bad("commitRetries", s.get("commitRetries"), "must be a whole number from 0 to 1000");
        }
        if (retries < 0 || retries > 1000) {
            throw bad("commitRetries", s.get("commitRetries"), "must be a whole number from 0 to 1000");
        }
        return new IcebergSettings(catalog, catalogName, namespace, name, warehouse, sqliteFile, uri, Map.copyOf(jdbc), formatVersion,
                partitioning.equals("cycle"), retries, Map.copyOf(properties));
    }

    private static String ident(Map<String, String> s, String key, String dflt) {
        String v = s.getOrDefault(key, dflt);
        if (!IDENT.matcher(v).matches()) {
            throw bad(key, v, "must be a letter or '_' followed by letters, digits or '_'");
        }
        return v;
    }

    private static void checkUri(String key, String value) {
        try {
            new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw bad(key, value, "not a path or URI (" + e.getReason() + ")");
        }
    }

    static IllegalArgumentException bad(String key, String value, String why) {
        return new IllegalArgumentException("bad table setting: table." + key + "=" + value + ": " + why);
    }

    /** {@code catalog/namespace.name}, for messages. */
    String tableName() {
        return catalogName + "/" + namespace + "." + name;
    }
}
