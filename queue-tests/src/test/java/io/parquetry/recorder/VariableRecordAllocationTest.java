package io.parquetry.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.schema.Field;
import io.parquetry.schema.Schema;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * As {@link RecorderAllocationTest}, for records with {@code string(N)} and {@code binary(N)} fields: UTF-8 encoded
 * straight into the record from ASCII and multibyte text, bytes from arrays, buffers and Chronicle stores, values in
 * pieces, cut and refused values: nothing allocated per append once warmed up.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VariableRecordAllocationTest {

    private static final Schema SCHEMA = Schema.parse(String.join("\n",
            "name: events",
            "version: 1",
            "fields:",
            "  - {name: seq, type: int64}",
            "  - {name: text, type: string(2048)}",
            "  - {name: payload, type: binary(512), nullable: true}",
            "  - {name: note, type: string(64), nullable: true}",
            "  - {name: tag, type: string(16), nullable: true, overflow: truncate}",
            ""), "events");

    @TempDir
    Path dir;

    @Test
    void variableAppendAllocatesNothingAfterWarmUp() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(mx.isThreadAllocatedMemorySupported()).isTrue();
        mx.setThreadAllocatedMemoryEnabled(true);
        Field seq = SCHEMA.field("seq");
        Field text = SCHEMA.field("text");
        Field payload = SCHEMA.field("payload");
        Field note = SCHEMA.field("note");
        Field tag = SCHEMA.field("tag");
        String ascii = "order accepted by the matching engine; venue XNAS, account 1234-5678, ref ABCDEFGHIJ";
        String multi = "Größe 10 € — 東京 🚀 ok";
        StringBuilder piece = new StringBuilder("; then more");
        String tooLongForTag = "a tag of more than sixteen bytes";
        String tooLongForNote = "x".repeat(65);
        byte[] bytes = new byte[200];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        ByteBuffer direct = ByteBuffer.allocateDirect(200).put(bytes).flip();
        Bytes<?> store = Bytes.allocateDirect(200);
        store.write(bytes);
        try (Recorder rec = Recorder.open(dir, SCHEMA, RecorderOptions.defaults().diskGuardMinFreeBytes(0));
             RecordWriter w = rec.newWriter()) {
            long tid = Thread.currentThread().getId();
            long i = 0;
            long refused = 0;
            long before = 0;
            int appends = 500_000;
            for (int round = 0; round < 2; round++) {
                if (round == 1) {
                    before = mx.getThreadAllocatedBytes(tid);
                }
                for (long end = i + (round == 0 ? 400_000 : appends); i < end; i++) {
                    if (w.begin() != RecordWriter.OK) {
                        continue;
                    }
                    try {
                        w.setLong(seq, i);
                        int k = (int) (i & 3);
                        w.setString(text, (i & 1) == 0 ? ascii : multi);
                        w.appendString(text, piece);
                        switch (k) {
                            case 0:
                                w.setBytes(payload, bytes, 0, 64 + (int) (i & 63));
                                break;
                            case 1:
                                w.setBytes(payload, direct, 8, 100);
                                break;
                            case 2:
                                w.setBytes(payload, store, 16, 150);
                                break;
                            default:
                                w.setNull(payload);
                                break;
                        }
                        w.appendBytes(payload, bytes, 0, 10);
                        w.setString(tag, (i & 7) == 0 ? tooLongForTag : "short"); // a cut value now and then
                        w.setString(note, (i % 101) == 0 ? tooLongForNote : multi); // a refused record now and then
                        if (w.commit() != RecordWriter.OK) {
                            refused++;
                        }
                    } finally {
                        w.abort();
                    }
                }
            }
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            double perAppend = (double) allocated / appends;
            System.out.printf("allocated %d bytes over %d variable appends: %.4f B/append%n", allocated, appends, perAppend);
            assertThat(perAppend).as("bytes allocated per append").isLessThan(0.1);
            assertThat(refused).isEqualTo(w.refusedTooLong()).isPositive();
            assertThat(w.truncated()).isPositive();
            assertThat(rec.appended()).isEqualTo(i - refused);
        } finally {
            store.releaseLast();
        }
    }
}
