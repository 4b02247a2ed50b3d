package io.parquetry.status;

import java.util.Locale;

/**
 * A converter's life-cycle state, stored in its status file as the ordinal ({@link ConverterStatusDescriptor#STATE}).
 * New states are only ever added at the end, so an older reader decodes a newer one as {@link #UNKNOWN}.
 */
public enum ConverterState {
    STARTING, RUNNING, PAUSED, STOPPING, STOPPED, FAILED,
    /** The output failed (full disk, outage): the current file was aborted and the converter retries with back-off. */
    RETRYING,
    /** Never stored: what {@link #decode} answers for a word this version does not know. */
    UNKNOWN;

    /** The state a status word holds; {@link #UNKNOWN} for anything else. */
    public static ConverterState decode(long word) {
        return word >= 0 && word < UNKNOWN.ordinal() ? values()[(int) word] : UNKNOWN;
    }

    /** Lower-case name, as shown to people. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
