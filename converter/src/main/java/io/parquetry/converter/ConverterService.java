package io.parquetry.converter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs a converter as a process: SIGTERM and SIGINT ask it to commit what it holds and stop, so a service manager's
 * stop ends with exit code 0 and no record lost.
 */
public final class ConverterService {

    private static final Logger LOG = LoggerFactory.getLogger(ConverterService.class);

    private ConverterService() {
    }

    /**
     * Opens, runs and closes a converter. Returns when the converter stopped cleanly (signal, or idle with
     * {@code untilIdle}); throws when it failed.
     */
    public static Converter run(ConverterConfig config, boolean untilIdle) {
        Converter c = Converter.open(config);
        try {
            Signal.handle(new Signal("TERM"), s -> {
                LOG.info("SIGTERM: committing and stopping");
                c.requestStop();
            });
            Signal.handle(new Signal("INT"), s -> {
                LOG.info("SIGINT: committing and stopping");
                c.requestStop();
            });
            c.run(untilIdle);
            return c;
        } finally {
            c.close();
        }
    }
}
