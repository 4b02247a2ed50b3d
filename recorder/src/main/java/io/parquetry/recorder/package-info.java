/**
 * The recorder: hot threads append schema-described fixed-layout records to a Chronicle Queue through a
 * {@link io.parquetry.recorder.RecordWriter} (no allocation, no lock of ours, no syscall per record).
 * The queue's files are allocated on disk ahead of the writers ({@code Reserver}), so a full disk refuses appends and
 * never faults a thread of the recorder; a disk guard refuses them before the disk is full ({@code Housekeeper}); the
 * first recorder to open a queue repairs what a power cut left at its end ({@code QueueRepair}). What the queue's
 * files hold is the queue format's ({@code io.parquetry.queue}); reading them back is the queue reader's
 * ({@code io.parquetry.reader}), which an application that records never loads.
 */
package io.parquetry.recorder;
