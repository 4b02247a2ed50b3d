package io.parquetry.converter;

import static org.assertj.core.api.Assertions.assertThat;

import io.parquetry.converter.output.DatasetPaths;
import io.parquetry.converter.output.FooterKeys;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/FORMAT.md against the converter's constants: footer keys, file names, the checkpoint. */
class FormatDocTest {

    private static String format() throws Exception {
        return Files.readString(Path.of(System.getProperty("parquetry.root", "..")).resolve("docs/FORMAT.md"));
    }

    @Test
    void namesEveryFooterKey() throws Exception {
        String doc = format();
        for (Field f : FooterKeys.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                String key = (String) f.get(null);
                String last = key.substring(key.lastIndexOf('.') + 1);
                assertThat(doc).as("footer key %s", key).containsAnyOf("`" + key + "`", "`." + last + "`");
            }
        }
    }

    @Test
    void drawsTheCheckpointAndNamesTheFilesAsTheCodeDoes() throws Exception {
        String doc = format();
        assertThat(doc).contains("magic 0x" + Integer.toHexString(Checkpoint.MAGIC)).contains(" version " + Checkpoint.VERSION + " ")
                .contains("crc32 at " + (Checkpoint.V2_LENGTH - 4) + ", " + Checkpoint.V2_LENGTH).contains(Checkpoint.V1_LENGTH + " bytes")
                .contains(DatasetPaths.IN_PROGRESS_SUFFIX + "`").contains("| `checkpoint` |");
    }
}
