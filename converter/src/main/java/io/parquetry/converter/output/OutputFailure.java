package io.parquetry.converter.output;

import java.io.IOException;

/**
 * An I/O operation on the converter's storage failed in a way that may heal: the output (a full disk, an HDFS or
 * object-store outage) or the state directory (checkpoint, quarantine). The converter aborts the file it was writing
 * and retries with back-off from its checkpoint; the message names the operation and the file, and keeps the cause's
 * text. Failures that cannot heal (a damaged queue, a lost lease, a bad configuration) are other exceptions.
 */
public final class OutputFailure extends IOException {

    private static final long serialVersionUID = 1L;

    public OutputFailure(String operation, Object file, Throwable cause) {
        super(operation + ": file=" + file + ": " + describe(cause), cause);
    }

    /**
     * The innermost message, with its type: {@code IOException: No space left on device}, the part an operator needs
     * (the outer ones name the file, which this failure names already).
     */
    static String describe(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t.getCause() != null && t.getCause() != t && depth < 10; depth++) {
            if (t.getCause().getMessage() == null && t.getMessage() != null && !(t instanceof org.apache.hadoop.fs.FSError)) {
                break;
            }
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
