/**
 * Status files: small fixed-layout memory-mapped files in which a recorder or converter publishes its live state
 * and through which other processes (the console, {@code bin/parquetry status|flush|rotate}) send it commands.
 * Readers never block the writer; a stale heartbeat means the process is down.
 */
package io.parquetry.status;
