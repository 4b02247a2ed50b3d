package io.parquetry.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator unpacks: layout, one version of every jar, and a launcher that needs only a JDK. */
class DistributionIT {

    private static final Pattern JAR = Pattern.compile("(.+?)-(\\d[^-]*(?:-[A-Za-z0-9.]+)*?)(-[a-z][a-z0-9-]*)?\\.jar");

    @Test
    void tarballHoldsBinLibConfSystemdAndDocs() throws Exception {
        Path home = Dist.home();
        assertThat(home.resolve("bin/parquetry")).isExecutable();
        assertThat(home.resolve("lib/console/parquetry-ops-console.jar")).isRegularFile();
        for (String f : List.of("conf/jvm.properties", "conf/converter.yaml", "conf/console.yaml", "conf/schemas/market-data.yaml",
                "systemd/parquetry-converter@.service", "systemd/parquetry-console.service", "systemd/parquetry.sysusers.conf",
                "systemd/parquetry.tmpfiles.conf", "docs/OPERATIONS.md", "docs/BENCHMARKS.md", "docs/TABLES.md", "README.md")) {
            assertThat(home.resolve(f)).as(f).isRegularFile();
        }
    }

    @Test
    void libHoldsOneVersionOfEachJar() throws Exception {
        Map<String, String> versions = new HashMap<>();
        try (Stream<Path> s = Files.list(Dist.home().resolve("lib"))) {
            for (Path jar : s.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Matcher m = JAR.matcher(jar.getFileName().toString());
                assertThat(m.matches()).as("jar name %s", jar.getFileName()).isTrue();
                String previous = versions.putIfAbsent(m.group(1), m.group(2));
                assertThat(previous == null || previous.equals(m.group(2))).as("two versions of %s: %s and %s", m.group(1), previous,
                        m.group(2)).isTrue();
            }
        }
        assertThat(versions).containsKeys("parquetry-cli", "parquetry-recorder", "parquetry-converter", "chronicle-queue", "parquet-hadoop",
                "hadoop-common", "logback-classic", "parquetry-iceberg", "iceberg-core", "sqlite-jdbc", "postgresql")
                .doesNotContainKeys("reload4j", "slf4j-reload4j", "log4j", "jetty-server", "jersey-core");
    }

    @Test
    void icebergTableSupportIsOnTheLaunchersClassPath() throws Exception {
        Path lib = Dist.home().resolve("lib");
        Path jar;
        try (Stream<Path> s = Files.list(lib)) {
            jar = s.filter(p -> p.getFileName().toString().startsWith("parquetry-iceberg-")).findFirst().orElseThrow();
        }
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
            var entry = j.getJarEntry("META-INF/services/io.parquetry.converter.table.TableSinkProvider");
            assertThat(entry).as("ServiceLoader registration in %s", jar).isNotNull();
            assertThat(new String(j.getInputStream(entry).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim())
                    .isEqualTo("io.parquetry.iceberg.IcebergSinkProvider");
        }
    }

    @Test
    void launcherWorksWithOnlyAJdk() throws Exception {
        Path launcher = Dist.home().resolve("bin/parquetry");
        Dist.Result help = Dist.run(Dist.cleanEnv(launcher.toString(), "--help"), 60);
        assertThat(help.code()).as(help.out()).isZero();
        assertThat(help.out()).contains("record").contains("convert").contains("flush");
        Dist.Result viaJavaHome = Dist.run(List.of("env", "-i", "PATH=/usr/bin:/bin", "JAVA_HOME=" + Dist.javaHome(), launcher.toString(),
                "--version"), 60);
        assertThat(viaJavaHome.code()).as(viaJavaHome.out()).isZero();
        assertThat(viaJavaHome.out()).contains("parquetry");
        Dist.Result console = Dist.run(Dist.cleanEnv(launcher.toString(), "console", "--help"), 30);
        assertThat(console.code()).as(console.out()).isZero();
    }

    @Test
    void oneVersionEverywhere() throws Exception {
        String version = System.getProperty("parquetry.version");
        Path home = Dist.home();
        assertThat(home.getFileName().toString()).isEqualTo("parquetry-" + version);
        Dist.Result v = Dist.run(Dist.cleanEnv(home.resolve("bin/parquetry").toString(), "--version"), 60);
        assertThat(v.code()).as(v.out()).isZero();
        assertThat(v.out().strip()).isEqualTo("parquetry " + version);
        List<Path> ours;
        try (Stream<Path> s = Files.walk(home.resolve("lib"))) {
            ours = s.filter(p -> p.getFileName().toString().startsWith("parquetry-") && p.toString().endsWith(".jar")).toList();
        }
        assertThat(ours).extracting(p -> p.getFileName().toString()).contains("parquetry-platform-" + version + ".jar",
                "parquetry-cli-" + version + ".jar", "parquetry-ops-console.jar");
        for (Path jar : ours) {
            try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
                assertThat(j.getManifest().getMainAttributes().getValue("Implementation-Version")).as("%s", jar.getFileName()).isEqualTo(version);
            }
        }
    }

    @Test
    void launcherRefusesATooOldJavaNamingIt(@TempDir Path dir) throws Exception {
        Path fakeBin = Files.createDirectories(dir.resolve("jdk11/bin"));
        Path java = fakeBin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho '    java.specification.version = 11' >&2\n");
        java.toFile().setExecutable(true);
        Dist.Result r = Dist.run(List.of("env", "-i", "PATH=/usr/bin:/bin", "JAVA_HOME=" + dir.resolve("jdk11"),
                Dist.home().resolve("bin/parquetry").toString(), "--help"), 30);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("Java 17 or later is needed").contains(java.toString()).contains("11");
    }

    @Test
    @org.junit.jupiter.api.Tag("slow")
    void demoRunsFromTheUnpackedDistribution(@TempDir Path dir) throws Exception {
        Dist.Result r = Dist.run(Dist.cleanEnv("PARQUETRY_HEAP=-Xmx512m", Dist.home().resolve("bin/parquetry").toString(), "demo",
                "--work", dir.toString(), "--count", "100000"), 120);
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("recorded 100,000 records").contains("converted 100,000 records");
        // snappy and zstd unpacked their native code into the launcher's own tmpdir, not into a shared place by accident.
        assertThat(r.out()).doesNotContain("UnsatisfiedLinkError");
        // Every footer names the build's version (it said "development build" before the version was stamped in).
        List<Path> files = io.parquetry.converter.Datasets.files(dir.resolve("out"), ".parquet");
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            assertThat(io.parquetry.converter.Datasets.footer(f)).containsEntry("parquetry.converter.version",
                    System.getProperty("parquetry.version"));
        }
    }

    /**
     * {@code parquetry cds-archive FILE} makes a class-data archive; with {@code PARQUETRY_CDS=FILE} a command loads the
     * converter's classes from it; a missing archive is named on stderr and the command runs without it.
     */
    @Test
    @org.junit.jupiter.api.Tag("slow")
    void aClassDataArchiveMadeByTheLauncherIsWhereItsCommandsLoadTheirClassesFrom(@TempDir Path dir) throws Exception {
        String launcher = Dist.home().resolve("bin/parquetry").toString();
        Path archive = dir.resolve("parquetry.jsa");
        Dist.Result made = Dist.run(Dist.cleanEnv("PARQUETRY_HEAP=-Xmx512m", launcher, "cds-archive", archive.toString()), 180);
        assertThat(made.code()).as(made.out()).isZero();
        assertThat(made.out()).contains("class-data archive written: " + archive);
        assertThat(Files.size(archive)).isGreaterThan(1 << 20);

        Path loaded = dir.resolve("loaded.log");
        Dist.Result withIt = Dist.run(Dist.cleanEnv("PARQUETRY_HEAP=-Xmx512m", "PARQUETRY_CDS=" + archive, "PARQUETRY_OPTS=-Xlog:class+load=info:file="
                + loaded, launcher, "demo", "--work", dir.resolve("with").toString(), "--count", "20000"), 120);
        assertThat(withIt.code()).as(withIt.out()).isZero();
        assertThat(withIt.out()).contains("converted 20,000 records").doesNotContain("warning");
        assertThat(Files.readString(loaded)).containsPattern("io\\.parquetry\\.converter\\.ConverterAgent source: shared objects file \\(top\\)")
                .containsPattern("org\\.apache\\.parquet\\.hadoop\\.ParquetFileWriter source: shared objects file \\(top\\)");

        Path missing = dir.resolve("missing.jsa");
        Dist.Result without = Dist.run(Dist.cleanEnv("PARQUETRY_HEAP=-Xmx512m", "PARQUETRY_CDS=" + missing, "PARQUETRY_OPTS=-Xlog:class+load=info:file="
                + loaded, launcher, "demo", "--work", dir.resolve("without").toString(), "--count", "20000"), 120);
        assertThat(without.code()).as(without.out()).isZero();
        assertThat(without.out()).contains("PARQUETRY_CDS=" + missing + ": no such file, starting without it").contains("converted 20,000 records");
        assertThat(Files.readString(loaded)).doesNotContain("shared objects file (top)")
                .containsPattern("io\\.parquetry\\.converter\\.ConverterAgent source: (file|jar):");

        Dist.Result usage = Dist.run(Dist.cleanEnv(launcher, "cds-archive"), 30);
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.out()).contains("usage: parquetry cds-archive FILE");
    }
}
