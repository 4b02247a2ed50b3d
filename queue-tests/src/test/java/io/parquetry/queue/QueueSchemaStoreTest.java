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

    /**
     * A queue a newer Parquetry created: its layout version is unknown here, and its schema may use what this version
     * cannot parse. The layout version is what says why the queue is refused, to the store, the recorder and the reader.
     */
    @Test
    void aQueueOfAnUnknownLayoutVersionIsRefusedForItsLayoutNotItsSchema() throws Exception {
        AllTypes t = new AllTypes();
        Path q = dir.resolve("q");
        try (Recorder r = Recorder.open(q, t.schema, SMALL)) {
            assertThat(r.format().version()).isEqualTo(ExcerptFormat.NEWEST);
        }
        Path f = QueueSchemaStore.file(q);
        String newer = Files.readString(f).replaceFirst("# layout-version: \\d+", "# layout-version: " + (ExcerptFormat.NEWEST + 1))
                .replaceFirst("type: \"int64\"", "type: \"int128\"");
        assertThat(newer).as("a type this version does not know").contains("type: \"int128\"");
        Files.writeString(f, newer);
        String unknown = "layoutVersion=" + (ExcerptFormat.NEWEST + 1) + ", supported=1.." + ExcerptFormat.NEWEST;
        assertThatThrownBy(() -> QueueSchemaStore.history(q)).isInstanceOf(IllegalStateException.class).hasMessageContaining(unknown)
                .hasMessageContaining("file=" + f);
        assertThatThrownBy(() -> QueueSchemaStore.read(q)).hasMessageContaining(unknown);
        assertThatThrownBy(() -> Recorder.open(q, t.schema, SMALL)).isInstanceOf(IllegalStateException.class).hasMessageContaining(unknown);
        assertThatThrownBy(() -> QueueReader.open(q)).isInstanceOf(IllegalStateException.class).hasMessageContaining(unknown);
    }
}
