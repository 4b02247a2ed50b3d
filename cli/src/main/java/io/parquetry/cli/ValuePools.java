package io.parquetry.cli;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Pools of pre-generated values for the synthetic source: texts for {@code string(N)} and {@code char(N)} fields and
 * byte arrays for {@code binary(N)}, made once before recording so that a record only picks one (no allocation per
 * record, and the capture rate measures the recorder rather than the generator). Every pool is a pure function of its
 * arguments, so a seed gives the same values on every thread.
 *
 * <p>Free text ({@link #text}) has the shape of real log fields: lengths from 0 to N bytes spread so that the median is
 * small (log-uniform, median about the square root of N) with a few values at exactly N; a third of the values mix in
 * 2-, 3- and 4-byte UTF-8 characters; some values are empty. No value is longer than N bytes in UTF-8.
 */
final class ValuePools {

    /** Texts and byte arrays per pool; fewer for very large bounds ({@link #POOL_BYTES}). */
    static final int POOL_SIZE = 4096;
    /** Roughly the most a pool holds, so that a 1 MiB {@code binary(N)} does not take gigabytes. */
    static final long POOL_BYTES = 32L << 20;

    private static final String[] ASCII_WORDS = {"request", "user", "order", "cache", "timeout", "retry", "connection", "session",
        "payment", "accepted", "failed", "queue", "token", "refresh", "latency", "ms", "id", "from", "to", "the", "a", "of", "in",
        "GET", "POST", "/api/v1/orders", "200", "404", "503", "ok"};
    /** Words with 2-byte (é, ü, ß, Cyrillic, Greek), 3-byte (€, CJK, ✓) and 4-byte (emoji, 𝄞, 𠜎) UTF-8 characters. */
    private static final String[] MULTIBYTE_WORDS = {"café", "Müller", "straße", "José", "Привет", "Ωμέγα", "€42", "東京", "注文",
        "✓", "한국어", "😀", "🚀", "𝄞", "𠜎", "a😀b", "naïve"};
    private static final String[] LEVELS = {"DEBUG", "INFO", "WARN", "ERROR"};
    /** Of 100 log lines: 8 DEBUG, 77 INFO, 11 WARN, 4 ERROR: most production logs are INFO. */
    private static final int[] LEVEL_SHARE = {8, 77, 11, 4};
    private static final String[] SERVICES = {"checkout", "payments", "auth-gateway", "inventory", "search", "notifications",
        "orders-api", "recommendations"};
    private static final String[] USERS = {"alice", "bob", "José", "Müller", "李雷", "Ольга", "zoë"};
    /** Log lines: %1$d an id, %2$d a duration or small count, %3$s a user name, %4$d a byte. */
    private static final String[] TEMPLATES = {
        "GET /api/v1/orders/%1$d 200 in %2$d ms",
        "POST /api/v1/payments/%1$d 201 in %2$d ms (user %3$s)",
        "user %3$s logged in from 10.0.%4$d.%2$d",
        "cache miss for key order:%1$d, loaded from the database in %2$d ms",
        "retrying call to inventory (attempt %4$d): connection reset by peer after %2$d ms",
        "order %1$d accepted for %3$s: %4$d items, total €%2$d.50",
        "slow query on orders (%2$d ms > 500 ms threshold): SELECT * FROM orders WHERE customer_id = ? AND status = 'OPEN'",
        "payment %1$d declined for %3$s: insufficient funds (code %4$d)",
        "session %1$d expired after %2$d s idle",
        "notification sent to %3$s 📦 (order %1$d, channel push, %2$d ms)",
    };

    private ValuePools() {
    }

    /** The number of values in a pool of values of at most {@code maxBytes} bytes. */
    static int poolSize(int maxBytes) {
        // A log-uniform length on [1, N] averages about N / ln(N) bytes.
        double average = maxBytes < 3 ? maxBytes : maxBytes / Math.log(maxBytes);
        return (int) Math.max(64, Math.min(POOL_SIZE, POOL_BYTES / Math.max(1.0, 2 * average)));
    }

    /**
     * Free text of 0..{@code maxBytes} UTF-8 bytes: value 0 is empty, values 1 and 2 are exactly {@code maxBytes} bytes
     * (ASCII; and ending in the widest character that fits), about one in 64 more are exactly {@code maxBytes}, the rest
     * log-uniform; a third mix in multibyte characters.
     */
    static String[] text(int maxBytes, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] pool = new String[poolSize(maxBytes)];
        for (int j = 0; j < pool.length; j++) {
            int length;
            boolean multibyte;
            if (j == 0) {
                length = 0;
                multibyte = false;
            } else if (j == 1 || j == 2) {
                length = maxBytes;
                multibyte = j == 2;
            } else {
                length = rnd.nextInt(64) == 0 ? maxBytes : logUniform(rnd, maxBytes);
                multibyte = rnd.nextInt(3) == 0;
            }
            pool[j] = fill(new StringBuilder(), length, multibyte, rnd).toString();
        }
        return pool;
    }

    /**
     * Bytes of 0..{@code maxBytes}: value 0 is empty, value 1 holds every byte value 0..255 in turn for {@code maxBytes}
     * bytes, value 2 is {@code maxBytes} zero bytes, the rest random bytes (zeros included) of log-uniform lengths.
     */
    static byte[][] binary(int maxBytes, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[][] pool = new byte[poolSize(maxBytes)][];
        for (int j = 0; j < pool.length; j++) {
            byte[] b;
            if (j == 0) {
                b = new byte[0];
            } else if (j == 1) {
                b = new byte[maxBytes];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) i;
                }
            } else if (j == 2) {
                b = new byte[maxBytes];
            } else {
                b = new byte[rnd.nextInt(64) == 0 ? maxBytes : logUniform(rnd, maxBytes)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt(256);
                }
            }
            pool[j] = b;
        }
        return pool;
    }

    /** Log lines: templated messages of about 80 bytes (median), a few stack traces, a few empty, some of exactly N bytes. */
    static String[] logMessages(int maxBytes, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] pool = new String[poolSize(Math.min(maxBytes, 256))];
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < pool.length; j++) {
            sb.setLength(0);
            int pick = rnd.nextInt(100);
            if (j == 0 || pick == 0) {
                pool[j] = "";
                continue;
            }
            if (j == 1 || pick == 1) {
                pool[j] = fill(sb, maxBytes, true, rnd).toString();
                continue;
            }
            String template = TEMPLATES[rnd.nextInt(TEMPLATES.length)];
            sb.append(String.format(Locale.ROOT, template, rnd.nextInt(1, 10_000_000), rnd.nextInt(1, 2000), USERS[rnd.nextInt(USERS.length)],
                    rnd.nextInt(256)));
            if (j == 2 || pick < 5) {
                // A stack trace: the long tail of a log's lengths.
                sb.append("\njava.io.IOException: connection reset by peer");
                int frames = rnd.nextInt(5, 60);
                for (int f = 0; f < frames; f++) {
                    sb.append("\n\tat io.example.shop.").append(ASCII_WORDS[rnd.nextInt(ASCII_WORDS.length)]).append(".Handler.handle(Handler.java:")
                            .append(rnd.nextInt(20, 900)).append(')');
                }
            }
            pool[j] = cut(sb.toString(), maxBytes);
        }
        return pool;
    }

    /**
     * JSON objects of context (request, user, timings), 30 to a few hundred bytes, a few with a long field, one padded to
     * exactly {@code maxBytes} bytes; every one parses. Smaller bounds than a value needs give {@code {}}.
     */
    static String[] jsonAttributes(int maxBytes, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] pool = new String[poolSize(Math.min(maxBytes, 512))];
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < pool.length; j++) {
            sb.setLength(0);
            sb.append("{\"http.method\":\"").append(rnd.nextBoolean() ? "GET" : "POST").append("\",\"http.status\":")
                    .append(rnd.nextInt(10) == 0 ? 503 : 200).append(",\"duration_ms\":").append(rnd.nextInt(1, 5000));
            if (rnd.nextBoolean()) {
                sb.append(",\"user\":\"").append(USERS[rnd.nextInt(USERS.length)]).append('"');
            }
            if (rnd.nextInt(3) == 0) {
                sb.append(",\"order_id\":").append(rnd.nextInt(1, 10_000_000)).append(",\"items\":[");
                int items = rnd.nextInt(1, 8);
                for (int i = 0; i < items; i++) {
                    sb.append(i == 0 ? "" : ",").append("{\"sku\":\"SKU-").append(rnd.nextInt(100_000)).append("\",\"qty\":")
                            .append(rnd.nextInt(1, 5)).append('}');
                }
                sb.append(']');
            }
            int pad = j == 1 ? Integer.MAX_VALUE : rnd.nextInt(50) == 0 ? logUniform(rnd, maxBytes) : 0;
            if (pad > 0) {
                // A long note: the tail of the lengths; j == 1 fills the object to exactly maxBytes.
                sb.append(",\"note\":\"");
                int closed = utf8Length(sb) + 2;
                fill(sb, (int) Math.max(0, Math.min((long) pad, (long) maxBytes - closed)), true, rnd);
                sb.append("\"");
            }
            sb.append('}');
            pool[j] = utf8Length(sb) <= maxBytes ? sb.toString() : maxBytes >= 2 ? "{}" : "";
        }
        return pool;
    }

    /** Levels with the skew of a production log, in a pool whose uniform pick gives that skew. */
    static String[] levels(int maxBytes) {
        String[] pool = new String[100];
        int j = 0;
        for (int l = 0; l < LEVELS.length; l++) {
            for (int k = 0; k < LEVEL_SHARE[l]; k++) {
                pool[j++] = cut(LEVELS[l], maxBytes);
            }
        }
        return pool;
    }

    /** A few service names, cut to the field's bound. */
    static String[] services(int maxBytes) {
        String[] pool = new String[SERVICES.length];
        for (int j = 0; j < pool.length; j++) {
            pool[j] = cut(SERVICES[j], maxBytes);
        }
        return pool;
    }

    /** Lowercase hex ids (trace ids) of {@code maxBytes} digits, at most 32. */
    static String[] hexIds(int maxBytes, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] pool = new String[POOL_SIZE];
        for (int j = 0; j < pool.length; j++) {
            String hex = String.format(Locale.ROOT, "%016x%016x", rnd.nextLong(), rnd.nextLong());
            pool[j] = hex.substring(0, Math.min(maxBytes, hex.length()));
        }
        return pool;
    }

    /** The UTF-8 encodings of {@code texts}. */
    static byte[][] utf8(String[] texts) {
        byte[][] out = new byte[texts.length][];
        for (int j = 0; j < texts.length; j++) {
            out[j] = texts[j].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    /** The UTF-8 length of each text. */
    static int[] utf8Lengths(String[] texts) {
        int[] out = new int[texts.length];
        for (int j = 0; j < texts.length; j++) {
            out[j] = utf8Length(texts[j]);
        }
        return out;
    }

    /** Bytes of {@code s} in UTF-8 (an unpaired surrogate counts 1, as the writer encodes it as '?'). */
    static int utf8Length(CharSequence s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** A length in [1, max] whose logarithm is uniform: the median is about the square root of max. */
    private static int logUniform(SplittableRandom rnd, int max) {
        return (int) Math.min(max, Math.max(1, Math.floor(Math.exp(rnd.nextDouble() * Math.log(max + 1.0)))));
    }

    /**
     * Appends words up to exactly {@code bytes} more UTF-8 bytes (filling the last gap with ASCII), mixing in multibyte
     * words when asked; when {@code multibyte} the text ends with the widest character that fits, so a value of exactly N
     * bytes ends in a 4-byte character where N allows.
     */
    private static StringBuilder fill(StringBuilder sb, int bytes, boolean multibyte, SplittableRandom rnd) {
        int left = bytes;
        String tail = "";
        if (multibyte) {
            tail = left >= 4 ? "😀" : left >= 3 ? "€" : left >= 2 ? "é" : "";
            left -= utf8Length(tail);
        }
        while (left > 0) {
            String w = multibyte && rnd.nextInt(3) == 0 ? MULTIBYTE_WORDS[rnd.nextInt(MULTIBYTE_WORDS.length)]
                    : ASCII_WORDS[rnd.nextInt(ASCII_WORDS.length)];
            int n = utf8Length(w) + 1;
            if (n > left) {
                for (int i = 0; i < left; i++) {
                    sb.append((char) ('a' + rnd.nextInt(26)));
                }
                break;
            }
            sb.append(w).append(' ');
            left -= n;
        }
        return sb.append(tail);
    }

    /** {@code s} cut to at most {@code maxBytes} UTF-8 bytes, at a character boundary. */
    static String cut(String s, int maxBytes) {
        if (utf8Length(s) <= maxBytes) {
            return s;
        }
        int n = 0;
        int i = 0;
        while (i < s.length()) {
            int chars = Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() ? 2 : 1;
            int bytes = utf8Length(s.subSequence(i, i + chars));
            if (n + bytes > maxBytes) {
                break;
            }
            n += bytes;
            i += chars;
        }
        return s.substring(0, i);
    }
}
