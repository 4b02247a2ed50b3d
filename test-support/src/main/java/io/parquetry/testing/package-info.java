/**
 * What the suites of several modules share (test scope only): synthetic market data and every-type records, damaged
 * and scanned queues, child-JVM launchers and producers, a small real file system, open-file counts and the deadline
 * wait.
 */
package io.parquetry.testing;
