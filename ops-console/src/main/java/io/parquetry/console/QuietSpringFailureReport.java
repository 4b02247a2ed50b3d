package io.parquetry.console;

import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Turns off Spring's framed start-up failure report from the very start, so that {@link OneLineFailureReporter}'s line
 * is the only one: {@code application.yaml} says the same, but a config file that cannot be read (not YAML) fails
 * before logging is configured from it.
 */
public final class QuietSpringFailureReport implements ApplicationListener<ApplicationStartingEvent>, Ordered {

    static final String SPRING_REPORTER = "org.springframework.boot.diagnostics.LoggingFailureAnalysisReporter";

    @Override
    public void onApplicationEvent(ApplicationStartingEvent event) {
        LoggingSystem.get(event.getSpringApplication().getClassLoader()).setLogLevel(SPRING_REPORTER, LogLevel.OFF);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after Spring's LoggingApplicationListener has prepared the logging system
    }
}
