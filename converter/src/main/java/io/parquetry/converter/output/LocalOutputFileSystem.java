package io.parquetry.converter.output;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's raw local file system, setting modes with a {@code chmod} system call instead of a {@code chmod} process.
 * Without Hadoop's native library (not shipped: it is platform-specific), {@link RawLocalFileSystem} forks
 * {@code chmod} for every directory it makes and every file it creates with a mode, which is all of them: five
 * processes for the first file of a dataset, each ~10 ms on the two-core machine (BENCHMARKS §3). The mode set is the
 * same; a sticky bit, which {@link PosixFilePermission} cannot say, still goes to Hadoop's own way.
 */
public final class LocalOutputFileSystem extends RawLocalFileSystem {

    private static final PosixFilePermission[] BITS = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
        if (permission.getStickyBit()) {
            super.setPermission(p, permission);
            return;
        }
        try {
            Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission.toShort()));
        } catch (NoSuchFileException e) {
            throw new FileNotFoundException("no such file or directory: " + p);
        } catch (UnsupportedOperationException e) {
            super.setPermission(p, permission); // not a POSIX file system
        }
    }

    /** The nine permission bits of {@code mode} as a set. */
    static Set<PosixFilePermission> posix(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        for (int b = 0; b < BITS.length; b++) {
            if ((mode & (1 << b)) != 0) {
                s.add(BITS[b]);
            }
        }
        return s;
    }
}
