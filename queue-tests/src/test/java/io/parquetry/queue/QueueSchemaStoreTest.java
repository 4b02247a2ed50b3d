package io.parquetry.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.reader.QueueReader;
import io.parquetry.recorder.Recorder;
import io.parquetry.recorder.RecorderOptions;
import io.parquetry.testing.AllTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueSchemaStoreTest {

    private static final RecorderOptions SMALL = RecorderOptions.defaults().diskGuardMinFreeBytes(0).pretouchAhead(0);

    @TempDir
    Path dir;

    @Test
    void aNewQueueGetsAnIdentityThatSurvivesReopeningAndARecreatedQueueGetsAnother() throws Exception {
        AllTypes t = new AllTypes();
        QueueIdentity first;
        try (Recorder r = Recorder.open(dir.resolve("q"), t.schema, SMALL)) {
            first = r.identity();
        }
        assertThat(first.assignedLater()).isFalse();
        try (Recorder r = Recorder.open(dir.resolve("q"), t.schema, SMALL); QueueReader reader = QueueReader.open(dir.resolve("q"))) {
            assertThat(r.identity()).isEqualTo(first);
            assertThat(reader.identity()).isEqualTo(first);
        }
        org.apache.commons.io.file.PathUtils.deleteDirectory(dir.resolve("q"));
        try (Recorder r = Recorder.open(dir.resolve("q"), t.schema, SMALL)) {
            assertThat(r.identity().id()).isNotEqualTo(first.id());
        }
    }

    @Test
    void processesOpeningAQueueFromBeforeIdentitiesAtOnceAgreeOnOneId() throws Exception {
        AllTypes t = new AllTypes();
        try (Recorder r = Recorder.open(dir.resolve("q"), t.schema, SMALL)) {
            assertThat(r.identity()).isNotNull();
        }
        Path f = QueueSchemaStore.file(dir.resolve("q"));
        String legacy = Files.readString(f).replaceAll("(?m)^# queue-(id|created): .*\\n", "");
        for (int round = 0; round < 20; round++) {
            Files.writeString(f, legacy);
            Set<QueueIdentity> seen = ConcurrentHashMap.newKeySet();
            CyclicBarrier start = new CyclicBarrier(4);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        seen.add(QueueSchemaStore.identity(dir.resolve("q")));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            assertThat(seen).hasSize(1);
            assertThat(seen.iterator().next().assignedLater()).isTrue();
        }
        // The schema is still read the same, and the queue opens for appends.
        assertThat(QueueSchemaStore.read(dir.resolve("q")).fingerprint()).isEqualTo(t.schema.fingerprint());
        try (Recorder r = Recorder.open(dir.resolve("q"), t.schema, SMALL)) {
            assertThat(r.identity().assignedLater()).isTrue();
        }
    }

    @Test
    void aMalformedIdIsNamed() throws Exception {
        AllTypes t = new AllTypes();
        try (Recorder r = Recorder.open(dir.resolve("q"), t.schema, SMALL)) {
            assertThat(r.identity()).isNotNull();
        }
        Path f = QueueSchemaStore.file(dir.resolve("q"));
        Files.writeString(f, Files.readString(f).replaceAll("(?m)^# queue-id: .*$", "# queue-id: xyz"));
        assertThatThrownBy(() -> QueueSchemaStore.identity(dir.resolve("q"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("queue-id=xyz").hasMessageContaining(f.toString());
    }
}
