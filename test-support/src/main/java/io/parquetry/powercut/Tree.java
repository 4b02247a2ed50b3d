package io.parquetry.powercut;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The tree under a root as it is now, by inode: the post-cut tree takes a file's new content from wherever its
 * inode is now, since a rename the cut undoes leaves the data where the inode is. Each node carries its inode's
 * birth time, which tells a new file from a dead one whose inode number it was given.
 */
public final class Tree {

    /** One thing under the root: where it is now and what it is. */
    public record Node(Path path, String rel, long ino, String birth, char type, long size, int mode) {
    }

    private static final int S_IFMT = 0170000;
    private static final String ATTRIBUTES = "unix:ino,dev,mode,size,creationTime";

    public final long dev;
    public final Node root;
    private final Map<Long, Node> byIno = new HashMap<>();
    private final Map<Long, List<Listing.Entry>> listings = new HashMap<>();
    /** Every node but the root, by relative path. */
    public final SortedMap<String, Node> byPath = new TreeMap<>();

    private final boolean births;

    private Tree(Path rootPath, boolean births) throws IOException {
        this.births = births;
        dev = (Long) Files.getAttribute(rootPath, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        root = node(rootPath, "", births);
        byIno.put(root.ino(), root);
        scan(root);
    }

    /** The tree under {@code root}; births are all "0" (unknown) unless {@code births}. */
    public static Tree scan(Path root, boolean births) throws IOException {
        return new Tree(root, births);
    }

    /** What {@code p} is now, named {@code rel}. */
    public static Node node(Path p, String rel, boolean births) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        return new Node(p, rel, (Long) a.get("ino"), birth(a, births), type(mode), (Long) a.get("size"), mode);
    }

    /** As the shim writes it: seconds.nanoseconds since the epoch, or "0" when unknown. */
    private static String birth(Map<String, Object> a, boolean births) {
        if (!births) {
            return "0";
        }
        Instant t = ((FileTime) a.get("creationTime")).toInstant();
        return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
    }

    /** Whether two births can be one inode's: equal, or one unknown. */
    public static boolean sameBirth(String a, String b) {
        return a.equals(b) || a.equals("0") || b.equals("0");
    }

    private void scan(Node dir) throws IOException {
        List<Listing.Entry> entries = new ArrayList<>();
        List<Node> subdirs = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir.path())) {
            for (Path child : children) {
                if ((Long) Files.getAttribute(child, "unix:dev", LinkOption.NOFOLLOW_LINKS) != dev) {
                    continue; // another file system mounted here: outside what the model tracks
                }
                String name = child.getFileName().toString();
                Node n = node(child, dir.rel().isEmpty() ? name : dir.rel() + "/" + name, births);
                entries.add(new Listing.Entry(n.ino(), n.type(), n.birth(), name));
                byIno.putIfAbsent(n.ino(), n);
                byPath.put(n.rel(), n);
                if (n.type() == 'd') {
                    subdirs.add(n);
                }
            }
        }
        listings.put(dir.ino(), entries);
        for (Node d : subdirs) {
            scan(d);
        }
    }

    public static char type(int mode) {
        switch (mode & S_IFMT) {
            case 0040000:
                return 'd';
            case 0100000:
                return 'f';
            case 0120000:
                return 'l';
            default:
                return 'o';
        }
    }

    /** The node with this inode now, or null when the inode is no longer in the tree. */
    public Node node(long ino) {
        return byIno.get(ino);
    }

    /** What directory {@code ino} lists now: nothing when it is gone (a removed directory was empty). */
    public List<Listing.Entry> listing(long ino) {
        return listings.getOrDefault(ino, List.of());
    }

    public Iterable<Node> nodes() {
        return byIno.values();
    }
}
