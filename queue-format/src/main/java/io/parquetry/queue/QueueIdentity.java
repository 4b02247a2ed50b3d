package io.parquetry.queue;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Who a queue is: a random 64-bit id given once, kept in the queue's schema file, and written into the footer and the
 * name of every Parquet file made from the queue. A queue deleted and re-created in the same directory restarts at the
 * same indexes but gets a new id, so its files never collide with, or get mistaken for, the old queue's.
 *
 * @param id sixteen lower-case hex digits
 * @param assignedLater true for a queue that existed before queue identities and got its id when it was first opened
 *     by this version (its older files carry no id; see the converter's recovery rules)
 */
public record QueueIdentity(String id, boolean assignedLater) {

    private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public QueueIdentity {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("queue id must be 16 lower-case hex digits: id=" + id);
        }
    }

    static String newId() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Override
    public String toString() {
        return id;
    }
}
