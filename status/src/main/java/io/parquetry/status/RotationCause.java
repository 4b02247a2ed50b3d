package io.parquetry.status;

import java.util.Locale;

/** Why a converter committed a file; each cause counts in its own slot of {@link ConverterStatusDescriptor}. */
public enum RotationCause {
    ROWS(ConverterStatusDescriptor.ROTATIONS_ROWS), BYTES(ConverterStatusDescriptor.ROTATIONS_BYTES),
    AGE(ConverterStatusDescriptor.ROTATIONS_AGE), CYCLE(ConverterStatusDescriptor.ROTATIONS_CYCLE),
    COMMAND(ConverterStatusDescriptor.ROTATIONS_COMMAND), SHUTDOWN(ConverterStatusDescriptor.ROTATIONS_SHUTDOWN),
    /** The queue is damaged after the file's last record: what precedes the damage is committed, nothing after it. */
    DAMAGE(ConverterStatusDescriptor.ROTATIONS_DAMAGE),
    /** Records of a newer schema version came: files are written in it from the next one on. */
    SCHEMA(ConverterStatusDescriptor.ROTATIONS_SCHEMA);

    private final int slot;

    RotationCause(int slot) {
        this.slot = slot;
    }

    /** The status slot counting commits of this cause. */
    public int slot() {
        return slot;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
