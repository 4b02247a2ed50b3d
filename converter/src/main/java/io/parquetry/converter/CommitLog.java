package io.parquetry.converter;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A local log of recent commits, one JSON object a line, newest last, for the console and operators. It is a record
 * for people, not part of the commit protocol: recovery never reads it. Kept to about {@code keep} entries.
 */
public final class CommitLog {

    /** One commit. */
    public record Entry(String file, long rows, long bytes, long firstIndex, long lastIndex, long committedAtMillis, String cause,
            long uncompressedBytes) {

        String toJson() {
            return String.format(Locale.ROOT, "{\"file\":\"%s\",\"rows\":%d,\"bytes\":%d,\"firstIndex\":%d,\"lastIndex\":%d,"
                    + "\"committedAt\":%d,\"cause\":\"%s\",\"uncompressedBytes\":%d}", escape(file), rows, bytes, firstIndex, lastIndex,
                    committedAtMillis, cause, uncompressedBytes);
        }
    }

    private final Path file;
    private final int keep;
    private int lines;

    CommitLog(Path file, int keep) {
        this.file = file;
        this.keep = keep;
        this.lines = Files.exists(file) ? readLines(file).size() : 0;
    }

    public Path file() {
        return file;
    }

    void append(Entry e) {
        try {
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                w.write(e.toJson());
                w.write('\n');
            }
            if (++lines > 2 * keep) {
                List<String> all = readLines(file);
                List<String> tail = all.subList(Math.max(0, all.size() - keep), all.size());
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.write(tmp, tail, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                lines = tail.size();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to commit log: file=" + file, ex);
        }
    }

    /** The newest {@code max} lines of a commit log (raw JSON objects), newest first. */
    public static List<String> recent(Path file, int max) {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> all = readLines(file);
        List<String> out = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0 && out.size() < max; i--) {
            if (!all.get(i).isBlank()) {
                out.add(all.get(i));
            }
        }
        return out;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read commit log: file=" + file, e);
        }
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
