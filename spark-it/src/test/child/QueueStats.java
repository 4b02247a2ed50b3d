import io.parquetry.reader.QueueReader;
import io.parquetry.schema.Field;
import io.parquetry.schema.Schema;
import java.math.BigInteger;
import java.nio.file.Path;

/**
 * Run in source-file mode on the launcher's class path (java -cp ... QueueStats.java QUEUE_DIR), never compiled onto
 * Spark's: reads every record of a queue and prints what Spark must find, one key=value a line: count, and per field
 * nonnull, sum (integers, timestamps and unscaled decimals exactly; floats as doubles), true (bool), min and max
 * (timestamps), chars (char(N) lengths), bytes and crc32 (string(N)/binary(N): the sum of the values' byte lengths and
 * of each value's CRC-32, which Spark's crc32 computes too: every value checked); for nanosecond timestamps also us.sum
 * and us.truncated, the sum of the values
 * floored to microseconds and how many lose precision that way (what {@code parquet.timestampUnit: micros} writes).
 */
public class QueueStats {

    public static void main(String[] args) {
        try (QueueReader q = QueueReader.open(Path.of(args[0]))) {
            Schema schema = q.schema();
            int n = schema.fields().size();
            long[] nonnull = new long[n];
            BigInteger[] sums = new BigInteger[n];
            double[] fsums = new double[n];
            long[] trues = new long[n];
            long[] chars = new long[n];
            long[] min = new long[n];
            long[] max = new long[n];
            BigInteger[] usSums = new BigInteger[n];
            long[] usTruncated = new long[n];
            long[] varBytes = new long[n];
            long[] crcSums = new long[n];
            byte[] value = new byte[schema.maxRecordLength()];
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            for (int i = 0; i < n; i++) {
                sums[i] = BigInteger.ZERO;
                usSums[i] = BigInteger.ZERO;
                min[i] = Long.MAX_VALUE;
                max[i] = Long.MIN_VALUE;
            }
            long[] count = {0};
            q.toStart();
            while (q.read((index, rec) -> {
                count[0]++;
                for (int i = 0; i < n; i++) {
                    Field f = schema.fields().get(i);
                    if (rec.isNull(f)) {
                        continue;
                    }
                    nonnull[i]++;
                    switch (f.kind()) {
                        case BOOL -> trues[i] += rec.getBoolean(f) ? 1 : 0;
                        case INT8, INT16, INT32 -> sums[i] = sums[i].add(BigInteger.valueOf(rec.getInt(f)));
                        case INT64, TIMESTAMP, DECIMAL -> {
                            long v = rec.getLong(f);
                            sums[i] = sums[i].add(BigInteger.valueOf(v));
                            min[i] = Math.min(min[i], v);
                            max[i] = Math.max(max[i], v);
                            if (f.kind() == io.parquetry.schema.FieldType.Kind.TIMESTAMP && f.type().unit() == io.parquetry.schema.FieldType.TimeUnit.NS) {
                                usSums[i] = usSums[i].add(BigInteger.valueOf(Math.floorDiv(v, 1000L)));
                                usTruncated[i] += Math.floorMod(v, 1000L) != 0 ? 1 : 0;
                            }
                        }
                        case FLOAT32 -> fsums[i] += rec.getFloat(f);
                        case FLOAT64 -> fsums[i] += rec.getDouble(f);
                        case CHAR -> chars[i] += rec.getString(f).length();
                        case STRING, BINARY -> {
                            int len = rec.getValue(f, value, 0);
                            varBytes[i] += len;
                            crc.reset();
                            crc.update(value, 0, len);
                            crcSums[i] += crc.getValue();
                        }
                        default -> { }
                    }
                }
            }, 65536) > 0) {
                // read all
            }
            System.out.println("count=" + count[0]);
            System.out.println("queueId=" + q.identity().id());
            for (int i = 0; i < n; i++) {
                Field f = schema.fields().get(i);
                String k = f.name();
                System.out.println(k + ".nonnull=" + nonnull[i]);
                switch (f.kind()) {
                    case BOOL -> System.out.println(k + ".true=" + trues[i]);
                    case FLOAT32, FLOAT64 -> System.out.println(k + ".sum=" + fsums[i]);
                    case CHAR -> System.out.println(k + ".chars=" + chars[i]);
                    case BYTES -> { }
                    case STRING, BINARY -> {
                        System.out.println(k + ".bytes=" + varBytes[i]);
                        System.out.println(k + ".crc32=" + crcSums[i]);
                    }
                    default -> {
                        System.out.println(k + ".sum=" + sums[i]);
                        System.out.println(k + ".min=" + min[i]);
                        System.out.println(k + ".max=" + max[i]);
                        if (f.kind() == io.parquetry.schema.FieldType.Kind.TIMESTAMP && f.type().unit() == io.parquetry.schema.FieldType.TimeUnit.NS) {
                            System.out.println(k + ".us.sum=" + usSums[i]);
                            System.out.println(k + ".us.truncated=" + usTruncated[i]);
                        }
                    }
                }
            }
        }
    }
}
