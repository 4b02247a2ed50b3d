package io.parquetry.converter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs a converter as a process: SIGTERM and SIGINT ask it to commit what it holds and stop, so a service manager's
 * stop ends with exit code 0 and no record lost. A converter blocked in a call that does not return (a table it cannot
 * reach or read, an output in an outage) is interrupted {@value StopRequest#GRACE_MS} ms after the signal, gives up the
 * file it holds (converted again at the next start) and stops too, also while it is still starting or recovering.
 */
public final class ConverterService {

    private static final Logger LOG = LoggerFactory.getLogger(ConverterService.class);

    private ConverterService() {
    }

    /**
     * Opens, runs and closes a converter. Returns what it did when it stopped cleanly (signal, or idle with
     * {@code untilIdle}); throws when it failed. A signal while it starts ends it with an empty result.
     */
    public static ConversionResult run(ConverterConfig config, boolean untilIdle) {
        // Handlers first: a SIGTERM during start-up must not kill the process with 143 half-way through recovery.
        StopRequest stop = new StopRequest();
        SignalHandler handler = s -> {
            LOG.info("SIG{}: committing and stopping", s.getName());
            stop.request("SIG" + s.getName());
        };
        SignalHandler oldTerm = Signal.handle(new Signal("TERM"), handler);
        SignalHandler oldInt = Signal.handle(new Signal("INT"), handler);
        try {
            Converter c;
            try {
                c = Converter.open(config, stop);
            } catch (RuntimeException e) {
                if (!stop.requested()) {
                    throw e;
                }
                // Interrupted by the stop while starting: that is the stop, not a failure.
                LOG.info("stopped before the converter had started: {}", ConverterAgent.oneLine(e));
                LOG.debug("start interrupted by the stop", e);
                return ConversionResult.nothing();
            }
            try (c) {
                c.run(untilIdle);
                return c.result();
            }
        } finally {
            stop.finished();
            Signal.handle(new Signal("TERM"), oldTerm);
            Signal.handle(new Signal("INT"), oldInt);
        }
    }
}
