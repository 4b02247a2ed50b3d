package io.parquetry.powercut;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns a directory tree into a state that a power cut could have left it in, for crash tests that must hold up to
 * more than a process kill.
 *
 * <p>The model: after a cut, every byte written to a file since that file's last fsync, fdatasync or msync may hold
 * its old or its new content, page by page ({@value #PAGE} bytes), in any combination, and the file may have its
 * old or its new size; a directory lists what it listed at its last fsync or what it lists now; a directory never
 * synced since it was made lists nothing, and one that its parent's listing leaves out is gone with its subtree.
 * The root's own entry is durable. What each sync made durable is recorded by the LD_PRELOAD shim
 * ({@link #environment()}) in the state directory, and by {@link #baseline()} for what was there before.
 *
 * <p>Use: {@link #baseline()} after setup, start the processes under test with {@link #environment()}, kill them
 * (SIGKILL), {@link #cut(Policy, long)}, then check what the product makes of the tree.
 *
 * <p>Files are told apart by inode and birth time, since ext4 hands a freed inode number to the next new file. Not
 * modelled: writes through O_SYNC or O_DIRECT descriptors (durable when written, seen here only at the next sync),
 * mount points under the root, the old target of a symlink, and hard links (each name gets a copy). A rename between
 * two directories is undone or kept per directory, so a cut may leave the file in both or in neither, which a
 * journaling file system would not.
 */
public final class PowerCut {

    /** The unit in which unsynced writes survive or revert. */
    public static final int PAGE = Pages.PAGE;

    private final Path root;
    private final Path state;
    /** Whether this JVM sees inode birth times under the root; if not, the shim is told to write none either. */
    private final boolean births;

    /**
     * Makes a power cut for {@code root}. Creates and deletes one file in the root, to learn whether birth times can be
     * read there: make it before the processes under test start.
     *
     * @param root  the tree the processes under test write; its canonical path is what the shim tracks
     * @param state where the durable images are kept; outside {@code root}
     */
    public PowerCut(Path root, Path state) throws IOException {
        this.root = root.toRealPath();
        Files.createDirectories(state);
        this.state = state.toRealPath();
        if (this.state.startsWith(this.root) || this.root.startsWith(this.state)) {
            throw new IllegalArgumentException("state " + this.state + " and root " + this.root + " must not contain each other");
        }
        Files.createDirectories(this.state.resolve("files"));
        Files.createDirectories(this.state.resolve("dirs"));
        this.births = readsBirths(this.root);
    }

    /**
     * Whether this JVM reads real birth times on the root's file system. Where the JVM or the file system has none,
     * creationTime falls back to the modification time, which a file that is written would change.
     */
    private static boolean readsBirths(Path dir) throws IOException {
        Path probe = Files.createTempFile(dir, ".powercut-birth-", "");
        try {
            FileTime longAgo = FileTime.fromMillis(1000);
            Files.setLastModifiedTime(probe, longAgo);
            return !Files.getAttribute(probe, "creationTime", LinkOption.NOFOLLOW_LINKS).equals(longAgo);
        } finally {
            Files.delete(probe);
        }
    }

    public Path root() {
        return root;
    }

    /**
     * The environment entries that make a child process record its syncs under the root. Builds the shim on first
     * use; without gcc the calling test is skipped (fails under CI).
     */
    public Map<String, String> environment() throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("LD_PRELOAD", Shim.library().toString(), "POWERCUT_ROOT", root.toString(),
                "POWERCUT_STATE", state.toString(), BOOT_ID_VARIABLE, bootIdFile().toString()));
        if (!births) {
            env.put("POWERCUT_NO_BIRTH", "1");
        }
        return env;
    }

    /**
     * The product tells a boot by its id (Linux's {@code /proc/sys/kernel/random/boot_id}): records read in the boot that
     * wrote them cannot be torn. A cut is a reboot, so the processes under test read their boot id from a file of the
     * cut's that each cut renews ({@link #environment()}).
     */
    public static final String BOOT_ID_VARIABLE = "PARQUETRY_BOOT_ID_FILE";

    /** The boot id file the processes under test read; made at the first call. */
    public Path bootIdFile() throws IOException {
        Path f = state.resolve("boot_id");
        if (!Files.exists(f)) {
            reboot();
        }
        return f;
    }

    private void reboot() throws IOException {
        Files.writeString(state.resolve("boot_id"), java.util.UUID.randomUUID() + "\n");
    }

    /** Records everything now under the root as durable, as if all of it had been synced. No process may write meanwhile. */
    public void baseline() throws IOException {
        deleteChildren(state.resolve("files"));
        deleteChildren(state.resolve("dirs"));
        Tree now = Tree.scan(root, births);
        for (Tree.Node n : now.nodes()) {
            if (n.type() == 'd') {
                Listing.write(listingPath(now.dev, n.ino(), n.birth()), now.listing(n.ino()));
            } else if (n.type() == 'f') {
                Pages.copySparse(n.path(), imagePath(now.dev, n.ino(), n.birth()));
            }
        }
    }

    /**
     * Builds the tree a cut by {@code policy} leaves into the empty or absent directory {@code target}, leaving the
     * root and the recorded state as they are: to look at a cut before making it, or at several.
     */
    public Report plan(Policy policy, long seed, Path target) throws IOException {
        Files.createDirectories(target);
        try (DirectoryStream<Path> in = Files.newDirectoryStream(target)) {
            if (in.iterator().hasNext()) {
                throw new IllegalArgumentException(target + " is not empty");
            }
        }
        return new PostCut(new Snapshots(state), Tree.scan(root, births), policy.picker(seed)).build(target, policy.toString(), seed);
    }

    /**
     * Cuts the power: replaces what is under the root with a post-cut tree, then records that tree as durable (its
     * files are new inodes). Call it when nothing writes under the root any more. The root directory itself stays.
     */
    public Report cut(Policy policy, long seed) throws IOException {
        Path next = Files.createTempDirectory(root.getParent(), "." + root.getFileName() + ".cut-");
        try {
            Report report = plan(policy, seed, next);
            deleteChildren(root);
            try (DirectoryStream<Path> children = Files.newDirectoryStream(next)) {
                for (Path child : children) {
                    Files.move(child, root.resolve(child.getFileName()));
                }
            }
            baseline();
            reboot();
            return report;
        } finally {
            deleteTree(next);
        }
    }

    /** Where the durable image of {@code file} (its inode now) is kept; absent when it was never synced. */
    public Path imageOf(Path file) throws IOException {
        Tree.Node n = Tree.node(file, "", births);
        return imagePath(dev(file), n.ino(), n.birth());
    }

    /** Where the durable listing of directory {@code dir} (its inode now) is kept; absent when it was never synced. */
    public Path listingOf(Path dir) throws IOException {
        Tree.Node n = Tree.node(dir, "", births);
        return listingPath(dev(dir), n.ino(), n.birth());
    }

    private static long dev(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS);
    }

    public Path imagePath(long dev, long ino, String birth) {
        return new Snapshots(state).imagePath(dev, ino, birth);
    }

    public Path listingPath(long dev, long ino, String birth) {
        return new Snapshots(state).listingPath(dev, ino, birth);
    }

    private static void deleteChildren(Path dir) throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                deleteTree(child);
            }
        }
    }

    private static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
