package io.parquetry.cli;

import io.parquetry.converter.Checkpoint;
import io.parquetry.converter.ConverterConfig;
import io.parquetry.converter.output.Output;
import io.parquetry.converter.verify.DatasetVerifier;
import io.parquetry.converter.verify.VerifyReport;
import io.parquetry.reader.QueueReader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code parquetry verify}: checks a converter's dataset against its queue from the footers and the checkpoint. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check, from the Parquet footers alone (no data page is read) and the converter's checkpoint, that the queue's",
            "converted range is in committed files exactly once (no gap, no overlap, counts that match the queue), and list",
            "rows and bytes per partition, in-progress files, other sources' and queues' files, and stray files.",
            "Exit 0 when it holds, 5 naming the first problem when not. Works on local and Hadoop (hdfs:, s3a:) outputs."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the dataset holds the converted range exactly once", "1:verify could not run (unreadable queue, output, config)",
            "2:usage error", "5:a problem was found (the first is named on stderr)"})
final class VerifyCommand implements Callable<Integer> {

    @Mixin
    ConverterOptions converter; // the converter whose dataset and checkpoint are verified (--compression and --table play no part)

    @Option(names = "--strict", description = "Files of other sources or queues, and in-progress files, are problems too.")
    boolean strict;

    @Override
    public Integer call() throws Exception {
        ConverterConfig cfg = converter.load();
        VerifyReport report;
        try (QueueReader q = QueueReader.open(cfg.queue())) {
            Output out = Output.open(cfg.output(), cfg.datasetOr(q.schema().name()), cfg.hadoop(), false);
            report = DatasetVerifier.verify(out.fs(), out.conf(), out.datasetDir(), cfg.source(), q, Checkpoint.readIn(cfg.stateDir()), strict,
                    io.parquetry.converter.AcceptedDamage.ranges(cfg.stateDir()));
        }
        report.render().forEach(System.out::println);
        if (!report.ok()) {
            System.err.println("parquetry verify: " + report.firstProblem());
            return ExitCodes.PROBLEM;
        }
        return 0;
    }
}
