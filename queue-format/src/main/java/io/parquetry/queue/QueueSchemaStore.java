package io.parquetry.queue;

import io.parquetry.platform.DurableFiles;
import io.parquetry.schema.Schema;
import io.parquetry.schema.SchemaException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The schema a queue's records were written with, and the queue's {@linkplain QueueIdentity identity}, kept in the queue
 * directory as {@value #FILE_NAME}: a header (layout version, roll cycle, fingerprint, queue id), then the schema YAML.
 *
 * <p>A new queue's file is created once, whole (written aside, then hard-linked into place, which fails if another
 * process got there first), and never rewritten. The one exception is a queue created before queue identities: the
 * first open by this version adds a {@code queue-id} line (and a {@code queue-id-assigned} line saying so), replacing
 * the file durably while holding a lock on it, so that two processes opening such a queue at once agree on one id.
 */
public final class QueueSchemaStore {

    static final String FILE_NAME = QueueDirectory.SCHEMA_FILE;

    private static final Pattern LAYOUT = Pattern.compile("(?m)^# layout-version: (\\d+)\\s*$");
    private static final Pattern ROLL_CYCLE = Pattern.compile("(?m)^# roll-cycle: ([A-Z0-9_]+)\\s*$");
    private static final Pattern FINGERPRINT = Pattern.compile("(?m)^# fingerprint: ([0-9a-f]{16})\\s*$");
    private static final Pattern QUEUE_ID = Pattern.compile("(?m)^# queue-id: (\\S+)\\s*$");
    private static final Pattern ASSIGNED = Pattern.compile("(?m)^# queue-id-assigned: ");
    /** Serialises id assignment inside one JVM (a file lock is per process). */
    private static final Object ASSIGN_LOCK = new Object();

    private QueueSchemaStore() {
    }

    public static Path file(Path queueDir) {
        return queueDir.resolve(FILE_NAME);
    }

    /**
     * Stores {@code schema} in a new queue, or checks it against the one already stored.
     *
     * @param layoutVersion the {@link ExcerptFormat} version of a new queue (an existing queue keeps its own)
     * @return the queue's identity (given now for a new queue, or for one created before identities)
     * @throws IllegalStateException naming both schemas when the queue holds records of another schema
     */
    public static QueueIdentity storeOrCheck(Path queueDir, Schema schema, String rollCycle, int layoutVersion) {
        Path target = file(queueDir);
        try {
            DurableFiles.createDirectories(queueDir);
            DurableFiles.createIfAbsent(target, render(schema, rollCycle, layoutVersion, QueueIdentity.newId(), Instant.now())
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the schema in the queue directory: queue=" + queueDir + ": " + e, e);
        }
        Schema stored = read(queueDir);
        if (!stored.sameLayout(schema)) {
            throw new IllegalStateException("queue holds records of another schema: queue=" + queueDir + ", stored=" + stored.identity()
                    + ", given=" + schema.identity() + " (a schema change needs a new queue directory)");
        }
        return identity(queueDir);
    }

    /**
     * Reads the schema stored in a queue directory.
     *
     * @throws IllegalStateException when the directory has no schema, was written by an unknown layout version, or the
     *     file was edited (fingerprint mismatch)
     */
    public static Schema read(Path queueDir) {
        Path f = file(queueDir);
        String text = readText(f);
        layoutVersion(f, text);
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

    /**
     * The queue's layout version ({@link ExcerptFormat}).
     *
     * @throws IllegalStateException when the schema file has none, or one this code does not know
     */
    public static int layoutVersion(Path queueDir) {
        Path f = file(queueDir);
        return layoutVersion(f, readText(f));
    }

    private static int layoutVersion(Path f, String text) {
        Matcher layout = LAYOUT.matcher(text);
        if (!layout.find()) {
            throw new IllegalStateException("queue schema file has no layout version header: file=" + f);
        }
        int version = Integer.parseInt(layout.group(1));
        if (version < ExcerptFormat.RECORD_ONLY || version > ExcerptFormat.NEWEST) {
            throw new IllegalStateException("queue was written with an unknown record layout version: file=" + f + ", layoutVersion="
                    + version + ", supported=" + ExcerptFormat.RECORD_ONLY + ".." + ExcerptFormat.NEWEST + " (a newer Parquetry wrote it)");
        }
        return version;
    }

    /**
     * The queue's identity. A queue created before identities gets one now (the schema file is rewritten durably with an
     * added id line), which needs write access to the queue directory.
     *
     * @throws IllegalStateException when the directory has no schema file, its id line is malformed, or an id cannot be
     *     assigned (naming the file and the cause)
     */
    public static QueueIdentity identity(Path queueDir) {
        Path f = file(queueDir);
        QueueIdentity id = parseIdentity(f, readText(f));
        if (id != null) {
            return id;
        }
        synchronized (ASSIGN_LOCK) {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                // Another process may have assigned one while we waited: it replaced the file, so read it by name again.
                String text = readText(f);
                id = parseIdentity(f, text);
                if (id != null) {
                    return id;
                }
                String header = "# queue-id: " + QueueIdentity.newId() + "\n# queue-id-assigned: " + Instant.now()
                        + " (this queue existed before queue identities; its earlier Parquet files carry none)\n";
                int at = text.indexOf('\n') + 1; // after the first comment line, with the other header lines
                DurableFiles.replace(f, (text.substring(0, at) + header + text.substring(at)).getBytes(StandardCharsets.UTF_8));
            } catch (AccessDeniedException e) {
                throw new IllegalStateException("queue has no identity yet and this process cannot give it one (no write access): file=" + f
                        + " (open the queue once as its owner, e.g. with the recorder)", e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot give the queue an identity: file=" + f + ": " + e, e);
            }
            return parseIdentity(f, readText(f));
        }
    }

    private static QueueIdentity parseIdentity(Path f, String text) {
        Matcher m = QUEUE_ID.matcher(text);
        if (!m.find()) {
            return null;
        }
        try {
            return new QueueIdentity(m.group(1), ASSIGNED.matcher(text).find());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("queue schema file has a malformed queue id: file=" + f + ", queue-id=" + m.group(1), e);
        }
    }

    private static String readText(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("queue directory has no schema (not written by a Parquetry recorder?): missing file=" + f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the queue's schema: file=" + f + ": " + e, e);
        }
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

    static String render(Schema schema, String rollCycle, int layoutVersion, String queueId, Instant created) {
        return "# Parquetry queue schema: every record in this directory has this layout. Do not edit.\n"
                + "# layout-version: " + layoutVersion + "\n"
                + "# roll-cycle: " + rollCycle + "\n"
                + "# fingerprint: " + schema.fingerprintHex() + "\n"
                + "# queue-id: " + queueId + "\n"
                + "# queue-created: " + created + "\n"
                + schema.toYaml();
    }
}
