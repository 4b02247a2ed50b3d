package io.parquetry.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.parquetry.converter.Datasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The documented deployment with the application and the converter as two Unix users sharing a group (docs/OPERATIONS.md,
 * "Recorder and converter as different users"): two real users, created here with groupadd/useradd and removed after,
 * run the unpacked distribution through setpriv. The application records with umask 0007 into a set-group-id queue
 * directory; the converter, as the other user with the unit's umask 0027, converts it without warnings, verifies it,
 * and gives a queue from before queue identities its id. Needs root: skipped when not root, failing in CI (CI=true).
 */
@Tag("slow")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CrossUserIT {

    private static final String SUFFIX = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    private static final String GROUP = "pqx" + SUFFIX;
    private static final String APP = "pqxapp" + SUFFIX;
    private static final String CONVERTER = "pqxcnv" + SUFFIX;

    private static final List<String> CREATED = new ArrayList<>();
    private static Path base;

    @BeforeAll
    static void createUsers() throws Exception {
        String why = null;
        if (!"0".equals(run(List.of("id", "-u"), 10).out().strip())) {
            why = "needs root to create users (useradd) and run processes as them (setpriv)";
        } else {
            for (String tool : List.of("groupadd", "useradd", "userdel", "groupdel", "setpriv")) {
                if (run(List.of("sh", "-c", "command -v " + tool), 10).code() != 0) {
                    why = "needs " + tool + " on the PATH";
                }
            }
        }
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CrossUserIT must run in CI: " + why);
            }
            assumeTrue(false, why);
        }
        root(List.of("groupadd", GROUP));
        CREATED.add("group");
        for (String user : List.of(APP, CONVERTER)) {
            root(List.of("useradd", "--no-create-home", "--no-user-group", "--gid", GROUP, "--shell", "/usr/sbin/nologin", user));
            CREATED.add(user);
        }
        Path home = Dist.home();
        // Dist unpacks into a private temporary directory: let the two users reach the launcher.
        Files.setPosixFilePermissions(home.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        base = Files.createTempDirectory("parquetry-xu");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterAll
    static void removeUsers() throws Exception {
        if (base != null) {
            Dist.delete(base);
        }
        for (String user : List.of(CONVERTER, APP)) {
            if (CREATED.contains(user)) {
                root(List.of("userdel", user));
            }
        }
        if (CREATED.contains("group")) {
            root(List.of("groupdel", GROUP));
        }
    }

    private static Dist.Result run(List<String> cmd, int timeoutSeconds) throws Exception {
        return Dist.run(cmd, timeoutSeconds);
    }

    private static void root(List<String> cmd) throws Exception {
        Dist.Result r = run(cmd, 60);
        assertThat(r.code()).as("%s: %s", cmd, r.out()).isZero();
    }

    /** A directory owned by {@code user} and the shared group. */
    private static Path dir(Path p, String user, String mode) throws Exception {
        Files.createDirectories(p);
        root(List.of("chown", user + ":" + GROUP, p.toString()));
        root(List.of("chmod", mode, p.toString()));
        return p;
    }

    /** The launcher as {@code user}, with its umask and a clean environment. */
    private static Dist.Result as(String user, String umask, String... args) throws Exception {
        Path tmp = dir(base.resolve("tmp-" + user), user, "0700");
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + GROUP, "--init-groups"));
        cmd.addAll(Dist.cleanEnv("PARQUETRY_HEAP=-Xmx256m", "PARQUETRY_TMPDIR=" + tmp, "HOME=" + tmp));
        cmd.addAll(List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh", Dist.home().resolve("bin/parquetry").toString()));
        cmd.addAll(List.of(args));
        return run(cmd, 180);
    }

    private static PosixFileAttributes attributes(Path p) throws Exception {
        return Files.getFileAttributeView(p, PosixFileAttributeView.class).readAttributes();
    }

    @Test
    void applicationAndConverterAsDifferentUsersOfOneGroup() throws Exception {
        Path queues = dir(base.resolve("queues"), CONVERTER, "0750");
        Path queue = dir(queues.resolve("md"), APP, "2770");
        Path datasets = dir(base.resolve("datasets"), CONVERTER, "0750");
        String schema = Dist.home().resolve("conf/schemas/market-data.yaml").toString();

        Dist.Result rec = as(APP, "0007", "record", "--schema", schema, "--queue", queue.toString(), "--count", "5000");
        assertThat(rec.code()).as(rec.out()).isZero();
        // Everything the recorder made follows its umask (group read-write), in the directory's group, nothing for others.
        UserPrincipalLookupService names = base.getFileSystem().getUserPrincipalLookupService();
        try (Stream<Path> s = Files.list(queue)) {
            for (Path f : s.toList()) {
                PosixFileAttributes a = attributes(f);
                assertThat(a.group()).as("group of %s", f).isEqualTo(names.lookupPrincipalByGroupName(GROUP));
                assertThat(a.permissions()).as("mode of %s", f).contains(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE)
                        .doesNotContain(PosixFilePermission.OTHERS_READ);
            }
        }
        assertThat(PosixFilePermissions.toString(attributes(queue.resolve("parquetry-schema.yaml")).permissions())).isEqualTo("rw-rw----");

        Dist.Result conv = as(CONVERTER, "0027", "convert", "--queue", queue.toString(), "--output", datasets.toString(), "--source", "xu",
                "--until-idle", "--progress", "0");
        assertThat(conv.code()).as(conv.out()).isZero();
        assertThat(conv.out()).contains("converted 5,000 records").doesNotContainIgnoringCase("readonly").doesNotContain("Permission denied")
                .doesNotContain("WARN").doesNotContain("ERROR");
        assertThat(Datasets.queryLong("SELECT count(DISTINCT order_id) FROM " + Datasets.scan(datasets.resolve("market_data")))).isEqualTo(5000);
        // The dataset follows the converter's umask (0027) too: Hadoop's own default (022) would make it world-readable.
        try (Stream<Path> s = Files.walk(datasets.resolve("market_data"))) {
            for (Path f : s.toList()) {
                assertThat(PosixFilePermissions.toString(attributes(f).permissions())).as("mode of %s", f)
                        .isEqualTo(Files.isDirectory(f) ? "rwxr-x---" : "rw-r-----");
            }
        }
        // The converter's state (default: inside the queue directory) belongs to the converter's user.
        assertThat(attributes(queue.resolve("converter-xu/checkpoint")).owner()).isEqualTo(names.lookupPrincipalByName(CONVERTER));

        Dist.Result verify = as(CONVERTER, "0027", "verify", "--queue", queue.toString(), "--output", datasets.toString(), "--source", "xu");
        assertThat(verify.code()).as(verify.out()).isZero();
        assertThat(verify.out()).contains("exactly once");
    }

    @Test
    void converterUserGivesAQueueFromBeforeIdentitiesItsId() throws Exception {
        Path queue = dir(base.resolve("legacy"), APP, "2770");
        Path datasets = dir(base.resolve("legacy-datasets"), CONVERTER, "0750");
        String schema = Dist.home().resolve("conf/schemas/market-data.yaml").toString();
        assertThat(as(APP, "0007", "record", "--schema", schema, "--queue", queue.toString(), "--count", "100").code()).isZero();
        // As a queue created before queue identities: no id line (rewritten in place: owner and mode stay the app's).
        Path file = queue.resolve("parquetry-schema.yaml");
        Files.writeString(file, Files.readString(file).replaceAll("(?m)^# queue-id: .*\n", ""));

        Dist.Result conv = as(CONVERTER, "0027", "convert", "--queue", queue.toString(), "--output", datasets.toString(), "--source", "xu",
                "--until-idle", "--progress", "0");
        assertThat(conv.code()).as(conv.out()).isZero();
        assertThat(Files.readString(file)).contains("# queue-id: ").contains("# queue-id-assigned: ");
        // The rewritten file is the converter's now, in the shared group and readable by it: the application opens it again.
        PosixFileAttributes a = attributes(file);
        assertThat(a.owner()).isEqualTo(base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(CONVERTER));
        assertThat(a.permissions()).contains(PosixFilePermission.GROUP_READ);
        Dist.Result again = as(APP, "0007", "record", "--schema", schema, "--queue", queue.toString(), "--count", "100");
        assertThat(again.code()).as(again.out()).isZero();
    }
}
