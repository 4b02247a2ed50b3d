/**
 * The {@code bin/parquetry} command line: one picocli subcommand per task (record synthetic data, convert, control a
 * running converter, run the demo). Commands print one readable summary on stdout and exit non-zero on failure.
 */
package io.parquetry.cli;
