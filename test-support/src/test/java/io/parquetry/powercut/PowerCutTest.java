package io.parquetry.powercut;

import static io.parquetry.powercut.PowerCutProbe.PAGE;
import static io.parquetry.powercut.PowerCutProbe.fill;
import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.testing.Await;
import io.parquetry.testing.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The power-cut model on a child JVM started with the project's JVM flags and the shim ({@link PowerCutProbe}):
 * the shim sees each way a JVM syncs, and a cut leaves what the model allows, no more and no less.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PowerCutTest {

    @TempDir
    static Path shared;

    /** One probe, killed, for the tests that only look at cuts (plan) and change nothing. */
    private static Run killed;

    /**
     * Runs the shared probe on first use rather than in a @BeforeAll: without gcc each test is then reported skipped,
     * where an aborted @BeforeAll leaves the class with no tests at all in Surefire's report.
     */
    private static synchronized Run killed() throws Exception {
        if (killed == null) {
            killed = Run.killProbe(shared, true);
        }
        return killed;
    }

    @Test
    void shimRecordsEachWayTheJvmSyncsAndNothingOutsideTheRoot() throws Exception {
        Run killed = killed();
        PowerCut pc = killed.pc;
        Path data = killed.root.resolve("data");
        Path meta = killed.root.resolve("meta");
        assertThat(runs(image(pc, data.resolve("synced.bin")))).as("FileDescriptor.sync (fsync)").isEqualTo("A*12288");
        assertThat(runs(image(pc, data.resolve("mapped.bin")))).as("MappedByteBuffer.force (msync), whole and page 1 alone")
                .isEqualTo("M*4096 m*4096 M*8192");
        assertThat(runs(image(pc, data.resolve("datasync.bin")))).as("FileChannel.force(false) (fdatasync)").isEqualTo("D*16384");
        assertThat(runs(image(pc, data.resolve("fsync.bin")))).as("FileChannel.force(true) (fsync)").isEqualTo("F*8292");
        assertThat(names(pc, data)).as("fsync of a directory").containsExactlyInAnyOrder("synced.bin", "mapped.bin", "datasync.bin", "fsync.bin");
        assertThat(names(pc, meta)).containsExactlyInAnyOrder("new-name.txt", "state");
        assertThat(names(pc, killed.root.resolve("reuse"))).as("never synced: the baseline's").containsExactlyInAnyOrder("gone", "victim");
        assertThat(image(pc, killed.root.resolve("reuse/newcomer"))).as("a new file's own image, inode reused: %s", killed.reused)
                .isEqualTo("newcomer");
        assertThat(Files.exists(pc.imageOf(killed.root.resolve("reuse/fresh")))).as("inode reused: %s", killed.reused).isFalse();

        Path outsideFile = killed.outside.resolve("outside.bin");
        assertThat(Files.exists(pc.imageOf(outsideFile))).as("a file outside the root is not tracked").isFalse();
        assertThat(Files.exists(pc.listingOf(killed.outside))).isFalse();
        assertThat(runs(Files.readString(outsideFile, StandardCharsets.ISO_8859_1))).isEqualTo("O*8192");
    }

    @Test
    void loseAllLeavesExactlyWhatWasSynced() throws Exception {
        Run killed = killed();
        Path out = shared.resolve("lose-all");
        Report report = killed.pc.plan(Policy.LOSE_ALL, 0, out);

        assertThat(runs(tree(out))).as("inodes reused: %s", killed.reused).isEqualTo(runs(synced()));
        assertThat(report.vanished()).containsExactly("data/unsynced-new.bin", "reuse/fresh", "reuse/newcomer");
        assertThat(report.revived()).containsExactly("reuse/gone", "reuse/victim");
        assertThat(report.pagesKept()).isZero();
        // synced.bin's 2 appended pages, mapped.bin's page 3, datasync.bin's pages 1 and 2
        assertThat(report.pagesReverted()).isEqualTo(5);
    }

    @Test
    void keepAllLeavesWhatAKillLeaves() throws Exception {
        Run killed = killed();
        Path out = shared.resolve("keep-all");
        Report report = killed.pc.plan(Policy.KEEP_ALL, 0, out);

        SortedMap<String, String> now = tree(killed.root);
        assertThat(now).containsEntry("data/unsynced-new.bin", pages("N")).containsEntry("data/datasync.bin", pages("DddD"));
        assertThat(runs(tree(out))).isEqualTo(runs(now));
        assertThat(report.vanished()).isEmpty();
        assertThat(report.pagesReverted()).isZero();
        // and reuse/fresh's page, never synced
        assertThat(report.pagesKept()).isEqualTo(6);
    }

    @Test
    void randomTakesEachPageFromTheSyncedOrTheCurrentStateAndRepeatsForASeed() throws Exception {
        Run killed = killed();
        SortedMap<String, String> old = synced();
        SortedMap<String, String> now = tree(killed.root);
        Set<SortedMap<String, String>> distinct = new HashSet<>();
        long kept = 0;
        long reverted = 0;
        for (long seed = 1; seed <= 20; seed++) {
            Path out = shared.resolve("random-" + seed);
            Report report = killed.pc.plan(Policy.RANDOM, seed, out);
            kept += report.pagesKept();
            reverted += report.pagesReverted();
            SortedMap<String, String> cut = tree(out);
            distinct.add(cut);
            for (Map.Entry<String, String> e : cut.entrySet()) {
                String path = e.getKey();
                String o = old.containsKey(path) ? old.get(path) : SYNCED_BEFORE_THEIR_NAMES.get(path);
                String n = now.getOrDefault(path, o);
                assertThat(e.getValue().length()).as("size of %s, seed %d", path, seed).isIn(o.length(), n.length());
                String c = e.getValue();
                for (int p = 0; p * PAGE < c.length(); p++) {
                    int len = Math.min(PAGE, c.length() - p * PAGE);
                    assertThat(runs(page(c, p, len))).as("page %d of %s, seed %d", p, path, seed)
                            .isIn(runs(page(o, p, len)), runs(page(n, p, len)));
                }
            }
            Set<String> both = new HashSet<>(old.keySet());
            both.addAll(now.keySet());
            assertThat(cut.keySet()).as("seed %d", seed).containsAll(outsideReuse(old)).isSubsetOf(both);
            assertThat(cut.keySet().stream().filter(p -> p.startsWith("reuse/")).toList())
                    .as("reuse/ as listed at the baseline or now, seed %d", seed)
                    .isIn(List.of("reuse/gone", "reuse/victim"), List.of("reuse/fresh", "reuse/newcomer"));

            Path again = shared.resolve("random-" + seed + "-again");
            killed.pc.plan(Policy.RANDOM, seed, again);
            assertThat(runs(tree(again))).as("seed %d again", seed).isEqualTo(runs(cut));
        }
        assertThat(kept).isPositive();
        assertThat(reverted).isPositive();
        assertThat(distinct).hasSizeGreaterThan(5);
    }

    @Test
    void pickerIsAskedForExactlyThePagesThatDifferAndDecidesEachAlone() throws Exception {
        Run killed = killed();
        Set<String> asked = new HashSet<>();
        Policy onePage = Policy.picking("datasync page 1", (file, page) -> {
            asked.add(file + "#" + page);
            return file.equals("data/datasync.bin") && page == 1;
        });
        Path out = shared.resolve("picked");
        killed.pc.plan(onePage, 0, out);

        assertThat(asked).containsExactlyInAnyOrder("data/synced.bin#3", "data/synced.bin#4", "data/mapped.bin#3",
                "data/datasync.bin#1", "data/datasync.bin#2", "reuse/fresh#0");
        SortedMap<String, String> cut = tree(out);
        assertThat(runs(cut.get("data/datasync.bin"))).isEqualTo(runs(pages("DdDD")));
        assertThat(runs(cut.get("data/mapped.bin"))).isEqualTo(runs(pages("MmMM")));
        // The new size with the appended pages lost: the tail reads as zeros.
        assertThat(runs(cut.get("data/synced.bin"))).isEqualTo("A*12288 \\0*6144");
        assertThat(cut.get("data/unsynced-new.bin")).isEqualTo(pages("N"));
        // Never synced: nothing of the dead file whose inode number it may have been given.
        assertThat(cut.get("reuse/fresh")).as("inode reused: %s", killed.reused).isEqualTo("\0\0\0\0\0");
        assertThat(cut.get("reuse/newcomer")).isEqualTo("newcomer");
    }

    @Test
    void cutReplacesWhatIsUnderTheRootAndRecordsItAsDurable(@TempDir Path dir) throws Exception {
        Run run = Run.killProbe(dir, true);
        Object rootInode = Files.getAttribute(run.root, "unix:ino");

        Report report = run.pc.cut(Policy.LOSE_ALL, 0);

        assertThat(runs(tree(run.root))).isEqualTo(runs(synced()));
        assertThat(Files.getAttribute(run.root, "unix:ino")).as("the root itself stays").isEqualTo(rootInode);
        assertThat(report.vanished()).containsExactly("data/unsynced-new.bin", "reuse/fresh", "reuse/newcomer");
        assertThat(report.toString()).contains("data/datasync.bin: 16384 bytes, kept 0 reverted 2");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("no temporary tree left beside the root")
                    .containsExactlyInAnyOrder("root", "state", "outside", "probe.log");
        }
        // Everything after the cut is durable now: a second cut, however bad, changes nothing.
        Path again = dir.resolve("again");
        Report second = run.pc.plan(Policy.LOSE_ALL, 0, again);
        assertThat(runs(tree(again))).isEqualTo(runs(synced()));
        assertThat(second.pagesReverted() + second.pagesKept()).isZero();
    }

    @Test
    void withoutItsVariablesTheShimPassesEveryCallThrough(@TempDir Path dir) throws Exception {
        Run run = Run.killProbe(dir, false);

        SortedMap<String, String> now = tree(run.root);
        assertThat(now).containsEntry("data/datasync.bin", pages("DddD")).containsEntry("meta/state", "state v2");
        try (Stream<Path> images = Files.list(dir.resolve("state").resolve("files"))) {
            assertThat(images).as("only the baseline's images").hasSize(4);
        }
        assertThat(names(run.pc, run.root.resolve("data"))).as("data/'s fsync not recorded: the baseline's empty listing").isEmpty();
    }

    /**
     * A root, its state, a directory outside it, and a probe that wrote to them and was killed. {@code reused}: a new
     * file in reuse/ got the inode number of a deleted one, as ext4 does at once (tmpfs does not).
     */
    private record Run(Path root, Path outside, PowerCut pc, boolean reused) {

        static Run killProbe(Path dir, boolean withVariables) throws Exception {
            Path root = Files.createDirectories(dir.resolve("root"));
            Files.createDirectories(root.resolve("data"));
            Files.createDirectories(root.resolve("meta"));
            Files.writeString(root.resolve("meta/old-name.txt"), "old name");
            Files.writeString(root.resolve("meta/state"), "state v1");
            Files.createDirectories(root.resolve("reuse"));
            Files.writeString(root.resolve("reuse/gone"), "gone v1");
            Files.writeString(root.resolve("reuse/victim"), "victim v1");
            Object gone = Files.getAttribute(root.resolve("reuse/gone"), "unix:ino");
            Object victim = Files.getAttribute(root.resolve("reuse/victim"), "unix:ino");
            Path outside = Files.createDirectories(dir.resolve("outside"));
            PowerCut pc = new PowerCut(root, dir.resolve("state"));
            pc.baseline();
            Map<String, String> env = pc.environment();
            if (!withVariables) {
                env = Map.of("LD_PRELOAD", env.get("LD_PRELOAD"));
            }
            Path log = dir.resolve("probe.log");
            Process p = ChildJvm.start(log, null, env, "-Xmx64m", PowerCutProbe.class, pc.root().toString(), outside.toString());
            try {
                Await.until(() -> "probe not ready: " + Files.readString(log), Duration.ofSeconds(30), () -> {
                    if (Files.readString(log).contains("READY")) {
                        return true;
                    }
                    assertThat(p.isAlive()).as("probe died: %s", Files.readString(log)).isTrue();
                    return false;
                });
            } finally {
                p.destroyForcibly(); // SIGKILL
                p.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(Files.readString(log)).as("probe output").isEqualTo("READY\n");
            Set<Object> freed = Set.of(gone, victim);
            boolean reused = freed.contains(Files.getAttribute(root.resolve("reuse/fresh"), "unix:ino"))
                    || freed.contains(Files.getAttribute(root.resolve("reuse/newcomer"), "unix:ino"));
            return new Run(pc.root(), outside, pc, reused);
        }
    }

    /** What the probe synced: the tree LOSE_ALL must give. */
    private static SortedMap<String, String> synced() {
        SortedMap<String, String> t = new TreeMap<>();
        t.put("data", "<dir>");
        t.put("data/synced.bin", pages("AAA"));
        t.put("data/mapped.bin", pages("MmMM"));
        t.put("data/datasync.bin", pages("DDDD"));
        t.put("data/fsync.bin", latin1(fill('F', 2 * PAGE + 100)));
        t.put("meta", "<dir>");
        t.put("meta/new-name.txt", "old name");
        t.put("meta/state", "state v2");
        t.put("reuse", "<dir>");
        t.put("reuse/gone", "gone v1");
        t.put("reuse/victim", "victim v1");
        return t;
    }

    /** What the last sync of each file that only the current listings name made durable. */
    private static final Map<String, String> SYNCED_BEFORE_THEIR_NAMES = Map.of("data/unsynced-new.bin", pages("N"), "reuse/fresh", "",
            "reuse/newcomer", "newcomer");

    /** The paths of {@code t} outside reuse/, whose directories were synced or never changed. */
    private static Set<String> outsideReuse(SortedMap<String, String> t) {
        Set<String> s = new HashSet<>(t.keySet());
        s.removeIf(p -> p.startsWith("reuse/"));
        return s;
    }

    /** Every path under {@code top}: a file's bytes as ISO-8859-1 (one char a byte), a directory as "<dir>". */
    private static SortedMap<String, String> tree(Path top) throws IOException {
        SortedMap<String, String> t = new TreeMap<>();
        try (Stream<Path> all = Files.walk(top)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (p.equals(top)) {
                    continue;
                }
                String rel = top.relativize(p).toString();
                t.put(rel, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "<dir>" : Files.readString(p, StandardCharsets.ISO_8859_1));
            }
        }
        return t;
    }

    private static String image(PowerCut pc, Path file) throws IOException {
        return Files.readString(pc.imageOf(file), StandardCharsets.ISO_8859_1);
    }

    private static Set<String> names(PowerCut pc, Path dir) throws IOException {
        Set<String> names = new HashSet<>();
        for (Listing.Entry e : Listing.read(pc.listingOf(dir))) {
            names.add(e.name());
        }
        return names;
    }

    /** One page of each letter. */
    private static String pages(String letters) {
        StringBuilder s = new StringBuilder();
        for (char c : letters.toCharArray()) {
            s.append(latin1(fill(c, PAGE)));
        }
        return s.toString();
    }

    /** {@code len} bytes of page {@code p}, zeros past the end of {@code content}, as the model reads them. */
    private static String page(String content, int p, int len) {
        StringBuilder s = new StringBuilder(len);
        for (int i = p * PAGE; i < p * PAGE + len; i++) {
            s.append(i < content.length() ? content.charAt(i) : '\0');
        }
        return s.toString();
    }

    /** {@code t} with each content as {@link #runs(String)}: what a failed comparison prints stays readable. */
    private static SortedMap<String, String> runs(SortedMap<String, String> t) {
        SortedMap<String, String> r = new TreeMap<>();
        t.forEach((k, v) -> r.put(k, runs(v)));
        return r;
    }

    /** Content as runs of one byte, "A*4096 m*100" ("\\0" for a zero byte), which tells this test's contents apart. */
    private static String runs(String content) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < content.length();) {
            int j = i;
            while (j < content.length() && content.charAt(j) == content.charAt(i)) {
                j++;
            }
            char c = content.charAt(i);
            s.append(s.length() == 0 ? "" : " ").append(c == 0 ? "\\0" : String.valueOf(c)).append('*').append(j - i);
            i = j;
        }
        return s.toString();
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
