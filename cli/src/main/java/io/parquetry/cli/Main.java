package io.parquetry.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** Entry point of {@code bin/parquetry}. */
@Command(name = "parquetry", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Durable capture of fixed-layout records into Chronicle Queue, converted exactly once to Parquet.",
            "The ops console is started with: bin/parquetry console [--config conf/console.yaml]"},
        subcommands = {DemoCommand.class, RecordCommand.class, ConvertCommand.class, ControlCommands.Status.class,
            ControlCommands.Flush.class, ControlCommands.Rotate.class, ControlCommands.Pause.class, ControlCommands.Resume.class,
            SkipDamagedCommand.class, VerifyCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure (one line on stderr names it)", "2:usage error (unknown option, bad value)",
            "3:status, flush, rotate, pause, resume: the converter is not running or did not answer",
            "4:record: the recorder refused appends (disk guard, or a value too long)", "5:verify: the dataset has a problem (the first is named)"})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("parquetry " + cmd.getCommandName() + ": " + describe(e));
            // The stack trace goes to the log at DEBUG (PARQUETRY_OPTS=-Dparquetry.log.level=DEBUG), or with
            // -Dparquetry.debug=true to stderr after the line.
            org.slf4j.LoggerFactory.getLogger(Main.class).debug("parquetry {} failed", cmd.getCommandName(), e);
            if (Boolean.getBoolean("parquetry.debug")) {
                e.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl.execute(args);
    }

    /**
     * One line for a failure: its message, then each cause whose message the text does not already quote (an I/O
     * failure's "Permission denied" or "No space left on device" is the part an operator needs).
     */
    static String describe(Throwable e) {
        String m = e.getMessage();
        StringBuilder sb = new StringBuilder(m == null ? e.toString() : m);
        int depth = 0;
        for (Throwable c = e.getCause(); c != null && c != e && depth < 5; c = c.getCause(), depth++) {
            String cm = c.getMessage();
            if (cm != null && !sb.toString().contains(cm)) {
                sb.append(": ").append(c.getClass().getSimpleName()).append(": ").append(cm);
            }
        }
        return sb.toString().replace('\n', ' ');
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"parquetry " + io.parquetry.platform.Version.current()};
        }
    }
}
