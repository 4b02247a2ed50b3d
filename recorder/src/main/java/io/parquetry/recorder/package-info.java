/**
 * The recorder: hot threads append schema-described fixed-layout records to a Chronicle Queue through a
 * {@link io.parquetry.recorder.RecordWriter} (no allocation, no lock of ours, no syscall per record), and read them
 * back with a {@link io.parquetry.recorder.QueueReader} and {@link io.parquetry.recorder.RecordReader} flyweight.
 * The reader opens the queue read-only and checks what Chronicle hands it against the cycle files themselves
 * ({@code ReadVerifier}, {@code CycleFile}): damage stops it with a {@link io.parquetry.recorder.QueueDamagedException},
 * and only {@link io.parquetry.recorder.QueueReader#skipDamagedRange(long)} moves past it.
 * The queue's files are allocated on disk ahead of the writers ({@code Reserver}), so a full disk refuses appends and
 * never faults a thread of the recorder.
 */
package io.parquetry.recorder;
