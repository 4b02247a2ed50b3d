package io.parquetry.converter;

import io.parquetry.platform.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dataset a state directory's checkpoint counts for, kept in {@code <stateDir>/dataset}. A checkpoint says which
 * records are committed <em>in one dataset</em>; the default state directory ({@code <queue>/converter-<source>}) does
 * not depend on the output, so a converter pointed at another output with the same queue and source would otherwise
 * find everything "already committed" and write nothing, with exit 0. Such a converter is refused instead, naming both
 * datasets. A state directory that has committed nothing yet follows its converter to a new dataset.
 */
final class DatasetBinding {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetBinding.class);
    static final String FILE = "dataset";

    private DatasetBinding() {
    }

    /**
     * Binds {@code stateDir} to {@code dataset} when it is bound to nothing, or checks it is bound to it.
     *
     * @throws IllegalStateException naming both datasets and the binding file when the state directory has committed
     *     records of another dataset
     */
    static void check(Path stateDir, String dataset) throws IOException {
        Path file = stateDir.resolve(FILE);
        byte[] content = (dataset + "\n").getBytes(StandardCharsets.UTF_8);
        if (DurableFiles.createIfAbsent(file, content)) {
            return;
        }
        String bound = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (bound.equals(dataset)) {
            return;
        }
        Checkpoint.Saved saved = Checkpoint.readIn(stateDir);
        if (saved == null || saved.lastCommitted() == Checkpoint.NONE) {
            LOG.info("state directory {} committed nothing to dataset {}: it now counts for dataset {}", stateDir, bound, dataset);
            DurableFiles.replace(file, content);
            return;
        }
        throw new IllegalStateException("state directory " + stateDir + " holds the checkpoint of another dataset: its dataset=" + bound
                + ", this converter's dataset=" + dataset + ". Give this converter its own state directory (--state-dir or stateDir; or another"
                + " --source), or, if that dataset was moved here on purpose, delete " + file);
    }
}
