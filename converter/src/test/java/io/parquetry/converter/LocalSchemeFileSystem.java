package io.parquetry.converter;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under a scheme of its own ({@code flaky:}, {@code objstore:}), so that a test can register a
 * file system with different behaviour ({@code fs.<scheme>.impl}) and the converter reaches it through its output URI.
 */
abstract class LocalSchemeFileSystem extends RawLocalFileSystem {

    private final String scheme;

    LocalSchemeFileSystem(String scheme) {
        this.scheme = scheme;
    }

    @Override
    public String getScheme() {
        return scheme;
    }

    @Override
    public URI getUri() {
        return URI.create(scheme + ":///");
    }

    @Override
    public void initialize(URI uri, org.apache.hadoop.conf.Configuration conf) throws IOException {
        super.initialize(URI.create("file:///"), conf);
        setConf(conf);
    }

    @Override
    public Path makeQualified(Path path) {
        return new Path(scheme, null, path.toUri().getPath());
    }

    @Override
    public java.io.File pathToFile(Path path) {
        return new java.io.File(path.toUri().getPath());
    }
}
