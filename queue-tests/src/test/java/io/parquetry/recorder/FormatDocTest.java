package io.parquetry.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.queue.CycleFileDescriptor;
import io.parquetry.queue.CycleFiles;
import io.parquetry.queue.ExcerptFormat;
import io.parquetry.queue.QueueDirectory;
import io.parquetry.queue.SyncMark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.Test;

/** docs/FORMAT.md against the constants of the queue's files: a page that drifts from the code is a bug. */
class FormatDocTest {

    private static String format() throws Exception {
        return Files.readString(Path.of(System.getProperty("parquetry.root", "..")).resolve("docs/FORMAT.md"));
    }

    @Test
    void namesEveryFileOfAQueueDirectoryTheRecorderWrites() throws Exception {
        String doc = format();
        assertThat(doc).contains("`" + QueueDirectory.SCHEMA_FILE + "`", "`" + SyncMark.FILE_NAME + "`", "`" + QueueLock.FILE_NAME + "`",
                "`" + QueueRepair.REPAIR_DIR + "/`", "`" + SingleChronicleQueue.QUEUE_METADATA_FILE + "`", "`*" + CycleFiles.SUFFIX + "`");
    }

    @Test
    void drawsTheSyncMarkAndTheExcerptAsTheCodeWritesThem() throws Exception {
        String doc = format();
        assertThat(doc).contains("magic 0x" + Integer.toHexString(SyncMark.MAGIC) + ", version " + SyncMark.VERSION)
                .contains("offset 0 and " + SyncMark.SLOT_SPACING + ", " + SyncMark.SLOT_LENGTH + " bytes each")
                .contains("layout version " + ExcerptFormat.CHECKSUMMED + ":  | excerpt header (4) | record (N) | CRC-32C of the N record bytes ("
                        + ExcerptFormat.CHECKSUM_LENGTH + ")")
                .contains("layout version " + ExcerptFormat.VARIABLE + ":  | excerpt header (4) | record (L, variable) | CRC-32C of the L record bytes ("
                        + ExcerptFormat.CHECKSUM_LENGTH + ")")
                .contains("end-of-cycle marker (`0x" + Integer.toHexString(CycleFileDescriptor.END_OF_DATA).toUpperCase(java.util.Locale.ROOT)
                        + "`)");
        assertThat(doc).contains("`string(N)`, `binary(N)`, 1 ≤ N ≤ " + String.format(java.util.Locale.ROOT, "%,d",
                io.parquetry.schema.FieldType.MAX_VARIABLE_LENGTH) + " | " + io.parquetry.schema.FieldType.END_SLOT_LENGTH + " (end slot)")
                .contains("**" + io.parquetry.schema.FieldType.END_SLOT_LENGTH + " bytes of overhead per variable field**")
                .contains("says `layout " + io.parquetry.schema.Schema.VARIABLE_LAYOUT_VERSION + "`");
        CRC32C crc = new CRC32C();
        crc.update("123456789".getBytes(StandardCharsets.US_ASCII));
        assertThat(doc).contains("`crc32c(\"123456789\") = 0x" + Long.toHexString(crc.getValue()).toUpperCase(java.util.Locale.ROOT) + "`");
    }
}
