package io.parquetry.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.queue.RollCycle;

/**
 * Whether Chronicle's metadata file of a queue ({@code metadata.cq4t}: its roll cycle, its listing of cycle files, its
 * locks) can be used. Chronicle writes it through a mapping and never syncs it; a recorder of this version syncs it,
 * but one of an earlier version did not, so after a power cut it may hold only zeros; and a tool that opens a queue with
 * Chronicle's defaults writes its own roll cycle into it, which Chronicle then prefers to the queue's (its file names no
 * longer parse). A recorder moves such a file aside and Chronicle writes a new one (the recorder's {@code QueueRepair}); a reader, which
 * never writes, refuses the queue with one line instead of Chronicle's stack traces and ten-second waits.
 */
public final class QueueMetadata {

    /** Bytes of Chronicle's binary wire before a short field name: the code is this plus its length. */
    private static final int FIELD_NAME0 = CycleFileDescriptor.WIRE_FIELD_NAME0;
    /** Code of a string of up to 31 bytes: this plus its length. */
    private static final int STRING0 = 0xE0;
    /** The metadata file is small (Chronicle's 128 KiB); its roll cycle is near its start. */
    private static final int READ_AT_MOST = 64 << 10;

    private QueueMetadata() {
    }

    /**
     * What is wrong with the metadata file {@code meta} for a queue of roll cycle {@code rollCycle}, in words for a
     * message ("is empty", ...), or null when nothing is (a missing file included: Chronicle creates it).
     */
    public static String problem(Path meta, RollCycle rollCycle) throws IOException {
        if (!Files.exists(meta)) {
            return null;
        }
        byte[] b;
        try (InputStream in = Files.newInputStream(meta)) {
            b = in.readNBytes(READ_AT_MOST);
        }
        if (b.length == 0) {
            return "is empty";
        }
        boolean zeros = true;
        for (byte x : b) {
            if (x != 0) {
                zeros = false;
                break;
            }
        }
        if (zeros) {
            return "holds only zeros (written by a recorder that did not sync it, then a power cut)";
        }
        if (indexOf(b, formatField(rollCycle.format())) < 0) {
            return "does not hold the queue's roll cycle " + rollCycle + " (format " + rollCycle.format()
                    + "): a tool opened the queue with another roll cycle, or it is damaged";
        }
        return null;
    }

    /** The roll cycle's format as Chronicle's wire writes it: the field name {@code format}, then the string. */
    private static byte[] formatField(String format) {
        byte[] name = "format".getBytes(StandardCharsets.US_ASCII);
        byte[] value = format.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[2 + name.length + value.length];
        out[0] = (byte) (FIELD_NAME0 + name.length);
        System.arraycopy(name, 0, out, 1, name.length);
        out[1 + name.length] = (byte) (STRING0 + value.length);
        System.arraycopy(value, 0, out, 2 + name.length, value.length);
        return out;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
