package io.parquetry.console;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Entry point of {@code bin/parquetry console}. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class ConsoleApplication {

    /** Exit status of a console that could not start because of its command line or its configuration. */
    static final int EXIT_BAD_CONFIG = 2;

    public static void main(String[] args) {
        ConsoleArgs a;
        try {
            a = ConsoleArgs.parse(args, System.getenv("PARQUETRY_CONSOLE_CONFIG"));
        } catch (IllegalArgumentException e) {
            System.err.println(OneLineFailureReporter.PREFIX + e.getMessage());
            System.exit(EXIT_BAD_CONFIG);
            return;
        }
        if (a.help()) {
            System.out.println(ConsoleArgs.USAGE);
            return;
        }
        if (a.configFile() != null) {
            System.setProperty(ConfigFailureAnalyzer.CONFIG_FILE_PROPERTY, a.configFile().toString());
        }
        try {
            SpringApplication.run(ConsoleApplication.class, a.springArgs().toArray(String[]::new));
        } catch (RuntimeException | Error e) {
            if (OneLineFailureReporter.reported()) {
                System.exit(EXIT_BAD_CONFIG); // said in one line already
            }
            throw e;
        }
    }
}
