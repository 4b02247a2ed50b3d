package io.parquetry.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.parquetry.testing.MarketData;
import net.openhft.chronicle.bytes.BytesStore;
import org.junit.jupiter.api.Test;

/** A run's copies are whole or refused: Chronicle's read stops short at the store's limit without saying so. */
class RecordRunTest {

    @Test
    void copiesReachingPastTheStoreAreRefusedNotShort() {
        MarketData md = new MarketData();
        int length = md.schema.recordLength();
        int stride = (4 + length + 3) & ~3;
        byte[] file = new byte[3 * stride - 2]; // the third record is whole, the header after it is not: its slot ends past the store
        for (int i = 0; i < file.length; i++) {
            file[i] = (byte) (i + 1);
        }
        RecordRun run = new RecordRun(new RecordReader(md.schema), length, length);
        run.wrap(BytesStore.wrap(file), 0, 3, stride);

        byte[] two = new byte[2 * stride];
        run.copyRecords(0, 2, two, 0);
        assertThat(two).isEqualTo(java.util.Arrays.copyOf(file, 2 * stride));
        byte[] last = new byte[length];
        run.copyTo(2, last, 0, length);
        assertThat(last).isEqualTo(java.util.Arrays.copyOfRange(file, 2 * stride, 2 * stride + length));

        assertThatThrownBy(() -> run.copyRecords(1, 2, new byte[2 * stride], 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("read " + (2 * stride - 2) + " of " + 2 * stride + " bytes");
    }
}
