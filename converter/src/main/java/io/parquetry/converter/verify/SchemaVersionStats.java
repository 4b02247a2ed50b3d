package io.parquetry.converter.verify;

/**
 * The verified queue's committed files written in one schema version (footer {@code parquetry.schema.version} and
 * {@code .fingerprint}): a queue whose schema changed has files of several versions, each file in one.
 *
 * @param version the version, or -1 for files whose footer names none
 * @param fingerprint its fingerprint (16 hex digits), or null when the footer has none
 * @param files files in it
 * @param firstIndex the smallest first index of those files
 * @param lastIndex the largest last index of those files
 * @param rows rows of their row groups
 */
public record SchemaVersionStats(int version, String fingerprint, int files, long firstIndex, long lastIndex, long rows) {

    static SchemaVersionStats of(DatasetFile f) {
        return new SchemaVersionStats(f.schemaVersion(), f.schemaFingerprint(), 1, f.firstIndex(), f.lastIndex(), Math.max(0, f.rows()));
    }

    /** Orders by version, then fingerprint (versions numbered past 9 sort after 9). */
    static String key(DatasetFile f) {
        return String.format(java.util.Locale.ROOT, "%011d/%s", (long) f.schemaVersion(), f.schemaFingerprint());
    }

    SchemaVersionStats plus(SchemaVersionStats o) {
        return new SchemaVersionStats(version, fingerprint, files + o.files, Math.min(firstIndex, o.firstIndex), Math.max(lastIndex, o.lastIndex),
                rows + o.rows);
    }

    /** {@code v2 (fingerprint 0123456789abcdef)}, or {@code unknown} for files whose footer names no version. */
    public String label() {
        return (version < 0 ? "unknown" : "v" + version) + (fingerprint == null ? "" : " (fingerprint " + fingerprint + ")");
    }
}
