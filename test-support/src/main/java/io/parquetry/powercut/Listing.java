package io.parquetry.powercut;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory's entries in the format the shim writes (one line per entry: {@code <ino> <type> <birth> <name>}, type
 * d, f, l or o, with '%' and newlines in names as %25 and %0A), read and written here so the baseline and the shim
 * agree.
 */
public final class Listing {

    /** One entry of a directory: what name points to which inode (born when) of which type. */
    public record Entry(long ino, char type, String birth, String name) {
    }

    /** Names are bytes on Linux: decode them as the JVM decodes file names, so they resolve to the same files. */
    private static final Charset NAMES = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

    private Listing() {
    }

    /** The entries in {@code file}; none when it does not exist (a directory never synced since it was made). */
    public static List<Entry> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        byte[] bytes = Files.readAllBytes(file);
        List<Entry> entries = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                entries.add(parse(bytes, start, i));
                start = i + 1;
            }
        }
        if (start != bytes.length) {
            throw new IOException("listing " + file + " ends in the middle of a line");
        }
        return entries;
    }

    private static Entry parse(byte[] b, int from, int to) throws IOException {
        int space = from;
        while (space < to && b[space] != ' ') {
            space++;
        }
        int birthEnd = space + 3;
        while (birthEnd < to && b[birthEnd] != ' ') {
            birthEnd++;
        }
        if (space + 3 > to || b[space + 2] != ' ' || birthEnd >= to) {
            throw new IOException("bad listing line: " + new String(b, from, to - from, NAMES));
        }
        long ino = Long.parseUnsignedLong(new String(b, from, space - from, NAMES));
        char type = (char) b[space + 1];
        String birth = new String(b, space + 3, birthEnd - space - 3, NAMES);
        ByteArrayOutputStream name = new ByteArrayOutputStream();
        for (int i = birthEnd + 1; i < to; i++) {
            if (b[i] == '%' && i + 2 < to) {
                name.write(Integer.parseInt(new String(b, i + 1, 2, NAMES), 16));
                i += 2;
            } else {
                name.write(b[i]);
            }
        }
        return new Entry(ino, type, birth, name.toString(NAMES));
    }

    /** Writes {@code entries} to {@code file} through a temporary file, as the shim does. */
    public static void write(Path file, List<Entry> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Entry e : entries) {
            out.writeBytes((Long.toUnsignedString(e.ino()) + " " + e.type() + " " + e.birth() + " ").getBytes(NAMES));
            for (byte c : e.name().getBytes(NAMES)) {
                if (c == '%' || c == '\n') {
                    out.writeBytes(String.format("%%%02X", c).getBytes(NAMES));
                } else {
                    out.write(c);
                }
            }
            out.write('\n');
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, out.toByteArray());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
