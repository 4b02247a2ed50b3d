package io.parquetry.iceberg;

import io.parquetry.schema.Field;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.parquet.schema.MessageType;

/**
 * The table's columns: the Parquet file schema's columns by field id (each field's id across the queue's schema
 * versions, {@link Field#id()}: 1..n for a queue's first version), with the schema's descriptions as column docs; and,
 * when partitioned, two more columns that the files do not hold, {@code dt} (date) and {@code hour} (int), identity
 * partitions filled from the partition tuple of each file, as the Iceberg spec says for identity-partitioned columns
 * missing from a data file. Their ids follow the first version's fields ({@link io.parquetry.schema.Schema#dtColumnId()}),
 * which no later field takes, so a table created from any version numbers them alike.
 *
 * <p>Column types follow from the Parquet types the converter writes ({@code ParquetSchemas}), by Iceberg's own
 * conversion: {@code char(N)} and {@code string(N)} (BYTE_ARRAY STRING) become {@code string}, {@code binary(N)}
 * (BYTE_ARRAY) {@code binary}, {@code bytes(N)} {@code fixed[N]}; nullable fields are optional. Iceberg has no bounded
 * string, so N is not in the table: the writer enforces it.
 */
final class TableSchemas {

    static final String DT = "dt";
    static final String HOUR = "hour";

    private TableSchemas() {
    }

    static Schema tableSchema(MessageType fileSchema, io.parquetry.schema.Schema schema, boolean partitioned) {
        Schema fromFile = ParquetSchemaUtil.convert(fileSchema);
        List<Types.NestedField> columns = new ArrayList<>();
        for (Types.NestedField c : fromFile.columns()) {
            columns.add(Types.NestedField.from(c).withDoc(doc(schema, c.fieldId())).build());
        }
        if (partitioned) {
            columns.add(Types.NestedField.required(schema.dtColumnId(), DT, Types.DateType.get(), "UTC date of the file's queue cycle (partition)"));
            columns.add(Types.NestedField.required(schema.hourColumnId(), HOUR, Types.IntegerType.get(),
                    "UTC hour of the file's queue cycle (partition)"));
        }
        return new Schema(columns);
    }

    /** The description of the schema's field with id {@code id}, or null when it has none or no such field. */
    static String doc(io.parquetry.schema.Schema schema, int id) {
        Field f = schema.fieldById(id);
        return f == null || f.description().isEmpty() ? null : f.description();
    }

    /**
     * Gives the table that {@code create} creates the ids of {@code schema}. Iceberg numbers a new table's columns afresh,
     * 1.. in column order, which are the files' ids only for a queue's first version (and dt, hour after them): a table
     * created from a later one (an added column after dt and hour, ids left free by dropped fields) gets the staged
     * metadata replaced by the same with {@code schema}'s ids. A create commits once, never replays, so nothing undoes it.
     */
    static void keepIds(Transaction create, Schema schema, PartitionSpec spec) {
        TableOperations staged = ((HasTableOperations) create.table()).operations();
        TableMetadata fresh = staged.current();
        if (fresh.schema().sameSchema(schema)) {
            return;
        }
        staged.commit(fresh, TableMetadata.buildFromEmpty(fresh.formatVersion()).assignUUID(fresh.uuid()).setLocation(fresh.location())
                .setCurrentSchema(schema, schema.highestFieldId()).setDefaultPartitionSpec(spec).setDefaultSortOrder(SortOrder.unsorted())
                .setProperties(fresh.properties()).build());
    }

    static PartitionSpec spec(Schema tableSchema, boolean partitioned) {
        return partitioned ? PartitionSpec.builderFor(tableSchema).identity(DT).identity(HOUR).build() : PartitionSpec.unpartitioned();
    }

    /** Whether the spec is the cycle partitioning (identity dt, identity hour), unpartitioned, or neither (null). */
    static Boolean isCyclePartitioned(PartitionSpec spec, Schema schema) {
        if (spec.isUnpartitioned()) {
            return false;
        }
        List<PartitionField> fields = spec.fields();
        if (fields.size() == 2 && fields.get(0).transform().isIdentity() && fields.get(1).transform().isIdentity()
                && DT.equals(schema.findColumnName(fields.get(0).sourceId())) && HOUR.equals(schema.findColumnName(fields.get(1).sourceId()))) {
            return true;
        }
        return null;
    }

    /** The first column whose type needs format version 3, or null. */
    static String needsV3(MessageType fileSchema) {
        for (Types.NestedField c : ParquetSchemaUtil.convert(fileSchema).columns()) {
            if (c.type().typeId() == Type.TypeID.TIMESTAMP_NANO) {
                return c.name();
            }
        }
        return null;
    }
}
