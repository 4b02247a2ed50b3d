package io.parquetry.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        return io.parquetry.testing.JvmFlags.read(root());
    }
}
