package io.parquetry.iceberg;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.mapping.MappedField;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PropertyUtil;
import org.apache.iceberg.util.Tasks;

/**
 * The table's schema follows the files' (docs/TABLES.md, "Schema changes"). Columns are matched by field id, which a
 * field keeps across the versions of its queue's schema: a file of a later version may have columns the table lacks
 * (added with the file's ids, optional), wider types (int → long, float → double, a decimal's precision up), optional
 * columns where the table's are required, new names (renames), and lack columns (dropped fields, whose columns stay in
 * the table, optional, so that old rows keep their values). Everything only ever widens, so files of older versions
 * (another converter not yet upgraded) read right too; their names are not taken back: the table records the newest
 * schema version whose names it has ({@link #SCHEMA_VERSION}).
 *
 * <p>Iceberg's {@code UpdateSchema} gives added columns ids of its own, which the files' ids would not match, so the
 * evolved schema is committed through the table's {@link TableOperations}: the current metadata with the schema set as
 * current ({@code TableMetadata.Builder.setCurrentSchema(schema, lastColumnId)}), compare-and-swapped by the catalog,
 * recomputed from refreshed metadata and retried after a conflict. Idempotent: metadata that reads the file already is
 * left alone.
 */
final class TableEvolution {

    /** Table property: the newest {@code parquetry.schema.version} whose column names the table has taken. */
    static final String SCHEMA_VERSION = "parquetry.schema.version";

    private TableEvolution() {
    }

    /**
     * What keeps the table from reading files of {@code files}'s columns, or null: a column whose type neither widens to
     * the other, or a column name that the other schema gives another id. Whichever is the newer state of the lineage,
     * anything else is reconciled at the next append.
     */
    static String conflict(Schema table, Schema files) {
        for (Types.NestedField f : files.columns()) {
            Types.NestedField t = table.findField(f.fieldId());
            if (t != null) {
                String types = typeConflict(t, f, "the files");
                if (types != null) {
                    return types;
                }
            }
        }
        for (Types.NestedField f : files.columns()) {
            Types.NestedField other = byNameIgnoringCase(table, f.name());
            if (other != null && other.fieldId() != f.fieldId()) {
                return "column name " + f.name() + " is id " + other.fieldId() + " in the table, id " + f.fieldId() + " in the files";
            }
        }
        return null;
    }

    /**
     * The table's schema evolved to read a file of {@code file}'s columns right, or null when it does already.
     *
     * @param partitionColumns ids of the table's partition source columns (dt, hour): no file holds them
     * @param takeNames whether the file's names replace the table's (the file is of a newer schema version)
     * @param docs the doc of a column added with an id, or null
     * @throws IllegalStateException with what cannot be reconciled, as {@link #conflict}
     */
    static Schema evolve(Schema table, Schema file, Set<Integer> partitionColumns, boolean takeNames, IntFunction<String> docs) {
        List<Types.NestedField> columns = new ArrayList<>();
        boolean changed = false;
        int beforePartitions = -1;
        for (Types.NestedField t : table.columns()) {
            if (partitionColumns.contains(t.fieldId())) {
                beforePartitions = beforePartitions < 0 ? columns.size() : beforePartitions;
                columns.add(t);
                continue;
            }
            Types.NestedField f = file.findField(t.fieldId());
            Types.NestedField.Builder c = Types.NestedField.from(t);
            if (f == null) {
                // A dropped field, or one this (older) file's version did not have yet: its rows read null.
                changed |= t.isRequired();
                columns.add(c.asOptional().build());
                continue;
            }
            String conflict = typeConflict(t, f, "the file");
            if (conflict != null) {
                throw new IllegalStateException(conflict);
            }
            if (!t.type().equals(f.type()) && TypeUtil.isPromotionAllowed(t.type(), f.type().asPrimitiveType())) {
                c.ofType(f.type());
                changed = true;
            }
            if (t.isRequired() && f.isOptional()) {
                c.asOptional();
                changed = true;
            }
            if (takeNames && !t.name().equals(f.name())) {
                c.withName(f.name());
                changed = true;
            }
            columns.add(c.build());
        }
        List<Types.NestedField> added = new ArrayList<>();
        for (Types.NestedField f : file.columns()) {
            if (partitionColumns.contains(f.fieldId())) {
                throw new IllegalStateException("column " + f.name() + " (id " + f.fieldId() + ") of the file has the id of the table's partition column "
                        + table.findColumnName(f.fieldId()));
            }
            if (table.findField(f.fieldId()) == null) {
                added.add(Types.NestedField.optional(f.fieldId(), f.name(), f.type(), docs.apply(f.fieldId())));
            }
        }
        if (!changed && added.isEmpty()) {
            return null;
        }
        // New columns after the data columns, so dt and hour stay last.
        columns.addAll(beforePartitions < 0 ? columns.size() : beforePartitions, added);
        Map<String, Types.NestedField> names = new HashMap<>();
        for (Types.NestedField c : columns) {
            Types.NestedField other = names.putIfAbsent(c.name().toLowerCase(Locale.ROOT), c);
            if (other != null) {
                Types.NestedField inFile = file.findField(c.fieldId()) != null ? c : other;
                Types.NestedField inTable = inFile == c ? other : c;
                throw new IllegalStateException("column name " + inFile.name() + " is id " + inTable.fieldId() + " in the table, id "
                        + inFile.fieldId() + " in the file");
            }
        }
        return new Schema(columns);
    }

    /**
     * Commits the schema {@link #evolve} gives for {@code file} on the table's current metadata, unless that reads the
     * file already; refreshes and retries after a conflict with another writer (the table's {@code commit.retry.*}).
     *
     * @param fileVersion the file's {@code parquetry.schema.version} (0 when unknown: its names are never taken)
     * @return whether this call committed a schema
     * @throws IllegalStateException with what cannot be reconciled, as {@link #conflict}
     * @throws CommitFailedException when conflicts outlast the retries
     */
    static boolean commit(Table table, Schema file, int fileVersion, IntFunction<String> docs) {
        TableOperations ops = ((HasTableOperations) table).operations();
        Map<String, String> props = table.properties();
        boolean[] committed = {false};
        Tasks.foreach(ops)
                .retry(PropertyUtil.propertyAsInt(props, TableProperties.COMMIT_NUM_RETRIES, TableProperties.COMMIT_NUM_RETRIES_DEFAULT))
                .exponentialBackoff(
                        PropertyUtil.propertyAsInt(props, TableProperties.COMMIT_MIN_RETRY_WAIT_MS, TableProperties.COMMIT_MIN_RETRY_WAIT_MS_DEFAULT),
                        PropertyUtil.propertyAsInt(props, TableProperties.COMMIT_MAX_RETRY_WAIT_MS, TableProperties.COMMIT_MAX_RETRY_WAIT_MS_DEFAULT),
                        PropertyUtil.propertyAsInt(props, TableProperties.COMMIT_TOTAL_RETRY_TIME_MS,
                                TableProperties.COMMIT_TOTAL_RETRY_TIME_MS_DEFAULT), 2.0)
                .onlyRetryOn(CommitFailedException.class)
                .run(o -> {
                    TableMetadata base = o.refresh();
                    TableMetadata next = evolved(base, file, fileVersion, docs);
                    if (next != null) {
                        o.commit(base, next);
                        committed[0] = true;
                    }
                });
        table.refresh();
        return committed[0];
    }

    /** {@code base} with the evolved schema as its current one, or null when it reads the file already. */
    private static TableMetadata evolved(TableMetadata base, Schema file, int fileVersion, IntFunction<String> docs) {
        int tableVersion = PropertyUtil.propertyAsInt(base.properties(), SCHEMA_VERSION, 0);
        boolean newer = fileVersion > tableVersion;
        Schema schema = evolve(base.schema(), file, partitionColumns(base.spec()), newer, docs);
        if (schema == null) {
            return null;
        }
        TableMetadata.Builder b = TableMetadata.buildFrom(base).setCurrentSchema(schema, Math.max(base.lastColumnId(), schema.highestFieldId()));
        Map<String, String> props = new HashMap<>();
        if (newer) {
            props.put(SCHEMA_VERSION, Integer.toString(fileVersion));
        }
        String mapping = base.property(TableProperties.DEFAULT_NAME_MAPPING, null);
        if (mapping != null) {
            // Only files without field ids (not ours: added by another writer) are read through it; keep it whole as
            // Iceberg's own schema update does: new names join a column's old ones, new columns are mapped.
            props.put(TableProperties.DEFAULT_NAME_MAPPING, NameMappingParser.toJson(updatedMapping(NameMappingParser.fromJson(mapping), schema)));
        }
        if (!props.isEmpty()) {
            b.setProperties(props);
        }
        return b.build();
    }

    /**
     * The mapping with each column's current name added to its names (a name another column now has is taken from the old
     * one, as Iceberg's own update does) and the columns it lacks mapped. The table's columns are all top level.
     */
    static NameMapping updatedMapping(NameMapping mapping, Schema schema) {
        Set<String> current = new HashSet<>();
        for (Types.NestedField c : schema.columns()) {
            current.add(c.name());
        }
        List<MappedField> fields = new ArrayList<>();
        Set<Integer> mapped = new HashSet<>();
        for (MappedField m : mapping.asMappedFields().fields()) {
            Types.NestedField c = m.id() == null ? null : schema.findField(m.id());
            Set<String> names = new LinkedHashSet<>();
            for (String n : m.names()) {
                if (!current.contains(n) || (c != null && c.name().equals(n))) {
                    names.add(n);
                }
            }
            if (c != null) {
                names.add(c.name());
                mapped.add(m.id());
            }
            if (!names.isEmpty()) {
                fields.add(MappedField.of(m.id(), names, m.nestedMapping()));
            }
        }
        for (Types.NestedField c : schema.columns()) {
            if (!mapped.contains(c.fieldId())) {
                fields.add(MappedField.of(c.fieldId(), c.name()));
            }
        }
        return NameMapping.of(fields);
    }

    /** The ids of the columns the spec partitions by (dt and hour, or none). */
    static Set<Integer> partitionColumns(PartitionSpec spec) {
        Set<Integer> ids = new HashSet<>();
        for (PartitionField p : spec.fields()) {
            ids.add(p.sourceId());
        }
        return ids;
    }

    /** Null when one of the two columns' types is the other's or widens to it, else the line saying they conflict. */
    private static String typeConflict(Types.NestedField table, Types.NestedField file, String where) {
        Type t = table.type();
        Type f = file.type();
        if (t.equals(f) || (t.isPrimitiveType() && f.isPrimitiveType()
                && (TypeUtil.isPromotionAllowed(t, f.asPrimitiveType()) || TypeUtil.isPromotionAllowed(f, t.asPrimitiveType())))) {
            return null;
        }
        String name = table.name().equals(file.name()) ? file.name() : file.name() + " (" + table.name() + " in the table)";
        return "column " + name + " (id " + file.fieldId() + ") is " + t + " in the table, " + f + " in " + where + ": neither type widens to the other";
    }

    private static Types.NestedField byNameIgnoringCase(Schema schema, String name) {
        for (Types.NestedField c : schema.columns()) {
            if (c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        return null;
    }
}
