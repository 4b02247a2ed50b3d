/**
 * Small platform helpers every Parquetry process shares: the JVM flags Chronicle needs (read from their single source,
 * {@code conf/jvm.properties}), durable replacement of small files, the host name and the build's version.
 */
package io.parquetry.platform;
