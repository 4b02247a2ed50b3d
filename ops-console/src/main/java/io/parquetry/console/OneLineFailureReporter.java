package io.parquetry.console;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalysisReporter;

/**
 * Reports a start-up failure Spring could explain (a bad configuration, a port in use) as one line on standard error,
 * in place of Spring's framed report (whose logger is off in {@code application.yaml}). Failures nobody explained
 * still get Spring's stack trace: those are bugs.
 */
public final class OneLineFailureReporter implements FailureAnalysisReporter {

    /** The prefix of the line, so that scripts and tests can find it. */
    public static final String PREFIX = "parquetry console: cannot start: ";

    private static volatile boolean reported;

    @Override
    public void report(FailureAnalysis analysis) {
        reported = true;
        System.err.println(line(analysis));
    }

    /** True once a failure was reported in this JVM: {@link ConsoleApplication#main} then exits quietly. */
    static boolean reported() {
        return reported;
    }

    static String line(FailureAnalysis a) {
        String d = oneLine(a.getDescription());
        String action = oneLine(a.getAction());
        return PREFIX + d + (action.isEmpty() ? "" : " (" + action + ")");
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\n\\s*", " ").replaceAll("\\s+", " ");
    }
}
