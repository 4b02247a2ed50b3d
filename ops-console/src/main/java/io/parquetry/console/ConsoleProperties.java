package io.parquetry.console;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The console's configuration ({@code parquetry.console.*}, see {@code conf/console.yaml}), validated once at start-up:
 * an unknown key (a typo) or a bad value stops the console with one line naming the file, the key and the value
 * ({@link ConfigFailureAnalyzer}).
 *
 * @param converters converters to watch
 * @param recorders recorders to watch
 * @param staleAfter a heartbeat older than this means the process is down
 * @param lagWarn health reports a running converter LAGGING when it has not caught up with its queue's head for longer
 *     than this
 * @param sampleInterval how often the console samples every status file for its charts and rates
 * @param history how much history the charts keep
 * @param rateWindow rates (records/s, MB/s, appends/s) are averaged over this much of the console's samples
 * @param commandTimeout how long a flush/rotate/pause may take before the console answers with a timeout
 * @param security credentials for the controls; with none, the controls are disabled
 */
@Validated
@ConfigurationProperties(prefix = "parquetry.console", ignoreUnknownFields = false)
public record ConsoleProperties(@DefaultValue({}) @Valid List<Converter> converters, @DefaultValue({}) @Valid List<Recorder> recorders,
        @DefaultValue("3s") @NotNull Duration staleAfter, @DefaultValue("60s") @NotNull Duration lagWarn,
        @DefaultValue("1s") @NotNull Duration sampleInterval, @DefaultValue("15m") @NotNull Duration history,
        @DefaultValue("10s") @NotNull Duration rateWindow, @DefaultValue("30s") @NotNull Duration commandTimeout,
        @DefaultValue @Valid Security security) {

    private static final String ID = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";
    private static final String ID_MESSAGE = "must be 1 to 64 letters, digits, '.', '_' or '-'";

    /**
     * A watched converter.
     *
     * @param id its id in the console, the API and metrics
     * @param statusFile its status file ({@code statusFile} in its config)
     * @param recorder the id of a watched recorder whose status gives the queue's head while the converter is down;
     *     by default, the recorders watched here that record the same queue, and {@code <queue>/recorder*.status}
     */
    public record Converter(@NotNull @Pattern(regexp = ID, message = ID_MESSAGE) String id, @NotNull Path statusFile,
            @Pattern(regexp = ID, message = ID_MESSAGE) String recorder) {
    }

    /** A watched recorder: an id and its status file (by default {@code <queue>/recorder.status}). */
    public record Recorder(@NotNull @Pattern(regexp = ID, message = ID_MESSAGE) String id, @NotNull Path statusFile) {
    }

    /**
     * @param username user allowed to use the controls
     * @param passwordHash the password as a Spring Security encoded hash ({@code {bcrypt}$2a$...}); or set
     *     {@code password} from the environment ({@code PARQUETRY_CONSOLE_SECURITY_PASSWORD}), never in a file
     * @param password the password in clear, from the environment only
     */
    public record Security(String username, String passwordHash, String password) {

        public Security {
            if (has(passwordHash) && !passwordHash.matches("\\{[A-Za-z0-9_-]+}.+")) {
                throw new ConfigProblem("parquetry.console.security.password-hash", "(not shown, " + passwordHash.length() + " characters)",
                        "must name its encoding, e.g. {bcrypt}$2a$10$... (htpasswd -bnBC 10 \"\" secret | tr -d ':\\n' gives the part"
                                + " after {bcrypt})");
            }
        }

        public boolean configured() {
            return has(username) && (has(passwordHash) || has(password));
        }

        private static boolean has(String s) {
            return s != null && !s.isBlank();
        }
    }

    /** Checks what annotations cannot: unique ids, positive durations, links to recorders that exist. */
    public ConsoleProperties {
        Set<String> ids = new HashSet<>();
        Set<String> recorderIds = new HashSet<>();
        for (int i = 0; i < recorders.size(); i++) {
            String id = recorders.get(i).id();
            if (id != null && !ids.add(id)) {
                throw new ConfigProblem("parquetry.console.recorders[" + i + "].id", id, "another watched process has this id");
            }
            recorderIds.add(id);
        }
        for (int i = 0; i < converters.size(); i++) {
            Converter c = converters.get(i);
            if (c.id() != null && !ids.add(c.id())) {
                throw new ConfigProblem("parquetry.console.converters[" + i + "].id", c.id(), "another watched process has this id");
            }
            if (c.recorder() != null && !recorderIds.contains(c.recorder())) {
                throw new ConfigProblem("parquetry.console.converters[" + i + "].recorder", c.recorder(),
                        "names no recorder under parquetry.console.recorders");
            }
        }
        positive("stale-after", staleAfter);
        positive("lag-warn", lagWarn);
        positive("sample-interval", sampleInterval);
        positive("history", history);
        positive("rate-window", rateWindow);
        positive("command-timeout", commandTimeout);
        if (history != null && sampleInterval != null && history.compareTo(sampleInterval.multipliedBy(2)) < 0) {
            throw new ConfigProblem("parquetry.console.history", history.toString(), "must hold at least two samples (sample-interval is "
                    + sampleInterval + ")");
        }
    }

    private static void positive(String key, Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new ConfigProblem("parquetry.console." + key, d.toString(), "must be a positive duration, e.g. 3s");
        }
    }

    /** Every watched process's id, converters first. */
    public List<String> ids() {
        return java.util.stream.Stream.concat(converters.stream().map(Converter::id), recorders.stream().map(Recorder::id)).toList();
    }
}
