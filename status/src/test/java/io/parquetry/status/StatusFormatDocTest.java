package io.parquetry.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/FORMAT.md §9 against the status file's layout: a page that drifts from the code is a bug. */
class StatusFormatDocTest {

    @Test
    void drawsTheStatusFileAsTheDescriptorLaysItOut() throws Exception {
        String doc = Files.readString(Path.of(System.getProperty("parquetry.root", "..")).resolve("docs/FORMAT.md"));
        String s = doc.substring(doc.indexOf("## 9. Status files"), doc.indexOf("## 10."));
        assertThat(s).contains(String.format("%,d bytes", StatusFileDescriptor.FILE_LENGTH), "little-endian")
                .contains("magic 0x" + Integer.toHexString(StatusFileDescriptor.MAGIC))
                .contains("major " + StatusFileDescriptor.MAJOR_VERSION + ", minor " + StatusFileDescriptor.MINOR_VERSION)
                .contains("kind " + StatusFileDescriptor.KIND_RECORDER + " recorder, " + StatusFileDescriptor.KIND_CONVERTER + " converter")
                .contains(StatusFileDescriptor.PID_OFFSET + " pid", StatusFileDescriptor.START_TIME_OFFSET + " start time",
                        StatusFileDescriptor.HEARTBEAT_OFFSET + " heartbeat", StatusFileDescriptor.SEQUENCE_OFFSET + " sequence")
                .contains(StatusFileDescriptor.COMMAND_OFFSET + " command words: " + StatusFileDescriptor.COMMAND_COUNT + " longs")
                .contains(StatusFileDescriptor.VALUE_OFFSET + " value slots: " + StatusFileDescriptor.VALUE_COUNT + " longs")
                .contains(StatusFileDescriptor.TEXT_OFFSET + " text slots: " + StatusFileDescriptor.TEXT_COUNT + " x "
                        + StatusFileDescriptor.TEXT_SLOT_LENGTH + " bytes, each [int length][UTF-8 bytes, at most "
                        + (StatusFileDescriptor.TEXT_SLOT_LENGTH - 4) + "]");
    }
}
