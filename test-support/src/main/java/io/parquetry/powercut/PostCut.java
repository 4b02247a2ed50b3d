package io.parquetry.powercut;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Assembles one post-cut tree: for each directory, reached from the root through the listings chosen for its
 * ancestors, its durable or its current listing; for each file in it, page by page its durable image or its
 * current content, as the picker says where they differ.
 */
public final class PostCut {

    private static final int PAGE = Pages.PAGE;

    private final Snapshots cut;
    private final Tree now;
    private final Picker picker;
    private final List<Report.FileOutcome> files = new ArrayList<>();
    /** Every path of the post-cut tree, with its size for files and -1 for the rest. */
    private final Map<String, Long> paths = new TreeMap<>();

    public PostCut(Snapshots cut, Tree now, Picker picker) {
        this.cut = cut;
        this.now = now;
        this.picker = picker;
    }

    public Report build(Path target, String policy, long seed) throws IOException {
        Tree.Node r = now.root;
        Set<Long> ancestors = new HashSet<>();
        dir(new Listing.Entry(r.ino(), 'd', r.birth(), ""), "", target, ancestors);
        List<String> vanished = new ArrayList<>();
        List<String> emptied = new ArrayList<>();
        for (Tree.Node n : now.byPath.values()) {
            Long after = paths.get(n.rel());
            if (after == null) {
                vanished.add(n.rel());
            } else if (n.type() == 'f' && n.size() > 0 && after == 0) {
                emptied.add(n.rel());
            }
        }
        List<String> revived = paths.keySet().stream().filter(p -> !now.byPath.containsKey(p)).toList();
        return new Report(policy, seed, files, vanished, emptied, revived);
    }

    private void dir(Listing.Entry self, String rel, Path out, Set<Long> ancestors) throws IOException {
        long ino = self.ino();
        ancestors.add(ino);
        List<Listing.Entry> durable = Listing.read(cut.listingPath(now.dev, ino, self.birth()));
        Tree.Node here = now.node(ino);
        // What a directory lists now, if it is still this one; a removed directory was empty.
        List<Listing.Entry> current = here != null && here.type() == 'd' && Tree.sameBirth(here.birth(), self.birth())
                ? now.listing(ino) : List.of();
        List<Listing.Entry> chosen = new HashSet<>(durable).equals(new HashSet<>(current)) || picker.keepNewListing(rel)
                ? current : durable;
        List<Listing.Entry> sorted = new ArrayList<>(chosen);
        sorted.sort(Comparator.comparing(Listing.Entry::name));
        for (Listing.Entry e : sorted) {
            String childRel = rel.isEmpty() ? e.name() : rel + "/" + e.name();
            Path child = out.resolve(e.name());
            Tree.Node node = now.node(e.ino());
            // The inode now is the one this entry names only if born at the same time: ext4 reuses numbers at once.
            boolean sameKind = node != null && node.type() == e.type() && Tree.sameBirth(node.birth(), e.birth());
            switch (e.type()) {
                case 'd':
                    // A directory inside itself: a listing older than a move may name an ancestor. Disks cannot.
                    if (!ancestors.contains(e.ino())) {
                        Files.createDirectory(child);
                        paths.put(childRel, -1L);
                        dir(e, childRel, child, ancestors);
                        Pages.setMode(child, sameKind ? node.mode() : 0755);
                    }
                    break;
                case 'f':
                    file(e, childRel, child, sameKind ? node : null);
                    break;
                case 'l':
                    // Symlinks as they are now: one that is gone is left out, its target was never recorded.
                    if (sameKind) {
                        Files.createSymbolicLink(child, Files.readSymbolicLink(node.path()));
                        paths.put(childRel, -1L);
                    }
                    break;
                default:
                    break; // sockets and pipes hold no data
            }
        }
        ancestors.remove(ino);
    }

    private void file(Listing.Entry self, String rel, Path out, Tree.Node current) throws IOException {
        Path image = cut.imagePath(now.dev, self.ino(), self.birth());
        boolean hasOld = Files.exists(image);
        try (FileChannel old = hasOld ? FileChannel.open(image) : null;
             FileChannel neu = current != null ? FileChannel.open(current.path()) : null;
             RandomAccessFile result = new RandomAccessFile(out.toFile(), "rw")) {
            long oldSize = old == null ? 0 : old.size();
            long newSize = neu == null ? 0 : neu.size();
            long size;
            if (neu == null) {
                size = oldSize;
            } else if (oldSize == newSize || picker.keepNewSize(rel)) {
                size = newSize;
            } else {
                size = oldSize;
            }
            result.setLength(size);
            // Pages past the chosen size count too: they read as at the last sync when the old size won, else as now.
            long span = neu == null ? size : Math.max(oldSize, newSize);
            boolean sizeIsNew = size == newSize;
            byte[] o = new byte[Pages.CHUNK];
            byte[] n = new byte[Pages.CHUNK];
            long kept = 0;
            long reverted = 0;
            for (long pos = 0; pos < span; pos += Pages.CHUNK) {
                int len = (int) Math.min(Pages.CHUNK, span - pos);
                Pages.read(old, o, pos, len);
                Pages.read(neu, n, pos, len);
                for (int off = 0; off < len && neu != null; off += PAGE) {
                    long at = pos + off;
                    int page = Math.min(PAGE, len - off);
                    if (at >= size) {
                        if (!Arrays.equals(o, off, off + page, n, off, off + page)) {
                            if (sizeIsNew) {
                                kept++;
                            } else {
                                reverted++;
                            }
                        }
                        continue;
                    }
                    int l = (int) Math.min(page, size - at);
                    if (Arrays.equals(o, off, off + l, n, off, off + l)) {
                        continue;
                    }
                    if (picker.keepNewPage(rel, at / PAGE)) {
                        System.arraycopy(n, off, o, off, l);
                        kept++;
                    } else {
                        reverted++;
                    }
                }
                int write = (int) Math.min(len, size - pos);
                if (write > 0) {
                    Pages.writeSparse(result.getChannel(), o, pos, write);
                }
            }
            files.add(new Report.FileOutcome(rel, size, kept, reverted, neu == null));
            paths.put(rel, size);
        }
        Pages.setMode(out, current != null ? current.mode() : 0644);
    }
}
