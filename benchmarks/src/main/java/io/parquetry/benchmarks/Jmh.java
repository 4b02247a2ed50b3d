package io.parquetry.benchmarks;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/** JMH's own command line, with the forked JVMs given Parquetry's flags from conf/jvm.properties and a bounded heap. */
public final class Jmh {

    private Jmh() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        List<String> jvm = new ArrayList<>(jvmFlags());
        jvm.add("-Xmx1g");
        jvm.add("-Dparquetry.root=" + root());
        new Runner(new OptionsBuilder().parent(cli).jvmArgsAppend(jvm.toArray(new String[0])).build()).run();
    }

    static Path root() {
        return Path.of(System.getProperty("parquetry.root", "."));
    }

    static List<String> jvmFlags() {
        Path file = root().resolve("conf/jvm.properties");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JVM flags: file=" + file, e);
        }
        List<String> flags = new ArrayList<>(Arrays.asList(p.getProperty("parquetry.jvm.flags").trim().split("\\s+")));
        if (Runtime.version().feature() >= 22) {
            flags.addAll(Arrays.asList(p.getProperty("parquetry.jvm.flags.java22").trim().split("\\s+")));
        }
        return flags;
    }
}
