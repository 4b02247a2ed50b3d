package io.parquetry.iceberg;

import io.parquetry.converter.table.TableSink;
import io.parquetry.converter.table.TableSinkContext;
import io.parquetry.converter.table.TableSinkProvider;
import java.io.IOException;

/** {@code table.type: iceberg}, found with ServiceLoader. */
public final class IcebergSinkProvider implements TableSinkProvider {

    @Override
    public String type() {
        return "iceberg";
    }

    @Override
    public TableSink open(TableSinkContext context) throws IOException {
        return IcebergTableSink.open(context);
    }
}
