package io.parquetry.cli;

import static io.parquetry.status.ConverterStatusDescriptor.BYTES_WRITTEN;
import static io.parquetry.status.ConverterStatusDescriptor.CAUGHT_UP_MS;
import static io.parquetry.status.ConverterStatusDescriptor.CHECKPOINT;
import static io.parquetry.status.ConverterStatusDescriptor.CURRENT_BYTES;
import static io.parquetry.status.ConverterStatusDescriptor.CURRENT_OPENED_MS;
import static io.parquetry.status.ConverterStatusDescriptor.CURRENT_ROWS;
import static io.parquetry.status.ConverterStatusDescriptor.ERRORS;
import static io.parquetry.status.ConverterStatusDescriptor.FILES_COMMITTED;
import static io.parquetry.status.ConverterStatusDescriptor.LAST_COMMIT_BYTES;
import static io.parquetry.status.ConverterStatusDescriptor.LAST_COMMIT_FIRST_INDEX;
import static io.parquetry.status.ConverterStatusDescriptor.LAST_COMMIT_LAST_INDEX;
import static io.parquetry.status.ConverterStatusDescriptor.LAST_COMMIT_MS;
import static io.parquetry.status.ConverterStatusDescriptor.LAST_COMMIT_ROWS;
import static io.parquetry.status.ConverterStatusDescriptor.NEXT_RETRY_MS;
import static io.parquetry.status.ConverterStatusDescriptor.OUTPUT_FAILURES;
import static io.parquetry.status.ConverterStatusDescriptor.PAUSED_SINCE_MS;
import static io.parquetry.status.ConverterStatusDescriptor.QUARANTINED;
import static io.parquetry.status.ConverterStatusDescriptor.QUEUE_SCHEMA_CHANGED_MS;
import static io.parquetry.status.ConverterStatusDescriptor.QUEUE_SCHEMA_VERSION;
import static io.parquetry.status.ConverterStatusDescriptor.RECORDS_READ;
import static io.parquetry.status.ConverterStatusDescriptor.ROWS_WRITTEN;
import static io.parquetry.status.ConverterStatusDescriptor.SCHEMA_VERSION;
import static io.parquetry.status.ConverterStatusDescriptor.SKIPPED_RECORDS;
import static io.parquetry.status.ConverterStatusDescriptor.TEXT_CURRENT_FILE;
import static io.parquetry.status.ConverterStatusDescriptor.TEXT_DATASET;
import static io.parquetry.status.ConverterStatusDescriptor.TEXT_LAST_COMMIT_FILE;
import static io.parquetry.status.ConverterStatusDescriptor.TEXT_LAST_ERROR;
import static io.parquetry.status.ConverterStatusDescriptor.TEXT_QUEUE;
import static io.parquetry.status.ConverterStatusDescriptor.TEXT_QUEUE_ID;
import static io.parquetry.status.ConverterStatusDescriptor.TEXT_SCHEMA;
import static io.parquetry.status.ConverterStatusDescriptor.TEXT_SETTINGS;
import static io.parquetry.status.ConverterStatusDescriptor.TEXT_SOURCE;
import static io.parquetry.status.ConverterStatusDescriptor.TRUNCATED_TIMESTAMPS;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.parquetry.status.ConverterControl;
import io.parquetry.status.ConverterLag;
import io.parquetry.status.RotationCause;
import io.parquetry.status.StatusSnapshot;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A converter's status as a person reads it ({@link #text}: counts with separators, sizes in binary units, ages rather
 * than raw timestamps, rates) or as a program does ({@link #json}: raw numbers, milliseconds, no formatting).
 *
 * @param s the snapshot
 * @param earlier an earlier snapshot of the same run to compute rates from, or null
 * @param alive whether the converter is running (heartbeat fresh, pid alive)
 * @param nowMillis the time the snapshot was taken
 * @param lag the lag as {@link ConverterControl#lag} estimates it (for a stopped converter, from its queue's recorders)
 */
record StatusView(StatusSnapshot s, StatusSnapshot earlier, boolean alive, long nowMillis, ConverterLag.Estimate lag) {

    /** Rates over the two snapshots: records read, rows written and bytes written per second; null without two of one run. */
    double[] rates() {
        if (earlier == null || earlier.startTimeMillis() != s.startTimeMillis() || earlier.pid() != s.pid()) {
            return null;
        }
        double secs = (s.heartbeatMillis() - earlier.heartbeatMillis()) / 1000.0;
        if (secs <= 0) {
            return null;
        }
        return new double[] {(s.value(RECORDS_READ) - earlier.value(RECORDS_READ)) / secs, (s.value(ROWS_WRITTEN) - earlier.value(ROWS_WRITTEN))
                / secs, (s.value(BYTES_WRITTEN) - earlier.value(BYTES_WRITTEN)) / secs};
    }

    private String ago(long atMillis) {
        return atMillis <= 0 ? "never" : Humane.duration(Duration.ofMillis(nowMillis - atMillis)) + " ago";
    }

    private String state() {
        return ConverterControl.effectiveState(s, alive).label();
    }

    List<String> text() {
        List<String> out = new ArrayList<>();
        long hb = s.heartbeatMillis();
        line(out, "state", state() + " (pid " + s.pid() + ", started " + ago(s.startTimeMillis()) + ", heartbeat "
                + (hb == 0 ? "none: stopped cleanly" : ago(hb)) + ")");
        line(out, "queue", s.text(TEXT_QUEUE) + " (id " + s.text(TEXT_QUEUE_ID) + ")");
        line(out, "dataset", s.text(TEXT_DATASET) + " (source " + s.text(TEXT_SOURCE) + ")");
        line(out, "schema", s.text(TEXT_SCHEMA) + schemaVersions());
        line(out, "settings", s.text(TEXT_SETTINGS));
        double[] r = rates();
        line(out, "read", Humane.count(s.value(RECORDS_READ)) + " records" + (r == null ? "" : ", " + Humane.rate(r[0])));
        line(out, "written", Humane.count(s.value(ROWS_WRITTEN)) + " rows in " + Humane.count(s.value(FILES_COMMITTED)) + " files, "
                + Humane.bytes(s.value(BYTES_WRITTEN)) + (r == null ? "" : ", " + Humane.rate(r[1]) + " rows, " + Humane.bytes((long) r[2]) + "/s"));
        line(out, "lag", lagText());
        line(out, "checkpoint", "index " + s.value(CHECKPOINT) + " (queue head " + lag.head() + ", from " + lag.headSource() + ")");
        if (s.value(PAUSED_SINCE_MS) > 0) {
            line(out, "paused", "since " + ago(s.value(PAUSED_SINCE_MS)) + " (kept across restarts until resumed)");
        }
        String current = s.text(TEXT_CURRENT_FILE);
        line(out, "current file", current.isEmpty() ? "none" : current + " (" + Humane.count(s.value(CURRENT_ROWS)) + " rows, "
                + Humane.bytes(s.value(CURRENT_BYTES)) + ", opened " + ago(s.value(CURRENT_OPENED_MS)) + ")");
        String last = s.text(TEXT_LAST_COMMIT_FILE);
        line(out, "last commit", last.isEmpty() ? "none" : last + " (" + Humane.count(s.value(LAST_COMMIT_ROWS)) + " rows, "
                + Humane.bytes(s.value(LAST_COMMIT_BYTES)) + ", " + ago(s.value(LAST_COMMIT_MS)) + ")");
        StringBuilder rotations = new StringBuilder();
        for (RotationCause c : RotationCause.values()) {
            rotations.append(rotations.length() == 0 ? "" : ", ").append(c.label()).append(' ').append(Humane.count(s.value(c.slot())));
        }
        line(out, "rotations", rotations.toString());
        line(out, "errors", Humane.count(s.value(ERRORS)) + " (quarantined records " + Humane.count(s.value(QUARANTINED)) + ")");
        if (s.value(SKIPPED_RECORDS) > 0) {
            line(out, "skipped", Humane.count(s.value(SKIPPED_RECORDS)) + " records in accepted damaged ranges (quarantine.log)");
        }
        if (s.value(TRUNCATED_TIMESTAMPS) > 0) {
            line(out, "truncated", Humane.count(s.value(TRUNCATED_TIMESTAMPS)) + " timestamps lost precision to parquet.timestampUnit");
        }
        if (s.value(OUTPUT_FAILURES) > 0) {
            line(out, "output failures", s.value(OUTPUT_FAILURES) + " in a row, next retry in "
                    + Humane.duration(Duration.ofMillis(s.value(NEXT_RETRY_MS) - nowMillis)));
        }
        if (!s.text(TEXT_LAST_ERROR).isEmpty()) {
            line(out, "last error", s.text(TEXT_LAST_ERROR));
        }
        return out;
    }

    /**
     * {@code " (files are written in v2; the queue's newest is v3, taken 5 min ago)"}; empty from a converter that does not
     * publish versions (status minor before 4: the slots are 0).
     */
    private String schemaVersions() {
        long written = s.value(SCHEMA_VERSION);
        if (written <= 0) {
            return "";
        }
        long newest = s.value(QUEUE_SCHEMA_VERSION);
        long changed = s.value(QUEUE_SCHEMA_CHANGED_MS);
        return " (files are written in v" + written + (newest == written ? ", the queue's newest" : "; the queue's newest is v" + newest)
                + (changed > 0 ? ", taken " + ago(changed) : ", its first") + ")";
    }

    /** {@code 1,234 records not yet committed (1,000 unread, 234 in the current file); behind for 5 s}, or why unknown. */
    private String lagText() {
        if (!lag.known()) {
            return "unknown: " + lag.note();
        }
        String n = (lag.quality() == ConverterLag.Quality.AT_LEAST ? "at least " : "") + Humane.count(lag.records())
                + " records not yet committed (" + Humane.count(lag.unread()) + " unread, " + Humane.count(lag.uncommitted())
                + " in the current file)";
        n += lag.behindSinceMs() > 0 ? "; behind since " + ago(lag.behindSinceMs()) : "; caught up";
        return lag.note().isEmpty() ? n : n + "; " + lag.note();
    }

    private static void line(List<String> out, String key, String value) {
        out.add(String.format(Locale.ROOT, "%-16s %s", key + ":", value));
    }

    private static void nullable(JsonGenerator g, String name, Long v) throws IOException {
        if (v == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, v);
        }
    }

    /** One JSON object: raw numbers (indexes, counts, bytes, milliseconds since the epoch and ages in milliseconds). */
    String json() {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("state", state());
            g.writeBooleanField("alive", alive);
            g.writeNumberField("pid", s.pid());
            g.writeStringField("started", Instant.ofEpochMilli(s.startTimeMillis()).toString());
            g.writeNumberField("heartbeatAgeMs", s.heartbeatMillis() == 0 ? -1 : nowMillis - s.heartbeatMillis());
            g.writeStringField("queue", s.text(TEXT_QUEUE));
            g.writeStringField("queueId", s.text(TEXT_QUEUE_ID));
            g.writeStringField("dataset", s.text(TEXT_DATASET));
            g.writeStringField("source", s.text(TEXT_SOURCE));
            g.writeStringField("schema", s.text(TEXT_SCHEMA));
            // null from a converter that does not publish them; queueSchemaChangedMs also for the queue's first version
            nullable(g, "schemaVersion", s.value(SCHEMA_VERSION) > 0 ? s.value(SCHEMA_VERSION) : null);
            nullable(g, "queueSchemaVersion", s.value(QUEUE_SCHEMA_VERSION) > 0 ? s.value(QUEUE_SCHEMA_VERSION) : null);
            nullable(g, "queueSchemaChangedMs", s.value(QUEUE_SCHEMA_CHANGED_MS) > 0 ? s.value(QUEUE_SCHEMA_CHANGED_MS) : null);
            g.writeStringField("settings", s.text(TEXT_SETTINGS));
            g.writeNumberField("recordsRead", s.value(RECORDS_READ));
            g.writeNumberField("rowsWritten", s.value(ROWS_WRITTEN));
            g.writeNumberField("filesCommitted", s.value(FILES_COMMITTED));
            g.writeNumberField("bytesWritten", s.value(BYTES_WRITTEN));
            g.writeNumberField("checkpoint", s.value(CHECKPOINT));
            g.writeNumberField("headIndex", lag.head());
            g.writeStringField("headSource", lag.headSource());
            // lagRecords, unread and uncommitted are null when unknown (a stopped converter, no recorder status to say)
            g.writeStringField("lagQuality", lag.quality().name().toLowerCase(Locale.ROOT));
            nullable(g, "lagRecords", lag.known() ? lag.records() : null);
            nullable(g, "unreadRecords", lag.known() ? lag.unread() : null);
            nullable(g, "uncommittedRecords", lag.known() ? lag.uncommitted() : null);
            g.writeStringField("lagNote", lag.note());
            g.writeNumberField("caughtUpAgeMs", s.value(CAUGHT_UP_MS) <= 0 ? -1 : nowMillis - s.value(CAUGHT_UP_MS));
            g.writeNumberField("pausedSinceMs", s.value(PAUSED_SINCE_MS));
            double[] r = rates();
            if (r != null) {
                g.writeObjectFieldStart("rates");
                g.writeNumberField("recordsReadPerSecond", r[0]);
                g.writeNumberField("rowsWrittenPerSecond", r[1]);
                g.writeNumberField("bytesWrittenPerSecond", r[2]);
                g.writeEndObject();
            }
            if (!s.text(TEXT_CURRENT_FILE).isEmpty()) {
                g.writeObjectFieldStart("currentFile");
                g.writeStringField("file", s.text(TEXT_CURRENT_FILE));
                g.writeNumberField("rows", s.value(CURRENT_ROWS));
                g.writeNumberField("bytes", s.value(CURRENT_BYTES));
                g.writeNumberField("ageMs", nowMillis - s.value(CURRENT_OPENED_MS));
                g.writeEndObject();
            }
            if (!s.text(TEXT_LAST_COMMIT_FILE).isEmpty()) {
                g.writeObjectFieldStart("lastCommit");
                g.writeStringField("file", s.text(TEXT_LAST_COMMIT_FILE));
                g.writeNumberField("rows", s.value(LAST_COMMIT_ROWS));
                g.writeNumberField("bytes", s.value(LAST_COMMIT_BYTES));
                g.writeNumberField("firstIndex", s.value(LAST_COMMIT_FIRST_INDEX));
                g.writeNumberField("lastIndex", s.value(LAST_COMMIT_LAST_INDEX));
                g.writeNumberField("ageMs", nowMillis - s.value(LAST_COMMIT_MS));
                g.writeEndObject();
            }
            g.writeObjectFieldStart("rotations");
            for (RotationCause c : RotationCause.values()) {
                g.writeNumberField(c.label(), s.value(c.slot()));
            }
            g.writeEndObject();
            g.writeNumberField("errors", s.value(ERRORS));
            g.writeNumberField("quarantined", s.value(QUARANTINED));
            g.writeNumberField("skippedRecords", s.value(SKIPPED_RECORDS));
            g.writeNumberField("truncatedTimestamps", s.value(TRUNCATED_TIMESTAMPS));
            g.writeNumberField("outputFailures", s.value(OUTPUT_FAILURES));
            g.writeStringField("lastError", s.text(TEXT_LAST_ERROR));
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }
}
