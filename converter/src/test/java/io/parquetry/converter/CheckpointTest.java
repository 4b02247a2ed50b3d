package io.parquetry.converter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;

    @Test
    void writesAndReadsTheIndexWithItsQueue() {
        Checkpoint cp = new Checkpoint(dir);
        assertThat(cp.read()).as("no checkpoint yet").isNull();
        cp.write(8567325884153856L, "00ff00ff00ff00ff", 0xFEDCBA98L);
        assertThat(cp.read()).isEqualTo(new Checkpoint.Saved(8567325884153856L, "00ff00ff00ff00ff", 0xFEDCBA98L));
        assertThat(dir.resolve("checkpoint")).hasSize(Checkpoint.LENGTH);
        cp.write(8567325884153857L, "00ff00ff00ff00ff", -1);
        assertThat(cp.read()).as("a record whose checksum is unknown (adopted from an earlier version)")
                .isEqualTo(new Checkpoint.Saved(8567325884153857L, "00ff00ff00ff00ff", -1));
        cp.write(-1, "ffffffffffffffff", -1);
        assertThat(cp.read()).isEqualTo(new Checkpoint.Saved(-1, "ffffffffffffffff", -1));
        assertThat(dir).isDirectoryNotContaining("glob:**.tmp*");
    }

    @Test
    void readsTheFormatFromBeforeQueueIdentities() throws Exception {
        ByteBuffer bb = ByteBuffer.allocate(Checkpoint.V1_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt(0, Checkpoint.MAGIC).putInt(4, 1).putLong(8, 42).putLong(16, 1L);
        CRC32 crc = new CRC32();
        crc.update(bb.array(), 0, 24);
        bb.putInt(24, (int) crc.getValue());
        Files.write(dir.resolve("checkpoint"), bb.array());
        assertThat(new Checkpoint(dir).read()).isEqualTo(new Checkpoint.Saved(42, null, -1));
    }

    @Test
    void refusesDamagedForeignOrNewerFilesNamingThem() throws Exception {
        Checkpoint cp = new Checkpoint(dir);
        Path f = dir.resolve("checkpoint");
        cp.write(7, "0123456789abcdef", 5);
        byte[] b = Files.readAllBytes(f);
        b[9] ^= 1;
        Files.write(f, b);
        assertThatThrownBy(cp::read).hasMessageContaining("checksum").hasMessageContaining(f.toString());
        b[9] ^= 1;
        b[4] = 4;
        Files.write(f, b);
        assertThatThrownBy(cp::read).hasMessageContaining("version=4").hasMessageContaining("supported=1..3");
        Files.write(f, "hello, I am not a checkpoint".getBytes());
        assertThatThrownBy(cp::read).hasMessageContaining("not a checkpoint file").hasMessageContaining(f.toString());
        cp.write(7, "0123456789abcdef", 5);
        Files.write(f, java.util.Arrays.copyOf(Files.readAllBytes(f), 30));
        assertThatThrownBy(cp::read).hasMessageContaining("wrong length").hasMessageContaining("length=30");
    }
}
