package io.parquetry.converter.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.converter.parquet.ParquetOptions;
import io.parquetry.converter.parquet.RowGroupEncoders;
import io.parquetry.schema.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A part's life cycle on its own: commit publishes whole, abort and failed commits leave nothing, no second use. */
class PartTest {

    private static final Schema SCHEMA = Schema.parse("name: t\nversion: 1\nfields:\n  - {name: seq, type: int64}\n", "t");

    @TempDir
    Path dir;
    private Output output;
    private DatasetPaths layout;
    private RowGroupEncoders encoders;

    @BeforeEach
    void open() throws Exception {
        output = Output.open(dir.toString(), "ds", Map.of(), false);
        layout = new DatasetPaths(output.datasetDir(), "src", "0123456789abcdef", 3_600_000);
        encoders = new RowGroupEncoders(1, "test-encoder");
    }

    @AfterEach
    void close() {
        encoders.close();
    }

    private Part part(long first) throws Exception {
        return Part.open(output, layout, SCHEMA, ParquetOptions.defaults(), encoders, SCHEMA.recordLength(), first, 1, System.currentTimeMillis());
    }

    private static byte[] records(int n, long from) {
        byte[] b = new byte[n * 8];
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            bb.putLong(i * 8, from + i);
        }
        return b;
    }

    @Test
    void commitPublishesTheWholeFileUnderItsFinalNameWithItsRange() throws Exception {
        Part p = part(100);
        p.append(records(10, 0), 0, 10, 109);
        p.skip(110, 0); // a quarantined record: inside the range, not a row
        assertThat(Files.exists(local(p.writingPath()))).isTrue();
        CommittedFile f = p.commit(Map.of(FooterKeys.SOURCE, "src"));
        assertThat(local(f.path())).exists();
        assertThat(local(p.writingPath())).doesNotExist();
        assertThat(f.rows()).isEqualTo(10);
        assertThat(f.firstIndex()).isEqualTo(100);
        assertThat(f.lastIndex()).isEqualTo(110);
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(f.path(), output.conf()))) {
            assertThat(r.getRecordCount()).isEqualTo(10);
            assertThat(r.getFooter().getFileMetaData().getKeyValueMetaData()).containsEntry(FooterKeys.FIRST_INDEX, "100")
                    .containsEntry(FooterKeys.LAST_INDEX, "110").containsEntry(FooterKeys.RECORD_COUNT, "10")
                    .containsEntry(FooterKeys.SOURCE, "src");
        }
        assertThatThrownBy(() -> p.append(records(1, 0), 0, 1, 111)).isInstanceOf(IllegalStateException.class).hasMessageContaining("committed");
        p.abort(); // a no-op after commit
        assertThat(local(f.path())).exists();
    }

    @Test
    void abortLeavesNothingAndRefusesFurtherUse() throws Exception {
        Part p = part(0);
        p.append(records(5, 0), 0, 5, 4);
        p.abort();
        p.abort();
        assertThat(local(p.writingPath())).doesNotExist();
        assertThat(local(p.finalPath())).doesNotExist();
        assertThatThrownBy(() -> p.commit(Map.of())).isInstanceOf(IllegalStateException.class).hasMessageContaining("aborted");
        // The encoder is free for the next part.
        Part next = part(5);
        next.append(records(3, 5), 0, 3, 7);
        assertThat(next.commit(Map.of()).rows()).isEqualTo(3);
    }

    @Test
    void aCommitThatMeetsACommittedFileAbortsItselfAndKeepsTheOtherFile() throws Exception {
        Part first = part(0);
        first.append(records(2, 0), 0, 2, 1);
        CommittedFile f = first.commit(Map.of());
        long size = Files.size(local(f.path()));
        Part again = part(0); // the same first index: these records were committed already
        again.append(records(3, 0), 0, 3, 2);
        assertThatThrownBy(() -> again.commit(Map.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refusing to overwrite").hasMessageContaining(f.path().toString());
        assertThat(Files.size(local(f.path()))).isEqualTo(size);
        assertThat(local(again.writingPath())).as("the refused part's in-progress file is gone").doesNotExist();
        assertThatThrownBy(() -> again.commit(Map.of())).isInstanceOf(IllegalStateException.class);
    }

    private static Path local(org.apache.hadoop.fs.Path p) {
        return Path.of(p.toUri());
    }
}
