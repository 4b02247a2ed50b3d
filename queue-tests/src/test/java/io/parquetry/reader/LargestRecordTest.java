package io.parquetry.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.schema.Field;
import io.parquetry.schema.FieldType;
import io.parquetry.schema.Schema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The largest record a schema may describe, 16 MiB with its version and checksum, goes through a recorder with default options
 * (Chronicle's block of 64 MiB takes excerpts of up to 16 MiB) and reads back whole.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LargestRecordTest {

    @TempDir
    Path dir;

    @Test
    void theLargestRecordIsWrittenAndReadBack() {
        StringBuilder yaml = new StringBuilder("name: big\nversion: 1\nfields:\n");
        for (int i = 0; i < 16; i++) {
            yaml.append("  - {name: b").append(i).append(", type: binary(").append(FieldType.MAX_VARIABLE_LENGTH - (i == 15 ? 12 : 4))
                    .append(")}\n");
        }
        Schema schema = Schema.parse(yaml.toString(), "big");
        assertThat(schema.maxRecordLength()).isEqualTo(Schema.MAX_RECORD_LENGTH);
        byte[] bound = new byte[FieldType.MAX_VARIABLE_LENGTH - 4];
        try (Recorder rec = Recorder.open(dir, schema, RecorderOptions.defaults().diskGuardMinFreeBytes(0)); RecordWriter w = rec.newWriter()) {
            for (int r = 0; r < 3; r++) {
                assertThat(w.begin()).isEqualTo(RecordWriter.OK);
                try {
                    for (Field f : schema.fields()) {
                        bound[0] = (byte) f.index();
                        w.setBytes(f, bound, 0, f.maxLength());
                    }
                    assertThat(w.commit()).isEqualTo(RecordWriter.OK);
                } finally {
                    w.abort();
                }
            }
        }
        List<Integer> lengths = new ArrayList<>();
        RawExcerpts.forEach(dir, (index, r) -> {
            assertThat(r.variableProblem()).isNull();
            assertThat(r.length()).as("the excerpt: record, schema version and checksum").isEqualTo(16 << 20);
            lengths.add(r.recordLength());
            byte[] value = new byte[FieldType.MAX_VARIABLE_LENGTH];
            for (Field f : schema.fields()) {
                assertThat(r.getValue(f, value, 0)).isEqualTo(f.maxLength());
                assertThat(value[0]).isEqualTo((byte) f.index());
            }
        });
        assertThat(lengths).containsExactly(Schema.MAX_RECORD_LENGTH, Schema.MAX_RECORD_LENGTH, Schema.MAX_RECORD_LENGTH);
    }
}
