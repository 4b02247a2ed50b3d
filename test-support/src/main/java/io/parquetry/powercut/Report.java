package io.parquetry.powercut;

import java.util.List;

/**
 * What a power cut did to the tree, for test logs: per file how many pages that differed between the last sync and
 * the cut were kept new or reverted, and which paths vanished, came back or were left empty.
 */
public final class Report {

    /**
     * One file of the post-cut tree. {@code newContentGone}: its inode was no longer in the tree (an unlink or a
     * rename over it that the cut undid), so it holds what its last sync made durable.
     */
    public record FileOutcome(String path, long size, long pagesKept, long pagesReverted, boolean newContentGone) {
    }

    private final String policy;
    private final long seed;
    private final List<FileOutcome> files;
    private final List<String> vanished;
    private final List<String> emptied;
    private final List<String> revived;

    public Report(String policy, long seed, List<FileOutcome> files, List<String> vanished, List<String> emptied, List<String> revived) {
        this.policy = policy;
        this.seed = seed;
        this.files = List.copyOf(files);
        this.vanished = List.copyOf(vanished);
        this.emptied = List.copyOf(emptied);
        this.revived = List.copyOf(revived);
    }

    /** Every regular file of the post-cut tree. */
    public List<FileOutcome> files() {
        return files;
    }

    /** Paths there before the cut and not after (a directory's whole subtree is named). */
    public List<String> vanished() {
        return vanished;
    }

    /** Files that had bytes before the cut and have none after. */
    public List<String> emptied() {
        return emptied;
    }

    /** Paths there after the cut and not before: an unlink or rename the cut undid. */
    public List<String> revived() {
        return revived;
    }

    public long pagesKept() {
        return files.stream().mapToLong(FileOutcome::pagesKept).sum();
    }

    public long pagesReverted() {
        return files.stream().mapToLong(FileOutcome::pagesReverted).sum();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("power cut ").append(policy).append(" seed ").append(seed).append(": ")
                .append(files.size()).append(" files, ").append(pagesKept()).append(" unsynced pages kept, ")
                .append(pagesReverted()).append(" reverted");
        if (!vanished.isEmpty()) {
            s.append("\n  vanished: ").append(vanished);
        }
        if (!emptied.isEmpty()) {
            s.append("\n  emptied: ").append(emptied);
        }
        if (!revived.isEmpty()) {
            s.append("\n  revived: ").append(revived);
        }
        for (FileOutcome f : files) {
            if (f.pagesKept() + f.pagesReverted() > 0 || f.newContentGone()) {
                s.append("\n  ").append(f.path()).append(": ").append(f.size()).append(" bytes, kept ").append(f.pagesKept())
                        .append(" reverted ").append(f.pagesReverted()).append(f.newContentGone() ? ", new content gone" : "");
            }
        }
        return s.toString();
    }
}
