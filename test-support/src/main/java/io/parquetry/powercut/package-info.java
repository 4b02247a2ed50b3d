/**
 * A power-cut model for crash tests: an LD_PRELOAD shim ({@code powercut/powercut.c}) records what each fsync,
 * fdatasync, msync, syncfs and sync of the processes under test made durable, and {@link io.parquetry.powercut.PowerCut}
 * turns a directory tree into one state a power cut could have left: every page written since the file's last sync
 * old or new, every directory change since the directory's last sync kept or undone. A process kill keeps all of
 * them; a power cut need not, and the product must recover from both.
 */
package io.parquetry.powercut;
