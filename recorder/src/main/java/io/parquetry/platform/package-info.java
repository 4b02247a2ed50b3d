/**
 * Platform facts every launcher of a Parquetry JVM shares: the JVM flags Chronicle needs, read from their single source,
 * {@code conf/jvm.properties}.
 */
package io.parquetry.platform;
