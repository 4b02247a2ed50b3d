package io.parquetry.converter;

import io.parquetry.converter.output.OutputFailure;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Records whose length does not match the schema (or, with variable fields, whose values' ends are not well formed) are
 * never silently dropped: their bytes go to
 * {@code quarantine.bin} (each as index:long, length:int, bytes, big-endian) and a line to {@code quarantine.log}.
 * A record quarantined just before a crash is quarantined again on recovery (at least once here; exactly once in Parquet).
 */
final class Quarantine {

    private final Path bin;
    private final Path log;
    /** The record length the schema expects: one number, or with variable fields a range {@code min..max}. */
    private final String expectedLength;

    Quarantine(Path stateDir, String expectedLength) {
        this.bin = stateDir.resolve("quarantine.bin");
        this.log = stateDir.resolve("quarantine.log");
        this.expectedLength = expectedLength;
    }

    Path log() {
        return log;
    }

    /** Records a damaged range an operator accepted to lose, where quarantined records are answered for too. */
    void skipped(io.parquetry.reader.DamagedRange range) throws OutputFailure {
        try {
            Files.writeString(log, Instant.now() + " " + range + " (accepted: bin/parquetry skip-damaged)\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new OutputFailure("cannot record a skipped damaged range", log, e);
        }
    }

    void add(long index, byte[] bytes, int length) throws OutputFailure {
        try (OutputStream o = Files.newOutputStream(bin, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
             DataOutputStream d = new DataOutputStream(o)) {
            d.writeLong(index);
            d.writeInt(length);
            d.write(bytes, 0, length);
            String line = Instant.now() + " index=" + index + " length=" + length + " expected=" + expectedLength
                    + " (record quarantined: its length does not match the schema)\n";
            Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new OutputFailure("cannot quarantine record at index " + index, bin, e);
        }
    }
}
