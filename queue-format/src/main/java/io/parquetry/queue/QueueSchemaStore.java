package io.parquetry.queue;

import io.parquetry.platform.DurableFiles;
import io.parquetry.schema.Schema;
import io.parquetry.schema.SchemaEvolution;
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
    private static final Pattern AFTER_INDEX = Pattern.compile("(?m)^# after-index: (-?\\d+)\\s*$");
    private static final Pattern ADDED = Pattern.compile("(?m)^# added: (\\S+)\\s*$");
    private static final String VERSION_FILE_PREFIX = "parquetry-schema-v";
    private static final Pattern VERSION_FILE = Pattern.compile("parquetry-schema-v(\\d{1,9})\\.yaml");
    /** Serialises id assignment inside one JVM (a file lock is per process). */
    private static final Object ASSIGN_LOCK = new Object();

    private QueueSchemaStore() {
    }

    public static Path file(Path queueDir) {
        return queueDir.resolve(FILE_NAME);
    }

    /** What a recorder may append to a queue: its schema in the queue's history (with field ids), and the queue. */
    public record Admission(QueueIdentity identity, SchemaHistory history, Schema schema, boolean newVersion) {
    }

    /**
     * Stores {@code schema} in a new queue, or checks it against the queue's history: a version the history holds (same
     * fingerprint) is admitted as it is; a newer version of the same schema whose every change is compatible
     * ({@link SchemaEvolution}) is admitted as {@linkplain Admission#newVersion() new}, to be {@linkplain #addVersion added}
     * before its first record is appended. Anything else is refused.
     *
     * @param layoutVersion the {@link ExcerptFormat} version of a new queue (an existing queue keeps its own)
     * @throws IllegalStateException in one line naming the queue, both versions and each incompatible change
     */
    public static Admission storeOrCheck(Path queueDir, Schema schema, String rollCycle, int layoutVersion) {
        Path target = file(queueDir);
        try {
            DurableFiles.createDirectories(queueDir);
            DurableFiles.createIfAbsent(target, render(schema, rollCycle, layoutVersion, QueueIdentity.newId(), Instant.now())
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the schema in the queue directory: queue=" + queueDir + ": " + e, e);
        }
        SchemaHistory history = history(queueDir);
        SchemaHistory.Version same = history.find(schema);
        if (same != null) {
            return new Admission(identity(queueDir), history, same.schema(), false);
        }
        return new Admission(identity(queueDir), history, evolved(queueDir, history, schema), true);
    }

    /**
     * Adds {@code schema}, admitted as a new version by {@link #storeOrCheck}, to the queue's history: a file of its own,
     * written aside, synced and linked into place, before any record of it is appended. Checked again against the history
     * as it is now, under a lock (another process may have added a version meanwhile); adding a version that is there
     * already changes nothing.
     *
     * @param afterIndex the queue's last index now (-1: empty): every record of the new version comes after it
     * @return the history with it
     */
    public static SchemaHistory addVersion(Path queueDir, Schema schema, long afterIndex) {
        Path lockFile = queueDir.resolve(QueueDirectory.SCHEMA_LOCK);
        synchronized (ASSIGN_LOCK) {
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileLock lock = ch.lock()) {
                SchemaHistory history = history(queueDir);
                if (history.find(schema) != null) {
                    return history;
                }
                Schema withIds = evolved(queueDir, history, schema);
                SchemaHistory.Version first = history.first();
                String text = "# Parquetry queue schema version: the records of this directory that carry version " + schema.version()
                        + " have this layout. Do not edit.\n"
                        + "# layout-version: " + first.layoutVersion() + "\n"
                        + "# fingerprint: " + withIds.fingerprintHex() + "\n"
                        + "# queue-id: " + identity(queueDir).id() + "\n"
                        + "# after-index: " + afterIndex + "\n"
                        + "# added: " + Instant.now() + "\n"
                        + withIds.toYaml();
                Path target = versionFile(queueDir, schema.version());
                DurableFiles.createIfAbsent(target, text.getBytes(StandardCharsets.UTF_8)); // under the lock: no one else adds it
                return history(queueDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot add a schema version to the queue: queue=" + queueDir + ", schema=" + schema.identity() + ": "
                        + e, e);
            }
        }
    }

    /** {@code schema} with its field ids, when it may follow the history's newest version; else refused in one line. */
    private static Schema evolved(Path queueDir, SchemaHistory history, Schema schema) {
        SchemaHistory.Version newest = history.newest();
        Schema stored = newest.schema();
        String refused = "schema change refused: queue=" + queueDir + ", stored=" + stored.identity() + ", given=" + schema.identity() + ": ";
        String advice = " (an incompatible change needs a new queue directory: docs/OPERATIONS.md, \"Change a schema\")";
        if (!schema.name().equals(stored.name())) {
            throw new IllegalStateException("queue holds records of another schema: queue=" + queueDir + ", stored=" + stored.identity()
                    + ", given=" + schema.identity() + " (another schema needs a new queue directory)");
        }
        if (schema.version() <= stored.version()) {
            SchemaHistory.Version taken = history.find(schema.version());
            throw new IllegalStateException(refused + (taken != null ? "version " + schema.version() + " is in the queue already with other fields "
                    + "(fingerprint " + taken.schema().fingerprintHex() + "): a changed schema needs a higher version"
                    : "version " + schema.version() + " is lower than the queue's newest, " + stored.version()) + advice);
        }
        if (history.first().layoutVersion() < ExcerptFormat.VERSIONED) {
            throw new IllegalStateException(refused + "the queue has layout version " + history.first().layoutVersion()
                    + ", whose records do not say their schema version (layout " + ExcerptFormat.VERSIONED + " and later do)" + advice);
        }
        java.util.List<Schema> schemas = history.schemas();
        java.util.List<String> problems = SchemaEvolution.incompatibleChanges(schemas, schema);
        if (!problems.isEmpty()) {
            throw new IllegalStateException(refused + String.join("; ", problems) + advice);
        }
        return schema.withFieldIds(SchemaEvolution.ids(schemas, schema), history.first().schema().fields().size());
    }

    /** The file holding version {@code version} of the schema, after the first. */
    public static Path versionFile(Path queueDir, int version) {
        return queueDir.resolve(VERSION_FILE_PREFIX + version + ".yaml");
    }

    /**
     * Every version of the queue's schema (docs/FORMAT.md §2.1), read from its files.
     *
     * @throws IllegalStateException when the directory has no schema, a file was written by an unknown layout version or
     *     edited (fingerprint mismatch), or the versions do not follow one another compatibly
     */
    public static SchemaHistory history(Path queueDir) {
        Path f = file(queueDir);
        String text = readText(f);
        int firstLayout = layoutVersion(f, text); // first: a newer Parquetry's schema may not parse here, and its layout says why
        Schema first = parseChecked(f, text);
        java.util.List<SchemaHistory.Version> versions = new java.util.ArrayList<>();
        versions.add(new SchemaHistory.Version(first, firstLayout, -1, null, f));
        java.util.TreeMap<Integer, Path> later = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> list = Files.list(queueDir)) {
            list.forEach(p -> {
                Matcher m = VERSION_FILE.matcher(p.getFileName().toString());
                if (m.matches()) {
                    later.put(Integer.parseInt(m.group(1)), p);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the queue's schema versions: queue=" + queueDir + ": " + e, e);
        }
        java.util.List<Schema> schemas = new java.util.ArrayList<>();
        schemas.add(first);
        for (Path p : later.values()) {
            String t = readText(p);
            int layout = layoutVersion(p, t);
            Schema s = parseChecked(p, t);
            Schema newest = schemas.get(schemas.size() - 1);
            java.util.List<String> problems = s.name().equals(newest.name()) && s.version() > newest.version()
                    ? SchemaEvolution.incompatibleChanges(schemas, s) : java.util.List.of("not a later version of " + newest.identity());
            if (!problems.isEmpty()) {
                throw new IllegalStateException("queue schema history is inconsistent (a version file was edited or copied in): file=" + p + ", schema="
                        + s.identity() + ": " + String.join("; ", problems));
            }
            Schema withIds = s.withFieldIds(SchemaEvolution.ids(schemas, s), first.fields().size());
            schemas.add(withIds);
            Matcher after = AFTER_INDEX.matcher(t);
            Matcher added = ADDED.matcher(t);
            versions.add(new SchemaHistory.Version(withIds, layout, after.find() ? Long.parseLong(after.group(1)) : -1,
                    added.find() ? Instant.parse(added.group(1)) : null, p));
        }
        return new SchemaHistory(versions);
    }

    /**
     * Reads the newest version of the schema stored in a queue directory.
     *
     * @throws IllegalStateException when the directory has no schema, was written by an unknown layout version, or a
     *     file was edited (fingerprint mismatch)
     */
    public static Schema read(Path queueDir) {
        return history(queueDir).newest().schema();
    }

    private static Schema parseChecked(Path f, String text) {
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
