package io.parquetry.reader;

import static io.parquetry.testing.DamagedQueues.cycleFiles;
import static io.parquetry.testing.DamagedQueues.recordPositions;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.queue.CycleFileDescriptor;
import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.QueueSchemaStore;
import io.parquetry.recorder.RecordWriter;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.schema.Field;
import io.parquetry.schema.Schema;
import io.parquetry.testing.DamagedQueues;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Records with string/binary fields read back through the queue reader value for value, and a record whose values do
 * not fit its length stops the reader as damage, whether or not its checksum matches.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public class QueueReaderVariableTest {

    public static final Schema SCHEMA = Schema.parse("""
            name: events
            version: 1
            fields:
              - name: seq
                type: int64
              - name: message
                type: string(300)
              - name: payload
                type: binary(40)
                nullable: true
              - name: tag
                type: string(12)
                nullable: true
            """, "events.yaml");

    @TempDir
    Path dir;

    @TempDir
    Path scratch;

    /** What record {@code i} holds: a message of a length spread over 0..300 bytes with multibyte text, a payload or null. */
    public static String message(int i) {
        Random r = new Random(i);
        int chars = r.nextInt(4) == 0 ? 0 : r.nextInt(100);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < chars) {
            switch (r.nextInt(4)) {
                case 0 -> sb.append((char) ('a' + r.nextInt(26)));
                case 1 -> sb.append('é');
                case 2 -> sb.append('€');
                default -> sb.appendCodePoint(0x1F600 + r.nextInt(50));
            }
        }
        return sb.toString();
    }

    static byte[] payload(int i) {
        Random r = new Random(~i);
        if (r.nextInt(3) == 0) {
            return null;
        }
        byte[] b = new byte[r.nextInt(41)];
        r.nextBytes(b);
        return b;
    }

    public static void write(Path dir, int n) {
        Field seq = SCHEMA.field("seq");
        Field message = SCHEMA.field("message");
        Field payload = SCHEMA.field("payload");
        Field tag = SCHEMA.field("tag");
        try (Recorder rec = Recorder.open(dir, SCHEMA, DamagedQueues.OPTIONS); RecordWriter w = rec.newWriter()) {
            for (int i = 0; i < n; i++) {
                assertThat(w.begin()).isEqualTo(RecordWriter.OK);
                w.setLong(seq, i);
                w.setString(message, message(i));
                byte[] p = payload(i);
                if (p == null) {
                    w.setNull(payload);
                } else {
                    w.setBytes(payload, p, 0, p.length);
                }
                if (i % 5 == 0) {
                    w.setString(tag, "");
                } else if (i % 5 == 1) {
                    w.setString(tag, "t" + i % 97);
                }
                assertThat(w.commit()).isEqualTo(RecordWriter.OK);
            }
        }
    }

    /**
     * In layout version 4, every new queue's, and in layout version 3, which a queue an earlier Parquetry created for
     * these records keeps.
     */
    @ParameterizedTest
    @ValueSource(ints = {ExcerptFormat.VERSIONED, ExcerptFormat.VARIABLE})
    void readsEveryRecordBackValueForValue(int layout) {
        if (layout != ExcerptFormat.versionFor(SCHEMA, true)) {
            QueueSchemaStore.storeOrCheck(dir, SCHEMA, RecorderOptions.DEFAULT_ROLL_CYCLE, layout);
        }
        int n = 20_000;
        write(dir, n);
        int after = (layout == ExcerptFormat.VERSIONED ? ExcerptFormat.SCHEMA_VERSION_LENGTH : 0) + ExcerptFormat.CHECKSUM_LENGTH;
        Field seq = SCHEMA.field("seq");
        Field message = SCHEMA.field("message");
        Field payload = SCHEMA.field("payload");
        Field tag = SCHEMA.field("tag");
        StringBuilder sb = new StringBuilder();
        ValueView view = new ValueView();
        int[] count = {0};
        try (QueueReader r = QueueReader.open(dir)) {
            assertThat(r.format().version()).isEqualTo(layout);
            r.toStart();
            while (r.read((index, rec) -> {
                int i = count[0]++;
                assertThat(rec.matchesSchema()).isTrue();
                assertThat(rec.variableProblem()).isNull();
                assertThat(rec.getLong(seq)).isEqualTo(i);
                String m = message(i);
                assertThat(rec.getString(message, sb).toString()).as("message of %d", i).isEqualTo(m);
                byte[] utf8 = m.getBytes(StandardCharsets.UTF_8);
                assertThat(rec.valueLength(message)).isEqualTo(utf8.length);
                assertThat(rec.view(message, view).contentEquals(utf8)).isTrue();
                byte[] p = payload(i);
                assertThat(rec.isNull(payload)).isEqualTo(p == null);
                byte[] got = new byte[40];
                int len = rec.getValue(payload, got, 0);
                assertThat(Arrays.copyOf(got, len)).isEqualTo(p == null ? new byte[0] : p);
                assertThat(rec.isNull(tag)).as("tag of %d", i).isEqualTo(i % 5 > 1);
                assertThat(rec.getString(tag, sb).toString()).isEqualTo(i % 5 == 1 ? "t" + i % 97 : "");
                // The record is its values and nothing else: fixed part, value bytes; then (layout 4) its version, its checksum.
                int p2 = p == null ? 0 : p.length;
                int t = i % 5 == 1 ? ("t" + i % 97).length() : 0;
                assertThat(rec.recordLength()).isEqualTo(SCHEMA.fixedLength() + utf8.length + p2 + t);
                assertThat(rec.length()).isEqualTo(SCHEMA.fixedLength() + utf8.length + p2 + t + after);
            }, 1000) > 0) {
                // keep reading
            }
        }
        assertThat(count[0]).isEqualTo(n);
    }

    /**
     * A record whose end slot points past its bytes, its checksum made to match (so only the values' check can see it):
     * the reader hands on the records before it and stops there with the file and the position, never handing it on;
     * whether checksums are checked (after a reboot) or not (a recorder made the queue whole in this boot).
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aValueEndingPastTheRecordIsDamageEvenWithAMatchingChecksum(boolean afterReboot) throws Exception {
        checkDamage(true, afterReboot, "variable values are not well formed (field message ends at ");
    }

    /** The same end slot broken and the checksum left as it was: after a reboot, a torn record by its checksum. */
    @Test
    void aValueEndingPastTheRecordIsATornRecordAfterAReboot() throws Exception {
        checkDamage(false, true, "whose CRC32C does not match its bytes");
    }

    /** Without a reboot checksums are not checked: the values' check still stops the reader at the record. */
    @Test
    void aValueEndingPastTheRecordIsDamageWithoutChecksums() throws Exception {
        checkDamage(false, false, "variable values are not well formed (field message ends at ");
    }

    private void checkDamage(boolean fixChecksum, boolean afterReboot, String found) throws Exception {
        int n = 2_000;
        int bad = 1_234;
        write(dir, n);
        Path file = cycleFiles(dir).get(0);
        List<Long> pos = recordPositions(file);
        assertThat(pos).hasSize(n);
        long at = pos.get(bad);
        int excerpt = DamagedQueues.getInt(file, at) & CycleFileDescriptor.LENGTH_MASK;
        ExcerptFormat format = ExcerptFormat.of(QueueSchemaStore.layoutVersion(dir), SCHEMA);
        int recordLength = format.recordLengthIn(excerpt);
        long slot = at + CycleFileDescriptor.HEADER_LENGTH + SCHEMA.field("message").offset();
        DamagedQueues.putInt(file, slot, recordLength + 100);
        if (fixChecksum) {
            int checked = format.checkedLengthIn(excerpt); // the record, and its schema version: the checksum right after them
            byte[] rec = new byte[checked];
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                f.seek(at + CycleFileDescriptor.HEADER_LENGTH);
                f.readFully(rec);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            DamagedQueues.putInt(file, at + CycleFileDescriptor.HEADER_LENGTH + checked, ExcerptFormat.checksum(new CRC32C(), rec, 0, checked));
        }
        List<Long> seqs = new ArrayList<>();
        QueueDamagedException damage = null;
        Field seq = SCHEMA.field("seq");
        try (AutoCloseable boot = afterReboot ? DamagedQueues.rebooted(scratch) : () -> { }; QueueReader r = QueueReader.open(dir)) {
            r.toStart();
            assertThat(r.checksChecksums()).as("checksums checked").isEqualTo(afterReboot);
            while (r.read((index, rec) -> seqs.add(rec.getLong(seq)), 100) > 0) {
                // keep reading
            }
        } catch (QueueDamagedException e) {
            damage = e;
        }
        assertThat(seqs).as("records before the damage, each once, in order").hasSize(bad);
        for (int i = 0; i < bad; i++) {
            assertThat(seqs.get(i)).isEqualTo(i);
        }
        assertThat(damage).as("damage reported").isNotNull();
        assertThat(damage.file()).isEqualTo(file);
        assertThat(damage.position()).isEqualTo(at);
        assertThat(damage.getMessage()).doesNotContain("\n")
                .contains(found);
    }
}
