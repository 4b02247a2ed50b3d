package io.parquetry.cli;

import io.parquetry.converter.ConverterConfig;
import io.parquetry.status.ConverterControl;
import io.parquetry.status.StatusSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code parquetry status|flush|rotate|pause|resume}: talk to a running converter through its status file. */
final class ControlCommands {

    private ControlCommands() {
    }

    /** Exit code when the converter is not running or did not answer. */
    static final int NOT_RUNNING = 3;

    static final class Target {
        @Option(names = "--config", required = true, description = "The converter's config file.")
        Path config;

        @Option(names = "--status-file", required = true, description = "The converter's status file.")
        Path statusFile;

        Path statusFile() {
            if (statusFile != null) {
                return statusFile;
            }
            return ConverterConfig.load(config, ConverterConfig.Overrides.none()).statusFile();
        }
    }

    abstract static class Base implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        @Option(names = "--timeout", defaultValue = "30s", converter = UnitConverters.DurationConverter.class,
                description = "How long to wait for the converter, e.g. 500ms, 1.5s, 5m (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        Duration timeout() {
            return timeout;
        }

        /** Talks to the converter; runs only when its status file exists. */
        abstract int run(ConverterControl c);

        @Override
        public final Integer call() {
            Path p = target.statusFile();
            if (!Files.exists(p)) {
                System.err.println("converter is not running (it has no status file yet): status=" + p);
                return NOT_RUNNING;
            }
            try (ConverterControl c = ConverterControl.open(p)) {
                return run(c);
            }
        }

        int report(ConverterControl.Outcome o) {
            System.out.println(o.message());
            return o.ok() ? 0 : NOT_RUNNING;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show a converter's state, counters, rates, lag and files; exit 3 when it is not running.")
    static final class Status extends Base {
        @Option(names = "--json", description = "One JSON object with raw numbers, for scripts.")
        boolean json;

        @Option(names = "--sample", defaultValue = "1s", converter = UnitConverters.DurationConverter.class,
                description = "Watch a running converter this long to show rates; 0 = no rates (default: ${DEFAULT-VALUE}).")
        Duration sample;

        @Override
        int run(ConverterControl c) {
            StatusSnapshot first = c.snapshot();
            boolean alive = c.alive();
            StatusSnapshot earlier = null;
            StatusSnapshot now = first;
            if (alive && !sample.isZero()) {
                try {
                    Thread.sleep(sample.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while sampling the converter", e);
                }
                earlier = first;
                now = c.snapshot();
                alive = c.alive();
            }
            StatusView v = new StatusView(now, earlier, alive, System.currentTimeMillis(), c.lag(now, alive));
            if (json) {
                System.out.println(v.json());
            } else {
                v.text().forEach(System.out::println);
            }
            return alive ? 0 : NOT_RUNNING;
        }
    }

    @Command(name = "flush", mixinStandardHelpOptions = true,
            description = "Convert everything appended so far, commit it, and print the committed file.")
    static final class Flush extends Base {
        @Override
        int run(ConverterControl c) {
            return report(c.flush(timeout()));
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true, description = "Commit the current file now.")
    static final class Rotate extends Base {
        @Override
        int run(ConverterControl c) {
            return report(c.rotate(timeout()));
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Commit the current file and stop converting until resume.")
    static final class Pause extends Base {
        @Override
        int run(ConverterControl c) {
            return report(c.pause(timeout()));
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused converter.")
    static final class Resume extends Base {
        @Override
        int run(ConverterControl c) {
            return report(c.resume(timeout()));
        }
    }
}
