package io.parquetry.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The console needs the status protocol alone: no Chronicle (and so none of its JVM flags), no Hadoop, no Parquet, on
 * its class path or on its tests' (which watch a real recorder and converter running as processes of their own).
 */
class ConsoleClassPathTest {

    @Test
    void neitherChronicleNorHadoopNorParquetIsOnTheClassPath() {
        for (String type : List.of("net.openhft.chronicle.queue.ChronicleQueue", "net.openhft.chronicle.bytes.Bytes",
                "org.apache.hadoop.fs.FileSystem", "org.apache.parquet.hadoop.ParquetFileWriter", "io.parquetry.recorder.Recorder",
                "io.parquetry.queue.CycleFile", "io.parquetry.reader.QueueReader", "io.parquetry.converter.Converter")) {
            assertThat(loadable(type)).as("class %s is on the console's class path", type).isFalse();
        }
        assertThat(loadable("io.parquetry.status.StatusFile")).isTrue();
        List<String> jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(p -> new File(p).getName())
                .toList();
        assertThat(jars).noneMatch(j -> j.startsWith("chronicle-") || j.startsWith("hadoop-") || j.startsWith("parquet-")
                || j.startsWith("parquetry-recorder") || j.startsWith("parquetry-queue-") || j.startsWith("parquetry-converter"));
    }

    private static boolean loadable(String type) {
        try {
            Class.forName(type, false, ConsoleClassPathTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
