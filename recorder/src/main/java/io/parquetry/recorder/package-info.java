/**
 * The recorder: hot threads append schema-described fixed-layout records to a Chronicle Queue through a
 * {@link io.parquetry.recorder.RecordWriter} (no allocation, no lock of ours, no syscall per record), and read them
 * back with a {@link io.parquetry.recorder.QueueReader} and {@link io.parquetry.recorder.RecordReader} flyweight.
 */
package io.parquetry.recorder;
