package io.parquetry.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitLogTest {

    @TempDir
    Path dir;

    private static CommitLog.Entry entry(int i, String file) {
        return new CommitLog.Entry(file, 100L * i, 10L * i, i * 1000L, i * 1000L + 999, 1_700_000_000_000L + i, "rows", 5200L * i);
    }

    @Test
    void entriesComeBackNewestFirstWithAwkwardFileNamesIntact() {
        CommitLog log = CommitLog.open(dir.resolve("commits.log"), 10);
        log.append(entry(1, "file:/d/a.parquet"));
        log.append(entry(2, "file:/d/with\ttab and\nnewline \\ backslash.parquet"));
        CommitLog.Recent r = CommitLog.recent(log.file(), 10);
        assertThat(r.skippedLines()).isZero();
        assertThat(r.entries()).containsExactly(entry(2, "file:/d/with\ttab and\nnewline \\ backslash.parquet"), entry(1, "file:/d/a.parquet"));
    }

    @Test
    void aLineCutShortIsSkippedAndCounted() throws Exception {
        CommitLog log = CommitLog.open(dir.resolve("commits.log"), 10);
        log.append(entry(1, "file:/d/a.parquet"));
        log.append(entry(2, "file:/d/b.parquet"));
        // A kill or a full disk during an append: half a line, no newline.
        Files.writeString(log.file(), "1700000000003\trows\t300\t3", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        CommitLog.Recent r = CommitLog.recent(log.file(), 10);
        assertThat(r.entries()).extracting(CommitLog.Entry::file).containsExactly("file:/d/b.parquet", "file:/d/a.parquet");
        assertThat(r.skippedLines()).isEqualTo(1);
        // A garbled whole line is skipped too.
        Files.writeString(log.file(), "\nnot\ta\tcommit\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        assertThat(CommitLog.recent(log.file(), 10).skippedLines()).isEqualTo(2);
    }

    @Test
    void keepsTheNewestEntriesAndMovesAnOlderFormatAside() throws Exception {
        Path file = dir.resolve("commits.log");
        Files.writeString(file, "{\"file\":\"old\",\"rows\":1}\n");
        CommitLog log = CommitLog.open(file, 10);
        assertThat(dir.resolve("commits.log.v1")).hasContent("{\"file\":\"old\",\"rows\":1}");
        for (int i = 1; i <= 35; i++) {
            log.append(entry(i, "f" + i));
        }
        CommitLog.Recent r = CommitLog.recent(file, 100);
        assertThat(r.entries().size()).isBetween(10, 21);
        assertThat(r.entries().get(0).file()).isEqualTo("f35");
        assertThat(Files.readAllLines(file).get(0)).isEqualTo(CommitLog.HEADER);
        assertThat(CommitLog.recent(dir.resolve("missing.log"), 10).entries()).isEmpty();
    }
}
