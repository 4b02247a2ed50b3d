package io.parquetry.powercut;

import java.nio.file.Path;

/**
 * Where the shim keeps what was durable at each sync, in a state directory: a file's image under {@code files/}, a
 * directory's listing under {@code dirs/}, each named by device, inode and birth time (an inode number is reused).
 */
public final class Snapshots {

    private final Path state;

    public Snapshots(Path state) {
        this.state = state;
    }

    public Path imagePath(long dev, long ino, String birth) {
        return state.resolve("files").resolve(Long.toUnsignedString(dev) + "-" + Long.toUnsignedString(ino) + "-" + birth + ".img");
    }

    public Path listingPath(long dev, long ino, String birth) {
        return state.resolve("dirs").resolve(Long.toUnsignedString(dev) + "-" + Long.toUnsignedString(ino) + "-" + birth);
    }
}
