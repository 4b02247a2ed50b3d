package io.parquetry.converter.parquet;

import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;

/** Encodes a bool column chunk: PLAIN, one bit per value, least significant bit first. */
final class BoolChunkEncoder {

    private BoolChunkEncoder() {
    }

    static EncodedRowGroup.Chunk encode(ColumnLayout col, byte[] v, int n, byte[] present, int rows, ParquetOptions opt, PageBuilder pb) {
        int rowsPerPage = PageBuilder.rowsPerPage(rows, (n + 7) / 8, opt.pageBytes());
        List<EncodedRowGroup.Page> pages = new ArrayList<>();
        int vi = 0;
        for (int r0 = 0; r0 < rows; r0 += rowsPerPage) {
            int r1 = Math.min(rows, r0 + rowsPerPage);
            int count = present == null ? r1 - r0 : PageBuilder.countPresent(present, r0, r1);
            int nulls = r1 - r0 - count;
            pb.start(present, r0, r1, nulls);
            ByteSink out = pb.values();
            int p = out.reserve((count + 7) / 8);
            byte[] b = out.buf;
            int trues = 0;
            for (int g = 0; g < count; g += 8) {
                int bits = 0;
                for (int k = 0, end = Math.min(8, count - g); k < end; k++) {
                    bits |= v[vi + g + k] << k;
                }
                trues += Integer.bitCount(bits);
                b[p++] = (byte) bits;
            }
            out.size = p;
            Statistics<?> st = count == 0 ? PageStatistics.nullsOnly(col.type, nulls)
                    : PageStatistics.bools(col.type, nulls, trues == count, trues > 0);
            pages.add(pb.finish(r1 - r0, nulls, Encoding.PLAIN, st));
            vi += count;
        }
        return new EncodedRowGroup.Chunk(col, null, pages, null);
    }
}
