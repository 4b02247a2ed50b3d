package io.parquetry.converter.table;

import io.parquetry.schema.Schema;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.schema.MessageType;

/**
 * What a {@link TableSinkProvider} needs to open a sink.
 *
 * @param settings the flattened {@code table:} section of the converter's configuration ({@code catalog},
 *     {@code catalog.uri}, ...), with command-line overrides applied; keys without the {@code table.} prefix
 * @param schema the queue's schema (names, descriptions)
 * @param fileSchema the Parquet schema the converter writes, with field ids: the table's columns are derived from it,
 *     so they match the files whatever writer options (such as the timestamp unit) are in force
 * @param source this converter's source name
 * @param queueId the queue's identity
 * @param datasetDir fully qualified URI of the dataset directory (the default home of the table's metadata)
 * @param hadoopConf the converter's Hadoop configuration (file systems, HDFS client settings)
 */
public record TableSinkContext(Map<String, String> settings, Schema schema, MessageType fileSchema, String source, String queueId,
        String datasetDir, Configuration hadoopConf) {

    public TableSinkContext {
        settings = Map.copyOf(settings);
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(fileSchema, "fileSchema");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(queueId, "queueId");
        Objects.requireNonNull(datasetDir, "datasetDir");
        Objects.requireNonNull(hadoopConf, "hadoopConf");
    }
}
