package io.parquetry.cli;

import io.parquetry.converter.AcceptedDamage;
import io.parquetry.converter.ConverterConfig;
import io.parquetry.reader.DamagedRange;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code parquetry skip-damaged}: the explicit way past a damaged range of a queue. The converter stops at damage, naming
 * the first damaged index; this command checks that the damage after the converter's checkpoint starts there, says
 * what skipping it loses, and records the acceptance in the state directory. The converter, restarted, commits what
 * precedes the damage, moves past it, and records the range in its quarantine log.
 */
@Command(name = "skip-damaged", mixinStandardHelpOptions = true,
        description = {"Accept the loss of a damaged range of the queue, so a stopped converter can move past it.",
            "The converter must be stopped; name it with the options it runs with (--config, or --queue/--source/--state-dir);",
            "--from is the index its error named."})
final class SkipDamagedCommand implements Callable<Integer> {

    @Mixin
    ConverterOptions options;

    @Option(names = "--from", required = true, description = "The first damaged index, as the converter's error names it.")
    long from;

    @Override
    public Integer call() throws Exception {
        ConverterConfig cfg = options.load();
        DamagedRange range = AcceptedDamage.accept(cfg, from);
        System.out.println("accepted: " + range);
        System.out.println("restart the converter: it commits what precedes the damage, resumes at index " + range.resumeIndex()
                + " and records the range in " + cfg.stateDir().resolve("quarantine.log"));
        return 0;
    }
}
