package io.parquetry.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A converter's log of recent commits, {@code <stateDir>/commits.log}, for the console and operators. It is a record
 * for people, not part of the commit protocol: recovery never reads it. Kept to about {@code keep} entries.
 *
 * <p>Format: a header line {@value #HEADER}, then one line per commit, newest last, fields separated by tabs, with tab,
 * newline and backslash in the file name escaped as {@code \t}, {@code \n}, {@code \\}:
 * <pre>
 * committedAt  cause  rows  bytes  uncompressedBytes  firstIndex  lastIndex  file
 * </pre>
 * A line cut short (a kill or a full disk during an append) is skipped by the reader and counted; so is any line this
 * version cannot parse. A log from before this format (JSON lines) is moved aside to {@code commits.log.v1} on open.
 */
public final class CommitLog {

    public static final String HEADER = "# parquetry commit log v2\tcommittedAt\tcause\trows\tbytes\tuncompressedBytes\tfirstIndex\tlastIndex\tfile";
    private static final int FIELDS = 8;

    /** One commit. */
    public record Entry(String file, long rows, long bytes, long firstIndex, long lastIndex, long committedAt, String cause,
            long uncompressedBytes) {

        String toLine() {
            return String.format(Locale.ROOT, "%d\t%s\t%d\t%d\t%d\t%d\t%d\t%s", committedAt, escape(cause), rows, bytes, uncompressedBytes,
                    firstIndex, lastIndex, escape(file));
        }
    }

    /** The newest entries (newest first) and the number of lines skipped because they could not be read. */
    public record Recent(List<Entry> entries, int skippedLines) {
    }

    private final Path file;
    private final int keep;
    private int lines;

    private CommitLog(Path file, int keep, int lines) {
        this.file = file;
        this.keep = keep;
        this.lines = lines;
    }

    /** Opens (creating, or starting anew after an older format) the log a converter appends to. */
    public static CommitLog open(Path file, int keep) {
        try {
            if (Files.exists(file)) {
                List<String> existing = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (!existing.isEmpty() && !existing.get(0).equals(HEADER)) {
                    Files.move(file, file.resolveSibling(file.getFileName() + ".v1"), StandardCopyOption.REPLACE_EXISTING);
                } else {
                    return new CommitLog(file, keep, existing.size());
                }
            }
            Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
            return new CommitLog(file, keep, 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open commit log: file=" + file + ": " + e, e);
        }
    }

    public Path file() {
        return file;
    }

    /** Appends one line in one write; trims the log to the newest {@code keep} entries once it holds twice that. */
    public void append(Entry e) {
        byte[] line = (e.toLine() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(line);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            if (++lines > 2 * keep + 1) {
                List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
                List<String> tail = new ArrayList<>();
                tail.add(HEADER);
                tail.addAll(all.subList(Math.max(1, all.size() - keep), all.size()));
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.write(tmp, tail, StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                lines = tail.size();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot append to commit log: file=" + file + ": " + ex, ex);
        }
    }

    /** The newest {@code max} entries of a commit log, newest first; a missing log has none. */
    public static Recent recent(Path file, int max) {
        if (!Files.exists(file)) {
            return new Recent(List.of(), 0);
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read commit log: file=" + file + ": " + e, e);
        }
        String[] all = text.split("\n", -1);
        // The piece after the last newline is either empty or a line whose append was cut short.
        int skipped = all[all.length - 1].isEmpty() ? 0 : 1;
        List<Entry> out = new ArrayList<>();
        for (int i = all.length - 2; i >= 0 && out.size() < max; i--) {
            String line = all[i];
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Entry e = parse(line);
            if (e == null) {
                skipped++;
            } else {
                out.add(e);
            }
        }
        return new Recent(out, skipped);
    }

    /** One line, or null when it is not a whole entry. */
    static Entry parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != FIELDS) {
            return null;
        }
        try {
            return new Entry(unescape(f[7]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[5]), Long.parseLong(f[6]),
                    Long.parseLong(f[0]), unescape(f[1]), Long.parseLong(f[4]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
    }

    static String unescape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
