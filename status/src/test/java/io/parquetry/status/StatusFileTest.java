package io.parquetry.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusFileTest {

    @TempDir
    Path dir;

    private StatusFile create() {
        return StatusFile.create(dir.resolve("x.status"), StatusFileDescriptor.KIND_CONVERTER, ProcessHandle.current().pid(),
                System.currentTimeMillis());
    }

    @Test
    void aSnapshotNeverMixesTwoPublications() throws Exception {
        StatusFile owner = create();
        StatusFile reader = StatusFile.open(owner.path(), false);
        long publications = 100_000;
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        AtomicLong snapshots = new AtomicLong();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            Thread t = new Thread(() -> {
                while (!done.get() && torn.get() == null) {
                    StatusSnapshot s = reader.snapshot();
                    long v = s.value(0);
                    for (int slot = 1; slot < StatusFileDescriptor.VALUE_COUNT; slot++) {
                        if (s.value(slot) != v) {
                            torn.set("value slot " + slot + "=" + s.value(slot) + " beside slot 0=" + v);
                        }
                    }
                    String expected = v == 0 ? "" : "publication " + v;
                    if (!s.text(3).equals(expected)) {
                        torn.set("text " + s.text(3) + " beside values of " + v);
                    }
                    snapshots.incrementAndGet();
                }
            });
            readers.add(t);
            t.start();
        }
        for (long k = 1; k <= publications && torn.get() == null; k++) {
            try (StatusFile.Update u = owner.update()) {
                for (int slot = 0; slot < StatusFileDescriptor.VALUE_COUNT; slot++) {
                    u.value(slot, k);
                }
                u.text(3, "publication " + k);
            }
        }
        done.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertThat(torn.get()).as("a snapshot mixed two publications").isNull();
        assertThat(snapshots.get()).isPositive();
        assertThat(reader.snapshot().value(7)).isEqualTo(publications);
    }

    @Test
    void headerAndLivenessFollowOneRule() {
        StatusFile owner = create();
        owner.heartbeat(System.currentTimeMillis());
        StatusSnapshot s = StatusFile.open(owner.path(), false).snapshot();
        assertThat(s.kind()).isEqualTo(StatusFileDescriptor.KIND_CONVERTER);
        assertThat(s.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(s.alive(System.currentTimeMillis(), Duration.ofSeconds(3))).isTrue();
        assertThat(s.alive(System.currentTimeMillis() + 4_000, Duration.ofSeconds(3))).as("stale heartbeat").isFalse();
        owner.heartbeat(0);
        assertThat(owner.alive(Duration.ofHours(1))).as("stopped cleanly").isFalse();
        assertThat(Liveness.alive(System.currentTimeMillis(), Long.MAX_VALUE, System.currentTimeMillis(), Duration.ofHours(1)))
                .as("no such process").isFalse();
    }

    @Test
    void textIsCutOnACharacterBoundary() {
        StatusFile owner = create();
        String long2 = "é".repeat(200); // 400 bytes of UTF-8, more than a slot holds
        try (StatusFile.Update u = owner.update()) {
            u.text(0, long2);
        }
        String read = owner.snapshot().text(0);
        assertThat(read).isNotEmpty().matches("é+");
        assertThat(read.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(StatusFileDescriptor.TEXT_SLOT_LENGTH - 4);
    }

    @Test
    void requestCountersNeverLoseARaisedRequest() throws Exception {
        StatusFile owner = create();
        List<Thread> controllers = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            StatusFile control = StatusFile.open(owner.path(), true);
            Thread t = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    control.incrementCommand(ConverterStatusDescriptor.CMD_FLUSH_REQUESTED);
                }
            });
            controllers.add(t);
            t.start();
        }
        for (Thread t : controllers) {
            t.join();
        }
        assertThat(owner.command(ConverterStatusDescriptor.CMD_FLUSH_REQUESTED)).isEqualTo(40_000);
    }

    @Test
    void filesThatAreNotOursOrOfAnotherVersionOrKindAreRefusedNamingThem() throws Exception {
        Path path = create().path();
        assertThatThrownBy(() -> StatusFile.open(path, false, StatusFileDescriptor.KIND_RECORDER)).hasMessageContaining(path.toString())
                .hasMessageContaining("kind=converter").hasMessageContaining("expected=recorder");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 9), StatusFileDescriptor.MAJOR_OFFSET);
        }
        assertThatThrownBy(() -> StatusFile.open(path, false)).hasMessageContaining("version=9").hasMessageContaining("supported=1");
        Path other = dir.resolve("other");
        Files.write(other, new byte[StatusFileDescriptor.FILE_LENGTH]);
        assertThatThrownBy(() -> StatusFile.open(other, false)).hasMessageContaining("not a Parquetry status file").hasMessageContaining(
                other.toString());
        Path shortFile = dir.resolve("short");
        Files.write(shortFile, new byte[10]);
        assertThatThrownBy(() -> StatusFile.open(shortFile, false)).hasMessageContaining("too short").hasMessageContaining("length=10");
        assertThatThrownBy(() -> StatusFile.open(dir.resolve("none"), false)).hasMessageContaining("does not exist");
    }

    @Test
    void stateWordsOfALaterVersionReadAsUnknown() {
        assertThat(ConverterState.decode(ConverterState.RETRYING.ordinal())).isEqualTo(ConverterState.RETRYING);
        assertThat(ConverterState.decode(99)).isEqualTo(ConverterState.UNKNOWN);
        assertThat(ConverterState.decode(ConverterState.UNKNOWN.ordinal())).isEqualTo(ConverterState.UNKNOWN);
        assertThat(ConverterState.decode(-1)).isEqualTo(ConverterState.UNKNOWN);
    }
}
