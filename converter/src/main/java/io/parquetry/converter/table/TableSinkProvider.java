package io.parquetry.converter.table;

import java.io.IOException;
import java.util.ServiceLoader;

/**
 * Makes {@link TableSink}s of one table type. Found with {@link ServiceLoader}: an implementation's jar lists it in
 * {@code META-INF/services/io.parquetry.converter.table.TableSinkProvider}.
 */
public interface TableSinkProvider {

    /** The value of {@code table.type} this provider serves, e.g. {@code iceberg}. */
    String type();

    /**
     * Validates the settings and opens a sink (creating the table when it is absent).
     *
     * @throws IllegalArgumentException naming the key and the bad value of a setting
     * @throws IOException when the catalog or the table cannot be reached
     */
    TableSink open(TableSinkContext context) throws IOException;

    /**
     * The provider for a table type, from the class path.
     *
     * @throws IllegalArgumentException naming the type and the types that are available
     */
    static TableSinkProvider forType(String type) {
        StringBuilder available = new StringBuilder();
        for (TableSinkProvider p : ServiceLoader.load(TableSinkProvider.class)) {
            if (p.type().equals(type)) {
                return p;
            }
            available.append(available.length() == 0 ? "" : ", ").append(p.type());
        }
        throw new IllegalArgumentException("no table support on the class path for this type: table.type=" + type + " (available: "
                + (available.length() == 0 ? "none; the iceberg module's jars are not on the class path" : available) + ")");
    }
}
