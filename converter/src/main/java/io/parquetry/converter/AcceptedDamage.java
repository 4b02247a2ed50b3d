package io.parquetry.converter;

import io.parquetry.converter.output.OutputFailure;
import io.parquetry.reader.DamagedRange;
import io.parquetry.reader.QueueDamagedException;
import io.parquetry.reader.QueueReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * Damaged ranges of a queue that an operator accepted to lose ({@code bin/parquetry skip-damaged}), in
 * {@code <stateDir>/accepted-damage}, one line each: the first damaged index, the index reading resumes at, when, and
 * what was found. A converter
 * meeting damage that starts at an accepted index commits what precedes it and moves past it, recording the range
 * skipped in {@code quarantine.log}; any other damage stops it. Nothing is ever skipped without such a line.
 */
public final class AcceptedDamage {

    static final String FILE_NAME = "accepted-damage";

    private AcceptedDamage() {
    }

    /** The accepted ranges of a state directory, each {@code {fromIndex, resumeIndex}} (resume exclusive of the loss). */
    public static java.util.List<long[]> ranges(Path stateDir) throws IOException {
        Path f = stateDir.resolve(FILE_NAME);
        if (!Files.exists(f)) {
            return java.util.List.of();
        }
        java.util.List<long[]> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            String[] fields = line.split("\t", 3);
            if (fields.length == 3) {
                out.add(new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])});
            }
        }
        return out;
    }

    /** True when the damage starting at {@code fromIndex} was accepted for this state directory. */
    static boolean accepted(Path stateDir, long fromIndex) throws OutputFailure {
        Path f = stateDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(f)) {
                return false;
            }
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            String key = fromIndex + "\t";
            return lines.stream().anyMatch(l -> l.startsWith(key));
        } catch (IOException e) {
            throw new OutputFailure("cannot read the accepted damage", f, e);
        }
    }

    /**
     * Finds the damage the converter of {@code config} stops at (reading the queue from its checkpoint), checks that it
     * starts at {@code fromIndex}, works out what skipping it loses, and records the acceptance. Takes the state
     * directory's lock: the converter must be stopped.
     *
     * @return the range that will be skipped
     * @throws IllegalArgumentException when the damage met starts at another index (naming both)
     * @throws IllegalStateException when there is no damage after the checkpoint, or nothing after it can be read yet
     */
    public static DamagedRange accept(ConverterConfig config, long fromIndex) throws IOException {
        try (StateLock lock = StateLock.acquire(config.stateDir()); QueueReader reader = QueueReader.open(config.queue())) {
            Checkpoint.Saved saved = new Checkpoint(config.stateDir()).read();
            long cp = saved == null ? Checkpoint.NONE : saved.lastCommitted();
            if (cp == Checkpoint.NONE || !reader.moveTo(cp)) {
                reader.toStart();
            }
            QueueDamagedException damage = null;
            try {
                while (reader.read((index, rec) -> { }, 65536) > 0) {
                    // read up to the damage
                }
            } catch (QueueDamagedException e) {
                damage = e;
            }
            if (damage == null) {
                throw new IllegalStateException("no damage in the queue after the checkpoint: queue=" + config.queue() + ", checkpoint=" + cp);
            }
            if (damage.damagedFromIndex() != fromIndex) {
                throw new IllegalArgumentException("the damage after the checkpoint starts at another index: from=" + fromIndex
                        + ", damage starts at=" + damage.damagedFromIndex() + ": " + damage.getMessage());
            }
            DamagedRange range = reader.skipDamagedRange(fromIndex);
            String line = fromIndex + "\t" + range.resumeIndex() + "\t" + Instant.now() + "\t" + range + "\n";
            Files.writeString(config.stateDir().resolve(FILE_NAME), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.SYNC);
            return range;
        }
    }
}
