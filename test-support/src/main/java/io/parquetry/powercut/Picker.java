package io.parquetry.powercut;

/**
 * Decides, for each thing a power cut could have lost, whether it kept the new version. Paths are relative to the
 * root, with '/' between names. A picker is asked only where the durable and the current version differ.
 * A lambda {@code (file, page) -> ...} picks pages and keeps every new listing and size, for tests that aim at
 * one page.
 */
@FunctionalInterface
public interface Picker {

    /** Whether page {@code page} (of {@link PowerCut#PAGE} bytes) of {@code file} holds what was written last. */
    public boolean keepNewPage(String file, long page);

    /** Whether directory {@code dir} lists what it lists now, rather than what it listed at its last sync. */
    default boolean keepNewListing(String dir) {
        return true;
    }

    /** Whether {@code file} has its current size, rather than the size at its last sync. */
    default boolean keepNewSize(String file) {
        return true;
    }
}
