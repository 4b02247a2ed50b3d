package io.parquetry.converter;

import io.parquetry.reader.QueueReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes queue cycle files that are wholly converted and older than the retention window: cycles before the
 * checkpoint's cycle whose end is older than {@code retention.keep}. Never the newest cycle file (where the recorder
 * appends), whatever the arithmetic says, and never a cycle with unconverted records. Checks every minute (or every
 * {@code keep}, if shorter).
 */
final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final ConverterConfig config;
    private final QueueReader reader;
    private long lastCheckMs;

    Retention(ConverterConfig config, QueueReader reader) {
        this.config = config;
        this.reader = reader;
    }

    /** Deletes what is due; returns the number of cycle files deleted. */
    int run(long nowMs, long lastCommitted) {
        long keepMs = config.retentionKeep().toMillis();
        if (!config.retention() || lastCommitted < 0 || nowMs - lastCheckMs < Math.min(60_000, keepMs)) {
            return 0;
        }
        lastCheckMs = nowMs;
        int committedCycle = reader.cycleOf(lastCommitted);
        long cycleMs = reader.cycleLengthMillis();
        int deleted = 0;
        try {
            List<Map.Entry<Integer, Path>> cycles = new ArrayList<>(reader.cycleFiles().entrySet());
            for (Map.Entry<Integer, Path> e : cycles.subList(0, Math.max(0, cycles.size() - 1))) {
                int cycle = e.getKey();
                if (cycle < committedCycle && (cycle + 1L) * cycleMs < nowMs - keepMs) {
                    Files.delete(e.getValue());
                    deleted++;
                    LOG.info("retention: deleted converted queue cycle file={}", e.getValue());
                }
            }
        } catch (IOException e) {
            LOG.warn("retention failed: queue={}", config.queue(), e);
        }
        return deleted;
    }
}
