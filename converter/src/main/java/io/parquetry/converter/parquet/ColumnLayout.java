package io.parquetry.converter.parquet;

import io.parquetry.schema.Field;
import io.parquetry.schema.FieldType;
import io.parquetry.schema.Schema;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.internal.column.columnindex.BinaryTruncator;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Where one field sits in a record and how its column is held and written: the value representation the encoder
 * transposes it into, the Parquet column it lands in, a timestamp unit conversion, and whether it gets a bloom filter.
 */
final class ColumnLayout {

    /** How a column's values are held while encoding. */
    enum Values {
        /** int8/16/32, sign-extended into a long; INT32. */
        I32(4),
        /** int64, timestamp, decimal; INT64. */
        I64(8),
        /** float32 bits in a long; FLOAT. */
        F32(4),
        /** float64 bits in a long; DOUBLE. */
        F64(8),
        /** char(N&le;8) as its bytes zero-extended into a little-endian long; BYTE_ARRAY, padding trimmed. */
        CHAR_KEY(-1),
        /** bool as a byte; BOOLEAN. */
        BOOL(-1),
        /** char(N&gt;8) as N bytes; BYTE_ARRAY, padding trimmed. */
        CHAR_SLICE(-1),
        /** bytes(N) as N bytes; FIXED_LEN_BYTE_ARRAY. */
        FIXED(-1),
        /** string(N), binary(N): values of 0..N bytes; BYTE_ARRAY. */
        VARIABLE(-1);

        /** Bytes of a PLAIN value for the fixed-width numeric kinds. */
        final int plainWidth;

        Values(int plainWidth) {
            this.plainWidth = plainWidth;
        }
    }

    final String name;
    final int offset;
    /** Bytes of the field in a record. */
    final int width;
    /** Bit of the record's null bitmap, or -1 when the field is not nullable. */
    final int nullBit;
    final Values values;
    final ColumnDescriptor descriptor;
    final PrimitiveType type;
    /** Divisor of a timestamp converted to a coarser unit, else 1. */
    final long divisor;
    final boolean bloom;
    /** For string(N)/binary(N): the end slot of the variable field before it, or -1 for the first ({@code Field}). */
    final int previousEndSlot;
    /** For string(N)/binary(N): where the value starts when no variable field precedes it, the fixed part's length. */
    final int variableStart;
    /**
     * For string(N)/binary(N): how parquet-java cuts a long minimum or maximum for this column's type (from its internal
     * package, public: the one the file writer applies to the column index, so page bounds cut here are cut alike).
     */
    final BinaryTruncator truncator;

    private ColumnLayout(Field f, ColumnDescriptor descriptor, long divisor, boolean bloom) {
        this.name = f.name();
        this.offset = f.offset();
        this.width = f.length();
        this.nullBit = f.nullBit();
        this.descriptor = descriptor;
        this.type = descriptor.getPrimitiveType();
        this.divisor = divisor;
        this.bloom = bloom;
        this.previousEndSlot = f.previousEndSlot();
        this.variableStart = f.variableStart();
        this.truncator = f.variable() ? BinaryTruncator.getTruncator(type) : null;
        this.values = switch (f.kind()) {
            case BOOL -> Values.BOOL;
            case INT8, INT16, INT32 -> Values.I32;
            case INT64, TIMESTAMP, DECIMAL -> Values.I64;
            case FLOAT32 -> Values.F32;
            case FLOAT64 -> Values.F64;
            case CHAR -> f.length() <= 8 ? Values.CHAR_KEY : Values.CHAR_SLICE;
            case BYTES -> Values.FIXED;
            case STRING, BINARY -> Values.VARIABLE;
        };
    }

    boolean nullable() {
        return nullBit >= 0;
    }

    /** Integer kinds: the ones DELTA_BINARY_PACKED applies to. */
    boolean integer() {
        return values == Values.I32 || values == Values.I64;
    }

    /**
     * The layout of every field of {@code schema}, in declaration order.
     *
     * @throws IllegalArgumentException naming a bloom filter column that is not in the schema or is a bool
     */
    static ColumnLayout[] of(Schema schema, MessageType messageType, ParquetOptions options) {
        check(schema, options);
        List<Field> fields = schema.fields();
        Set<String> bloom = new HashSet<>(options.bloomFilterColumns());
        ColumnLayout[] out = new ColumnLayout[fields.size()];
        List<ColumnDescriptor> descriptors = messageType.getColumns();
        for (int i = 0; i < out.length; i++) {
            Field f = fields.get(i);
            long divisor = 1;
            if (f.kind() == FieldType.Kind.TIMESTAMP) {
                FieldType.TimeUnit own = f.type().unit();
                divisor = ParquetSchemas.nanosPer(ParquetSchemas.writtenUnit(own, options.timestampUnit())) / ParquetSchemas.nanosPer(own);
            }
            out[i] = new ColumnLayout(f, descriptors.get(i), divisor, bloom.contains(f.name()));
        }
        return out;
    }

    /** @throws IllegalArgumentException naming a bloom filter column that is not in the schema or is a bool */
    static void check(Schema schema, ParquetOptions options) {
        for (String name : options.bloomFilterColumns()) {
            Field f = schema.fields().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                    "bloom filter column is not in the schema: column=" + name + ", schema=" + schema.identity()));
            if (f.kind() == FieldType.Kind.BOOL) {
                throw new IllegalArgumentException("bloom filter on a bool column is not supported: column=" + name);
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
