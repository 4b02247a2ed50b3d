/**
 * The status protocol, JDK only: the status file a recorder or converter publishes its live state in and takes
 * commands through ({@link io.parquetry.status.StatusFile}, its layouts and slots), the one liveness rule, consistent
 * snapshots, the converter control client and the commit log. The console depends on this package alone.
 */
package io.parquetry.status;
