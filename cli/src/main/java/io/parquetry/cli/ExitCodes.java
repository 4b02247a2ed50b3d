package io.parquetry.cli;

import picocli.CommandLine;

/** The exit codes of bin/parquetry beyond 0 and 1 (the whole list is in {@link Main}'s help). */
public final class ExitCodes {

    /** A usage error: picocli's own code. */
    public static final int USAGE = CommandLine.ExitCode.USAGE;
    /** {@code record}: some appends were refused (disk guard, the recorder closed, a value too long). Not a usage error (2). */
    public static final int REFUSED = 4;
    /** {@code verify}: the dataset is not exactly one copy of the queue's converted range, or holds foreign files when asked. */
    public static final int PROBLEM = 5;

    private ExitCodes() {
    }
}
