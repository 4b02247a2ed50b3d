package io.parquetry.converter.parquet;

import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Page statistics built from values the encoder computed in its own pass, through parquet-column's reading builder so
 * the rules are parquet-java's own: float min/max ignore NaN (counted in nan_count), a zero minimum becomes -0.0 and a
 * zero maximum +0.0, and a page with only nulls or only NaN has a null count but no min/max. Every page gets
 * statistics (one page without them would drop the chunk's statistics and column index).
 */
final class PageStatistics {

    private PageStatistics() {
    }

    /**
     * A page without values. Float pages still say they hold no NaN, as parquet-java's writer does: a page whose NaN
     * count is unset turns NaN counting off for the rest of the chunk's column index.
     */
    static Statistics<?> nullsOnly(PrimitiveType type, int nulls) {
        Statistics.Builder b = Statistics.getBuilderForReading(type).withNumNulls(nulls);
        PrimitiveType.PrimitiveTypeName t = type.getPrimitiveTypeName();
        if (t == PrimitiveType.PrimitiveTypeName.FLOAT || t == PrimitiveType.PrimitiveTypeName.DOUBLE) {
            b.withNanCount(0);
        }
        return b.build();
    }

    static Statistics<?> ints(PrimitiveType type, int nulls, long min, long max) {
        return Statistics.getBuilderForReading(type).withNumNulls(nulls).withMin(BytesUtils.intToBytes((int) min))
                .withMax(BytesUtils.intToBytes((int) max)).build();
    }

    static Statistics<?> longs(PrimitiveType type, int nulls, long min, long max) {
        return Statistics.getBuilderForReading(type).withNumNulls(nulls).withMin(BytesUtils.longToBytes(min))
                .withMax(BytesUtils.longToBytes(max)).build();
    }

    /** {@code hasValue} false: every value was NaN. */
    static Statistics<?> floats(PrimitiveType type, int nulls, long nans, boolean hasValue, float min, float max) {
        Statistics.Builder b = Statistics.getBuilderForReading(type).withNumNulls(nulls).withNanCount(nans);
        if (hasValue) {
            b.withMin(BytesUtils.intToBytes(Float.floatToRawIntBits(min))).withMax(BytesUtils.intToBytes(Float.floatToRawIntBits(max)));
        }
        return b.build();
    }

    static Statistics<?> doubles(PrimitiveType type, int nulls, long nans, boolean hasValue, double min, double max) {
        Statistics.Builder b = Statistics.getBuilderForReading(type).withNumNulls(nulls).withNanCount(nans);
        if (hasValue) {
            b.withMin(BytesUtils.longToBytes(Double.doubleToRawLongBits(min))).withMax(BytesUtils.longToBytes(Double.doubleToRawLongBits(max)));
        }
        return b.build();
    }

    static Statistics<?> binary(PrimitiveType type, int nulls, byte[] min, byte[] max) {
        return Statistics.getBuilderForReading(type).withNumNulls(nulls).withMin(min).withMax(max).build();
    }

    static Statistics<?> bools(PrimitiveType type, int nulls, boolean min, boolean max) {
        return Statistics.getBuilderForReading(type).withNumNulls(nulls).withMin(new byte[] {(byte) (min ? 1 : 0)})
                .withMax(new byte[] {(byte) (max ? 1 : 0)}).build();
    }
}
