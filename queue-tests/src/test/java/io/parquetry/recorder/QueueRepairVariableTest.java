package io.parquetry.recorder;

import static io.parquetry.testing.DamagedQueues.cycleFiles;
import static io.parquetry.testing.DamagedQueues.recordPositions;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.queue.CycleFileDescriptor;
import io.parquetry.queue.SyncMark;
import io.parquetry.reader.QueueReader;
import io.parquetry.reader.QueueReaderVariableTest;
import io.parquetry.schema.Field;
import io.parquetry.schema.Schema;
import io.parquetry.testing.DamagedQueues;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recorder opening a queue of records with string/binary fields after a power cut cuts it at the first record after
 * the last synced one whose checksum does not match its bytes, whatever their lengths: a torn record of variable length
 * is never read as a record, and appends go on right after the last whole one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueRepairVariableTest {

    private static final Schema SCHEMA = QueueReaderVariableTest.SCHEMA;

    @TempDir
    Path dir;

    @TempDir
    Path scratch;

    @Test
    void cutsAtTheFirstTornRecordOfVariableLengthAfterTheSyncMark() throws Exception {
        int n = 2_000;
        int synced = 1_000;
        QueueReaderVariableTest.write(dir, n);
        Path file = cycleFiles(dir).get(0);
        List<Long> pos = recordPositions(file);
        // As if the last sync had covered only the records up to `synced`, and a power cut had torn one after it: a byte of
        // its message flipped (a page of it lost), its header and length kept.
        SyncMark.Mark mark = SyncMark.read(dir);
        SyncMark.write(dir, mark, mark.cycle(), pos.get(synced), synced);
        int torn = firstWithMessageAfter(1_500);
        long at = pos.get(torn) + CycleFileDescriptor.HEADER_LENGTH + SCHEMA.fixedLength();
        DamagedQueues.putInt(file, at, DamagedQueues.getInt(file, at) ^ 0x01);
        try (AutoCloseable boot = DamagedQueues.rebooted(scratch)) {
            try (Recorder rec = Recorder.open(dir, SCHEMA, DamagedQueues.OPTIONS)) {
                assertThat(rec.schema().identity()).isEqualTo(SCHEMA.identity());
            }
            assertThat(seqs()).as("records after the repair").isEqualTo(range(0, torn));
            try (Stream<Path> aside = Files.list(dir.resolve("parquetry-repair"))) {
                assertThat(aside.count()).as("the cut bytes kept aside").isPositive();
            }
            QueueReaderVariableTest.write(dir, 3);
            List<Long> expected = range(0, torn);
            expected.addAll(range(0, 3));
            assertThat(seqs()).as("appends go on after the last whole record").isEqualTo(expected);
        }
    }

    private static int firstWithMessageAfter(int from) {
        int i = from;
        while (QueueReaderVariableTest.message(i).getBytes(StandardCharsets.UTF_8).length < 4) {
            i++;
        }
        return i;
    }

    private List<Long> seqs() {
        Field seq = SCHEMA.field("seq");
        List<Long> out = new ArrayList<>();
        try (QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            while (r.read((index, rec) -> out.add(rec.getLong(seq)), 500) > 0) {
                // keep reading
            }
        }
        return out;
    }

    private static List<Long> range(long from, long to) {
        List<Long> l = new ArrayList<>();
        for (long i = from; i < to; i++) {
            l.add(i);
        }
        return l;
    }
}
