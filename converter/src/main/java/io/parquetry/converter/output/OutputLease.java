package io.parquetry.converter.output;

import io.parquetry.platform.DurableFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lease in the output, {@code <dataset>/_parquetry/leases/<source>.lease}, held by the one converter that writes a
 * source's files into a dataset. File names are a function of (source, first index), so two converters writing the same
 * source would fight over the same names and delete each other's in-progress files; the lease makes the second refuse
 * at start-up, naming the holder. It works across hosts because it lives in the output's file system (local, HDFS, S3A).
 *
 * <p>The holder renews it every {@link #RENEW_MS}. A converter finding a lease takes it over only when the holder is
 * gone: the same host and a pid that is no longer running, or no renewal for {@link #EXPIRE_MS}. Otherwise it refuses.
 * Creating the file uses create-if-absent, so two converters starting together cannot both win. The file is written
 * durably ({@link #write}), so that a power cut leaves a lease whole, not empty.
 */
public final class OutputLease implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutputLease.class);
    static final long RENEW_MS = 5_000;
    static final long EXPIRE_MS = 30_000;
    /** Leases held by live converters of this JVM (a lease file naming this pid may also be a failed start's leftover). */
    private static final java.util.Set<String> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final FileSystem fs;
    private final Path file;
    private final String host;
    private final long pid;
    private final String stateDir;
    private long lastRenewMs;

    private OutputLease(FileSystem fs, Path file, String stateDir) {
        this.fs = fs;
        this.file = file;
        this.host = hostName();
        this.pid = ProcessHandle.current().pid();
        this.stateDir = stateDir;
    }

    public static Path path(Path datasetDir, String source) {
        return new Path(datasetDir, "_parquetry/leases/" + source + ".lease");
    }

    /**
     * Takes the lease of {@code source} in {@code datasetDir}.
     *
     * @throws IllegalStateException naming the holder when another live converter holds it
     */
    public static OutputLease acquire(FileSystem fs, Path datasetDir, String source, String stateDir) throws IOException {
        OutputLease lease = new OutputLease(fs, path(datasetDir, source), stateDir);
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                if (HELD.contains(lease.file.toString())) {
                    throw new IllegalStateException("another converter in this process writes this source into this dataset: lease="
                            + lease.file);
                }
                lease.write(false);
                HELD.add(lease.file.toString());
                return lease;
            } catch (FileAlreadyExistsException | org.apache.hadoop.fs.PathExistsException exists) {
                lease.takeOverIfAbandoned();
            } catch (IOException e) {
                if (!fs.exists(lease.file)) {
                    throw e;
                }
                lease.takeOverIfAbandoned();
            }
        }
        throw new IllegalStateException("cannot take the output lease: lease=" + lease.file);
    }

    private void takeOverIfAbandoned() throws IOException {
        Properties holder = read();
        String hHost = holder.getProperty("host", "?");
        long hPid = Long.parseLong(holder.getProperty("pid", "-1"));
        long renewed = Long.parseLong(holder.getProperty("renewedAt", "0"));
        long age = System.currentTimeMillis() - renewed;
        boolean sameHostDead = hHost.equals(host) && (hPid == pid || ProcessHandle.of(hPid).map(p -> !p.isAlive()).orElse(true));
        if (sameHostDead || age > EXPIRE_MS) {
            LOG.warn("taking over an abandoned output lease: lease={}, holder host={}, pid={}, last renewed {} ms ago", file, hHost, hPid, age);
            fs.delete(file, false);
            return;
        }
        throw new IllegalStateException("another converter writes this source into this dataset: lease=" + file + ", holder host=" + hHost
                + ", pid=" + hPid + ", stateDir=" + holder.getProperty("stateDir", "?") + ", renewed " + age + " ms ago"
                + " (give each converter its own source id; a stale lease expires after " + EXPIRE_MS / 1000 + " s)");
    }

    private Properties read() throws IOException {
        Properties p = new Properties();
        try (InputStream in = fs.open(file)) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (java.io.FileNotFoundException gone) {
            // released between our create and our read: the next attempt creates it
        }
        return p;
    }

    /**
     * Writes the lease durably: a power cut must not leave it empty (then read as {@code host=?, pid=-1}) or take it.
     * On a local disk it is written aside, synced, and linked ({@code overwrite} false: fails when another converter's
     * lease is there) or renamed into place, and its directory synced; elsewhere it is created in place, HDFS syncing it
     * before the close, an object store making it durable with the upload at the close.
     */
    private void write(boolean overwrite) throws IOException {
        long now = System.currentTimeMillis();
        String text = "host=" + host + "\npid=" + pid + "\nstateDir=" + stateDir.replace("\\", "/") + "\nrenewedAt=" + now + "\n";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if ("file".equals(fs.getUri().getScheme())) {
            java.nio.file.Path local = java.nio.file.Path.of(fs.makeQualified(file).toUri());
            if (overwrite) {
                DurableFiles.replace(local, bytes);
            } else if (!DurableFiles.createIfAbsent(local, bytes)) {
                throw new FileAlreadyExistsException("lease exists: " + file);
            }
        } else {
            try (FSDataOutputStream out = fs.create(file, overwrite)) {
                out.write(bytes);
                if (out.hasCapability(StreamCapabilities.HSYNC)) {
                    out.hsync();
                }
            }
        }
        lastRenewMs = now;
    }

    /** Renews the lease if due; checks first that nobody took it over (a paused JVM may have let it expire). */
    public void renewIfDue(long nowMs) throws IOException {
        if (nowMs - lastRenewMs < RENEW_MS) {
            return;
        }
        Properties p = read();
        if (!host.equals(p.getProperty("host")) || pid != Long.parseLong(p.getProperty("pid", "-1"))) {
            throw new IllegalStateException("output lease was taken over by another converter: lease=" + file + ", holder host="
                    + p.getProperty("host") + ", pid=" + p.getProperty("pid") + " (stopping to avoid writing the same files twice)");
        }
        write(true);
    }

    Path file() {
        return file;
    }

    /** Releases the lease (a clean stop). */
    @Override
    public void close() {
        HELD.remove(file.toString());
        try {
            Properties p = read();
            if (host.equals(p.getProperty("host")) && pid == Long.parseLong(p.getProperty("pid", "-1"))) {
                fs.delete(file, false);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot release output lease (it expires by itself): lease={}", file, e);
        }
    }

    private static String hostName() {
        return io.parquetry.platform.Host.name();
    }
}
