/**
 * A minimal application embedding the recorder: what README's "Embedding the recorder" describes, compiled by the
 * build and run by its test with the JVM flags of {@code conf/jvm.properties}.
 */
package io.parquetry.examples;
