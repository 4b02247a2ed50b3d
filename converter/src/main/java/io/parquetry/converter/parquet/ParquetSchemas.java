package io.parquetry.converter.parquet;

import io.parquetry.schema.Field;
import io.parquetry.schema.FieldType;
import io.parquetry.schema.Schema;
import org.apache.parquet.schema.ColumnOrder;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Maps a schema to Parquet (docs/FORMAT.md §3; what readers make of it: docs/TABLES.md): nullable fields are OPTIONAL,
 * the rest REQUIRED, and every column carries a field id (its declaration index + 1), so readers such as Iceberg map
 * columns by id rather than by name.
 *
 * <p>Float and double columns declare TYPE_DEFINED_ORDER, which every reader knows (min/max ignore NaN, a zero minimum
 * is written as -0.0 and a zero maximum as +0.0), rather than parquet-java 1.18's default IEEE_754_TOTAL_ORDER, which a
 * reader that predates it must treat as unknown and so ignore the statistics.
 */
public final class ParquetSchemas {

    private ParquetSchemas() {
    }

    /** The message type with timestamps in the units the schema declares. */
    public static MessageType toParquet(Schema schema) {
        return toParquet(schema, null);
    }

    /**
     * The message type with timestamp fields finer than {@code timestampUnit} annotated with that unit (their values
     * are converted by the encoder); {@code null} keeps every field's own unit.
     */
    public static MessageType toParquet(Schema schema, FieldType.TimeUnit timestampUnit) {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (Field f : schema.fields()) {
            Type.Repetition rep = f.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
            int id = f.id();
            switch (f.kind()) {
                case BOOL:
                    b.primitive(PrimitiveTypeName.BOOLEAN, rep).id(id).named(f.name());
                    break;
                case INT8:
                    b.primitive(PrimitiveTypeName.INT32, rep).as(LogicalTypeAnnotation.intType(8, true)).id(id).named(f.name());
                    break;
                case INT16:
                    b.primitive(PrimitiveTypeName.INT32, rep).as(LogicalTypeAnnotation.intType(16, true)).id(id).named(f.name());
                    break;
                case INT32:
                    b.primitive(PrimitiveTypeName.INT32, rep).as(LogicalTypeAnnotation.intType(32, true)).id(id).named(f.name());
                    break;
                case INT64:
                    b.primitive(PrimitiveTypeName.INT64, rep).id(id).named(f.name());
                    break;
                case FLOAT32:
                    b.primitive(PrimitiveTypeName.FLOAT, rep).columnOrder(ColumnOrder.typeDefined()).id(id).named(f.name());
                    break;
                case FLOAT64:
                    b.primitive(PrimitiveTypeName.DOUBLE, rep).columnOrder(ColumnOrder.typeDefined()).id(id).named(f.name());
                    break;
                case TIMESTAMP:
                    LogicalTypeAnnotation.TimeUnit unit = switch (writtenUnit(f.type().unit(), timestampUnit)) {
                        case MS -> LogicalTypeAnnotation.TimeUnit.MILLIS;
                        case US -> LogicalTypeAnnotation.TimeUnit.MICROS;
                        case NS -> LogicalTypeAnnotation.TimeUnit.NANOS;
                    };
                    b.primitive(PrimitiveTypeName.INT64, rep).as(LogicalTypeAnnotation.timestampType(true, unit)).id(id).named(f.name());
                    break;
                case DECIMAL:
                    b.primitive(PrimitiveTypeName.INT64, rep)
                            .as(LogicalTypeAnnotation.decimalType(f.type().scale(), f.type().precision())).id(id).named(f.name());
                    break;
                case CHAR, STRING:
                    b.primitive(PrimitiveTypeName.BINARY, rep).as(LogicalTypeAnnotation.stringType()).id(id).named(f.name());
                    break;
                case BINARY:
                    b.primitive(PrimitiveTypeName.BINARY, rep).id(id).named(f.name());
                    break;
                case BYTES:
                    b.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, rep).length(f.length()).id(id).named(f.name());
                    break;
                default:
                    throw new IllegalArgumentException("no Parquet mapping for type: field=" + f.name() + ", type=" + f.type());
            }
        }
        return b.named(schema.name());
    }

    /** The unit a timestamp is written in: the coarser of its own and the requested one (never made finer). */
    static FieldType.TimeUnit writtenUnit(FieldType.TimeUnit own, FieldType.TimeUnit requested) {
        if (requested == null) {
            return own;
        }
        return nanosPer(requested) > nanosPer(own) ? requested : own;
    }

    static long nanosPer(FieldType.TimeUnit u) {
        return switch (u) {
            case NS -> 1L;
            case US -> 1_000L;
            case MS -> 1_000_000L;
        };
    }
}
