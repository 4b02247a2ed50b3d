package io.parquetry.platform;

import java.io.IOException;
import java.net.InetAddress;

/** This machine's name, as leases, default source ids and messages show it. */
public final class Host {

    private Host() {
    }

    /** The local host name, or {@code localhost} when the resolver cannot say. */
    public static String name() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
