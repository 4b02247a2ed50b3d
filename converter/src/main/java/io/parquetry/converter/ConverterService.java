package io.parquetry.converter;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs a converter as a process: SIGTERM and SIGINT ask it to commit what it holds and stop, so a service manager's
 * stop ends with exit code 0 and no record lost.
 */
public final class ConverterService {

    private static final Logger LOG = LoggerFactory.getLogger(ConverterService.class);

    private ConverterService() {
    }

    /**
     * Opens, runs and closes a converter. Returns what it did when it stopped cleanly (signal, or idle with
     * {@code untilIdle}); throws when it failed.
     */
    public static ConversionResult run(ConverterConfig config, boolean untilIdle) {
        // Handlers first: a SIGTERM during start-up must not kill the process with 143 half-way through recovery.
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Converter> running = new AtomicReference<>();
        SignalHandler handler = s -> {
            LOG.info("SIG{}: committing and stopping", s.getName());
            stop.set(true);
            Converter c = running.get();
            if (c != null) {
                c.requestStop();
            }
        };
        SignalHandler oldTerm = Signal.handle(new Signal("TERM"), handler);
        SignalHandler oldInt = Signal.handle(new Signal("INT"), handler);
        try {
            try (Converter c = Converter.open(config)) {
                running.set(c);
                if (stop.get()) {
                    c.requestStop();
                }
                c.run(untilIdle);
                return c.result();
            }
        } finally {
            Signal.handle(new Signal("TERM"), oldTerm);
            Signal.handle(new Signal("INT"), oldInt);
        }
    }
}
