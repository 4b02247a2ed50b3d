package io.parquetry.status;

import java.util.Locale;

/** Why a converter committed a file, in the order of the rotation slots of {@link ConverterStatusDescriptor}. */
public enum RotationCause {
    ROWS, BYTES, AGE, CYCLE, COMMAND, SHUTDOWN;

    /** The status slot counting commits of this cause. */
    public int slot() {
        return ConverterStatusDescriptor.ROTATIONS_ROWS + ordinal();
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
