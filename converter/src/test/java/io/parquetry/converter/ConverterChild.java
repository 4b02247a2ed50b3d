package io.parquetry.converter;

import java.nio.file.Path;

/** A converter process for crash tests: runs as a service from a config file until signalled. */
public final class ConverterChild {

    private ConverterChild() {
    }

    public static void main(String[] args) {
        ConverterConfig cfg = ConverterConfig.load(Path.of(args[0]), ConverterConfig.Overrides.none());
        boolean untilIdle = args.length > 1 && args[1].equals("--until-idle");
        System.out.println("STARTING");
        System.out.flush();
        ConverterService.run(cfg, untilIdle);
        System.out.println("STOPPED");
        System.out.flush();
        System.exit(0);
    }
}
