package io.parquetry.queue;

import io.parquetry.schema.Schema;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every version of a queue's schema, oldest first, with the ids its fields keep across versions
 * ({@link io.parquetry.schema.SchemaEvolution#ids}), the queue's last index when each was added, and when (docs/FORMAT.md
 * §2.1). Immutable: a reader that meets a record of a version it does not hold loads the history again
 * ({@link QueueSchemaStore#history}).
 */
public final class SchemaHistory {

    /** One version: its schema (with field ids), the file holding it, and where in the queue it took effect. */
    public record Version(Schema schema, int layoutVersion, long afterIndex, Instant added, Path file) {

        /** The schema's {@code version:}, which its records carry. */
        public int number() {
            return schema.version();
        }
    }

    private final List<Version> versions;
    private final int[] numbers;

    SchemaHistory(List<Version> versions) {
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("a history holds at least one version");
        }
        this.versions = List.copyOf(versions);
        this.numbers = versions.stream().mapToInt(Version::number).toArray();
    }

    /** The versions, oldest first. */
    public List<Version> versions() {
        return versions;
    }

    /** The schemas, oldest first. */
    public List<Schema> schemas() {
        List<Schema> out = new ArrayList<>(versions.size());
        for (Version v : versions) {
            out.add(v.schema());
        }
        return out;
    }

    /** The first version: the schema the queue was created with. */
    public Version first() {
        return versions.get(0);
    }

    /** The newest version. */
    public Version newest() {
        return versions.get(versions.size() - 1);
    }

    /** The version whose schema has {@code version:} {@code number}, or null. */
    public Version find(int number) {
        for (int i = 0; i < numbers.length; i++) {
            if (numbers[i] == number) {
                return versions.get(i);
            }
        }
        return null;
    }

    /** The version with {@code schema}'s fingerprint, or null. */
    public Version find(Schema schema) {
        for (Version v : versions) {
            if (v.schema().fingerprint() == schema.fingerprint()) {
                return v;
            }
        }
        return null;
    }

    public int size() {
        return versions.size();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Version v : versions) {
            sb.append(sb.length() == 0 ? "" : ", ").append('v').append(v.number()).append(" (").append(v.schema().fingerprintHex())
                    .append(v.afterIndex() >= 0 ? ", after index " + v.afterIndex() : "").append(')');
        }
        return sb.toString();
    }
}
