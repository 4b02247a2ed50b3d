package io.parquetry.powercut;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The tree under a root as it is now, by inode: the post-cut tree takes a file's new content from wherever its
 * inode is now, since a rename the cut undoes leaves the data where the inode is.
 */
final class Tree {

    /** One thing under the root: where it is now and what it is. */
    record Node(Path path, String rel, long ino, char type, long size, int mode) {
    }

    private static final int S_IFMT = 0170000;

    final long dev;
    final Node root;
    private final Map<Long, Node> byIno = new HashMap<>();
    private final Map<Long, List<Listing.Entry>> listings = new HashMap<>();
    /** Every node but the root, by relative path. */
    final SortedMap<String, Node> byPath = new TreeMap<>();

    private Tree(Path rootPath) throws IOException {
        Map<String, Object> a = Files.readAttributes(rootPath, "unix:ino,dev,mode,size", LinkOption.NOFOLLOW_LINKS);
        dev = (Long) a.get("dev");
        root = new Node(rootPath, "", (Long) a.get("ino"), 'd', (Long) a.get("size"), (Integer) a.get("mode"));
        byIno.put(root.ino(), root);
        scan(root);
    }

    static Tree scan(Path root) throws IOException {
        return new Tree(root);
    }

    private void scan(Node dir) throws IOException {
        List<Listing.Entry> entries = new ArrayList<>();
        List<Node> subdirs = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir.path())) {
            for (Path child : children) {
                Map<String, Object> a = Files.readAttributes(child, "unix:ino,dev,mode,size", LinkOption.NOFOLLOW_LINKS);
                if ((Long) a.get("dev") != dev) {
                    continue; // another file system mounted here: outside what the model tracks
                }
                int mode = (Integer) a.get("mode");
                String name = child.getFileName().toString();
                Node n = new Node(child, dir.rel().isEmpty() ? name : dir.rel() + "/" + name, (Long) a.get("ino"), type(mode),
                        (Long) a.get("size"), mode);
                entries.add(new Listing.Entry(n.ino(), n.type(), name));
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

    static char type(int mode) {
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
    Node node(long ino) {
        return byIno.get(ino);
    }

    /** What directory {@code ino} lists now: nothing when it is gone (a removed directory was empty). */
    List<Listing.Entry> listing(long ino) {
        return listings.getOrDefault(ino, List.of());
    }

    Iterable<Node> nodes() {
        return byIno.values();
    }
}
