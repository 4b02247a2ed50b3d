package io.parquetry.console;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The console's configuration ({@code parquetry.console.*}, see {@code conf/console.yaml}), validated at start-up: a bad
 * value stops the console with Spring's message naming the property and the value.
 *
 * @param converters converters to watch, each an id and its status file
 * @param recorders recorders to watch, each an id and its status file
 * @param staleAfter a heartbeat older than this means the process is down
 * @param lagWarnRecords health reports a converter lagging by more records than this
 * @param sampleInterval how often the console samples every status file for its charts
 * @param history how much history the charts keep
 * @param commandTimeout how long a flush/rotate/pause may take before the console answers with a timeout
 * @param security credentials for the controls; with none, the controls are disabled
 */
@Validated
@ConfigurationProperties("parquetry.console")
public record ConsoleProperties(@DefaultValue({}) @Valid List<Watched> converters, @DefaultValue({}) @Valid List<Watched> recorders,
        @DefaultValue("3s") @NotNull Duration staleAfter, @DefaultValue("10000000") @Positive long lagWarnRecords,
        @DefaultValue("1s") @NotNull Duration sampleInterval, @DefaultValue("15m") @NotNull Duration history,
        @DefaultValue("30s") @NotNull Duration commandTimeout, @DefaultValue @Valid Security security) {

    /** A watched process. */
    public record Watched(@NotNull @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}",
            message = "must be 1 to 64 letters, digits, '.', '_' or '-'") String id, @NotNull Path statusFile) {
    }

    /**
     * @param username user allowed to use the controls
     * @param passwordHash the password as a Spring Security encoded hash ({@code {bcrypt}$2a$...}); or set
     *     {@code password} from the environment ({@code PARQUETRY_CONSOLE_SECURITY_PASSWORD}), never in a file
     */
    public record Security(String username, String passwordHash, String password) {

        public boolean configured() {
            return username != null && !username.isBlank() && (has(passwordHash) || has(password));
        }

        private static boolean has(String s) {
            return s != null && !s.isBlank();
        }
    }

    /** Every watched id must be unique: a duplicate is a start-up error naming it. */
    public ConsoleProperties {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (List<Watched> l : List.of(converters, recorders)) {
            for (Watched w : l) {
                if (w.id() != null && !ids.add(w.id())) {
                    throw new IllegalArgumentException("duplicate watched id: parquetry.console id=" + w.id());
                }
            }
        }
        if (staleAfter != null && (staleAfter.isNegative() || staleAfter.isZero())) {
            throw new IllegalArgumentException("parquetry.console.stale-after must be positive: stale-after=" + staleAfter);
        }
    }
}
