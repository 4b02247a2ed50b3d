package io.parquetry.recorder;

import io.parquetry.schema.Schema;
import io.parquetry.schema.SchemaException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The schema a queue's records were written with, kept in the queue directory as {@value #FILE_NAME}: a header
 * with the layout version and fingerprint, then the schema YAML. It is created once, atomically (written aside, then
 * hard-linked into place, which fails if another process got there first), and never rewritten.
 */
public final class QueueSchemaStore {

    public static final String FILE_NAME = "parquetry-schema.yaml";

    private static final Pattern LAYOUT = Pattern.compile("(?m)^# layout-version: (\\d+)\\s*$");
    private static final Pattern ROLL_CYCLE = Pattern.compile("(?m)^# roll-cycle: ([A-Z0-9_]+)\\s*$");
    private static final Pattern FINGERPRINT = Pattern.compile("(?m)^# fingerprint: ([0-9a-f]{16})\\s*$");

    private QueueSchemaStore() {
    }

    public static Path file(Path queueDir) {
        return queueDir.resolve(FILE_NAME);
    }

    /**
     * Stores {@code schema} in a new queue, or checks it against the one already stored.
     *
     * @throws IllegalStateException naming both schemas when the queue holds records of another schema
     */
    static void storeOrCheck(Path queueDir, Schema schema, String rollCycle) {
        Path target = file(queueDir);
        try {
            Files.createDirectories(queueDir);
            if (!Files.exists(target)) {
                Path tmp = Files.createTempFile(queueDir, ".schema", ".tmp");
                try {
                    Files.writeString(tmp, render(schema, rollCycle), StandardCharsets.UTF_8);
                    try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                    Files.createLink(target, tmp);
                } catch (FileAlreadyExistsException raced) {
                    // Another recorder stored one first: fall through and compare with it.
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the schema in the queue directory: queue=" + queueDir, e);
        }
        Schema stored = read(queueDir);
        if (!stored.sameLayout(schema)) {
            throw new IllegalStateException("queue holds records of another schema: queue=" + queueDir + ", stored=" + stored.identity()
                    + ", given=" + schema.identity() + " (a schema change needs a new queue directory)");
        }
    }

    /**
     * Reads the schema stored in a queue directory.
     *
     * @throws IllegalStateException when the directory has no schema, was written by an unknown layout version, or the
     *     file was edited (fingerprint mismatch)
     */
    public static Schema read(Path queueDir) {
        Path f = file(queueDir);
        String text;
        try {
            text = Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("queue directory has no schema (not written by a Parquetry recorder?): missing file=" + f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the queue's schema: file=" + f, e);
        }
        Matcher layout = LAYOUT.matcher(text);
        if (!layout.find()) {
            throw new IllegalStateException("queue schema file has no layout version header: file=" + f);
        }
        int version = Integer.parseInt(layout.group(1));
        if (version != Schema.LAYOUT_VERSION) {
            throw new IllegalStateException("queue was written with an unknown record layout version: file=" + f + ", layoutVersion="
                    + version + ", supported=" + Schema.LAYOUT_VERSION);
        }
        Schema schema;
        try {
            schema = Schema.parse(text, f.toString());
        } catch (SchemaException e) {
            throw new IllegalStateException("queue schema file is damaged: " + e.getMessage(), e);
        }
        Matcher fp = FINGERPRINT.matcher(text);
        if (fp.find() && !fp.group(1).equals(schema.fingerprintHex())) {
            throw new IllegalStateException("queue schema file was edited after records were written: file=" + f + ", header fingerprint="
                    + fp.group(1) + ", content fingerprint=" + schema.fingerprintHex());
        }
        return schema;
    }

    /** The roll cycle the queue was created with, or null for a queue stored before it was recorded. */
    public static String rollCycle(Path queueDir) {
        try {
            Matcher m = ROLL_CYCLE.matcher(Files.readString(file(queueDir), StandardCharsets.UTF_8));
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }

    static String render(Schema schema, String rollCycle) {
        return "# Parquetry queue schema: every record in this directory has this layout. Do not edit.\n"
                + "# layout-version: " + Schema.LAYOUT_VERSION + "\n"
                + "# roll-cycle: " + rollCycle + "\n"
                + "# fingerprint: " + schema.fingerprintHex() + "\n"
                + schema.toYaml();
    }
}
