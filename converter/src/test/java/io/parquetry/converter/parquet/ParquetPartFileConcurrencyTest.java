package io.parquetry.converter.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.schema.Schema;
import io.parquetry.testing.Await;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The concurrent parts of {@link ParquetPartFile}: ordering, failure, abort, and the memory bound. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ParquetPartFileConcurrencyTest {

    static final Schema SCHEMA = Schema.parse("name: t\nversion: 1\nfields:\n  - {name: seq, type: int64}\n  - {name: price, type: int64}\n"
            + "  - {name: sym, type: char(8)}\n", "test");
    static final int LEN = SCHEMA.recordLength();

    @TempDir
    Path dir;

    /** Records {@code from..from+n-1}: seq, a price, one of five symbols. */
    static byte[] records(long from, int n) {
        byte[] recs = new byte[n * LEN];
        ByteBuffer b = ByteBuffer.wrap(recs).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            long seq = from + i;
            b.putLong(i * LEN, seq);
            b.putLong(i * LEN + 8, 10_000 + seq * 7 % 1000);
            byte[] sym = ("SYM" + seq % 5).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(sym, 0, recs, i * LEN + 16, sym.length);
        }
        return recs;
    }

    static ParquetOptions rowsPerGroup(int rows) {
        return ParquetOptions.builder().rowGroupBytes((long) rows * LEN).build();
    }

    private SyncedOutputFile synced(Path file) throws IOException {
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", RawLocalFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        FileSystem fs = FileSystem.get(dir.toUri(), conf);
        return new SyncedOutputFile(fs, new org.apache.hadoop.fs.Path(file.toUri()));
    }

    private static void awaitIdle(RowGroupEncoders pool) {
        Await.until(() -> String.format("encoders still busy: %d", pool.busy()), Duration.ofSeconds(10), () -> pool.busy() <= 0);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Test
    void rowGroupsAreWrittenInOrderWhateverOrderTheirEncodersFinishIn() throws Exception {
        List<Integer> finished = Collections.synchronizedList(new ArrayList<>());
        FilePlan.ColumnHook slowEveryFourth = (rowGroup, column, abandoned) -> {
            if (column.equals("seq") && rowGroup % 4 == 0) {
                sleep(40);
            }
            if (column.equals("sym")) {
                finished.add(rowGroup);
            }
        };
        Path file = dir.resolve("ordered.parquet");
        int groups = 40;
        try (RowGroupEncoders pool = new RowGroupEncoders(4, "test-order")) {
            ParquetPartFile f = ParquetPartFile.create(SCHEMA, rowsPerGroup(100), new LocalOutputFile(file), pool, slowEveryFourth);
            for (int at = 0; at < groups * 100; at += 250) {
                f.append(records(at, 250), 0, 250);
            }
            f.end(Map.of());
            List<BlockMetaData> blocks = f.footer().getBlocks();
            assertThat(blocks).hasSize(groups);
            for (int b = 0; b < groups; b++) {
                Statistics<?> seq = blocks.get(b).getColumns().get(0).getStatistics();
                assertThat(seq.genericGetMin()).as("first seq of row group %d", b).isEqualTo(b * 100L);
                assertThat(seq.genericGetMax()).as("last seq of row group %d", b).isEqualTo(b * 100L + 99);
            }
        }
        List<Integer> sorted = new ArrayList<>(finished);
        Collections.sort(sorted);
        assertThat(finished).as("encoders finished out of order (else this test proves nothing)").isNotEqualTo(sorted).hasSize(groups);
        try (Connection c = ParquetReadBack.duckdb(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), count(*) FILTER (WHERE seq <> rn) FROM (SELECT seq, row_number() OVER () - 1 AS rn"
                     + " FROM read_parquet('" + file + "'))")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(groups * 100L);
            assertThat(rs.getLong(2)).as("rows out of place").isZero();
        }
    }

    @Test
    void encoderFailureSurfacesAtTheNextAppendNamingTheColumnAndAbortsTheFile() throws Exception {
        FilePlan.ColumnHook failSecondPrice = (rowGroup, column, abandoned) -> {
            if (rowGroup == 1 && column.equals("price")) {
                throw new IllegalStateException("injected failure");
            }
        };
        Path file = dir.resolve("failing.parquet");
        try (RowGroupEncoders pool = new RowGroupEncoders(2, "test-fail")) {
            ParquetPartFile f = ParquetPartFile.create(SCHEMA, rowsPerGroup(100), synced(file), pool, failSecondPrice);
            IOException failure = null;
            try {
                f.append(records(0, 200), 0, 200); // submits row groups 0 and 1
                awaitIdle(pool);
                f.append(records(200, 1), 0, 1); // the first append after the failure, at the latest
            } catch (IOException e) {
                failure = e;
            }
            assertThat(failure).as("failure surfaced").isNotNull();
            assertThat(failure.getMessage()).contains("column=price").contains("rowGroup=1").contains("injected failure")
                    .contains("failing.parquet");
            assertThat(file).as("aborted file").doesNotExist();
            assertThatThrownBy(() -> f.append(records(201, 1), 0, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("file is not open: state=ABORTED");
            f.abort(); // idempotent
            awaitIdle(pool);
        }
    }

    @Test
    void encoderFailureSurfacesAtEndAndAbortsTheFile() throws Exception {
        FilePlan.ColumnHook failLastSym = (rowGroup, column, abandoned) -> {
            if (rowGroup == 2 && column.equals("sym")) {
                throw new IllegalArgumentException("injected at the end");
            }
        };
        Path file = dir.resolve("failing-end.parquet");
        try (RowGroupEncoders pool = new RowGroupEncoders(2, "test-fail-end")) {
            ParquetPartFile f = ParquetPartFile.create(SCHEMA, rowsPerGroup(100), synced(file), pool, failLastSym);
            f.append(records(0, 250), 0, 250);
            assertThatThrownBy(() -> f.end(Map.of())).isInstanceOf(IOException.class).hasMessageContaining("column=sym")
                    .hasMessageContaining("rowGroup=2").hasMessageContaining("injected at the end");
            assertThat(file).doesNotExist();
            assertThatThrownBy(f::footer).isInstanceOf(IllegalStateException.class).hasMessageContaining("state=ABORTED");
        }
    }

    @Test
    void abortWithRowGroupsInFlightLeavesNoEncoderBusyAndPublishesNothing() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        FilePlan.ColumnHook blockUntilAbandoned = (rowGroup, column, abandoned) -> {
            if (column.equals("price")) {
                started.countDown();
                while (!abandoned.getAsBoolean()) {
                    sleep(1);
                }
            }
        };
        Path file = dir.resolve("aborted.parquet");
        try (RowGroupEncoders pool = new RowGroupEncoders(2, "test-abort")) {
            ParquetPartFile f = ParquetPartFile.create(SCHEMA, rowsPerGroup(100), synced(file), pool, blockUntilAbandoned);
            f.append(records(0, 250), 0, 250); // two row groups in flight, one filling
            assertThat(started.await(10, TimeUnit.SECONDS)).as("both encoders started").isTrue();
            assertThat(pool.busy()).isEqualTo(2);
            assertThat(file).exists(); // in progress, not yet given up
            f.abort();
            awaitIdle(pool);
            assertThat(file).as("nothing published").doesNotExist();
            f.abort();
            assertThatThrownBy(() -> f.end(Map.of())).isInstanceOf(IllegalStateException.class).hasMessageContaining("state=ABORTED");

            // The pool is fine for the next file.
            Path next = dir.resolve("next.parquet");
            ParquetPartFile g = ParquetPartFile.create(SCHEMA, rowsPerGroup(100), new LocalOutputFile(next), pool);
            g.append(records(0, 300), 0, 300);
            g.end(Map.of());
            assertThat(g.footer().getBlocks().stream().mapToLong(BlockMetaData::getRowCount).sum()).isEqualTo(300);
        }
    }

    @Test
    void rawRecordsInFlightNeverExceedThreadsPlusOneRowGroups() throws Exception {
        FilePlan.ColumnHook slow = (rowGroup, column, abandoned) -> sleep(15); // encoders slower than the appender
        int threads = 2;
        int groupRows = 3 * (RawRowGroup.CHUNK_BYTES / LEN); // three chunks a row group
        int groups = 12;
        Path file = dir.resolve("bounded.parquet");
        try (RowGroupEncoders pool = new RowGroupEncoders(threads, "test-bound")) {
            ParquetPartFile f = ParquetPartFile.create(SCHEMA, rowsPerGroup(groupRows), new LocalOutputFile(file), pool, slow);
            byte[] batch = records(0, 4096);
            int maxInFlight = 0;
            for (long at = 0; at < (long) groups * groupRows; at += 4096) {
                f.append(batch, 0, (int) Math.min(4096, (long) groups * groupRows - at));
                maxInFlight = Math.max(maxInFlight, f.inFlight());
                assertThat(f.inFlight()).as("row groups submitted after %d records", at).isLessThanOrEqualTo(threads);
                assertThat(f.maxChunksInUse()).as("record chunks held after %d records", at).isLessThanOrEqualTo((threads + 1) * f.chunksPerRowGroup());
            }
            assertThat(maxInFlight).as("the appender outran the encoders, so the bound was tested").isEqualTo(threads);
            f.end(Map.of());
            assertThat(f.chunksPerRowGroup()).isEqualTo(3);
            assertThat(f.footer().getBlocks()).hasSize(groups);
        }
    }
}
