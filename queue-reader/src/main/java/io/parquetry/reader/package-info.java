/**
 * The queue reader: reads a recorder's queue read-only through a {@link io.parquetry.reader.QueueReader} and a
 * {@link io.parquetry.reader.RecordReader} flyweight, and checks what Chronicle hands it against the cycle files
 * themselves ({@code ReadVerifier}): damage stops it with a {@link io.parquetry.reader.QueueDamagedException}, and only
 * {@link io.parquetry.reader.QueueReader#skipDamagedRange(long)} moves past it. Forcing what was read to disk before a
 * commit ({@link io.parquetry.reader.QueueReader#force(long)}) is the reader's too: it knows which bytes it read.
 */
package io.parquetry.reader;
