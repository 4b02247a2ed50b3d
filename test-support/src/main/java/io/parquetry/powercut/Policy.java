package io.parquetry.powercut;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.LongFunction;

/** How a power cut treats what was not synced: keep it all, lose it all, coin flips from a seed, or a test's own pick. */
public final class Policy {

    /** Nothing lost: the state a process kill leaves. */
    public static final Policy KEEP_ALL = new Policy("KEEP_ALL", seed -> constant(true));

    /** Everything not synced lost: exactly what the syncs made durable. */
    public static final Policy LOSE_ALL = new Policy("LOSE_ALL", seed -> constant(false));

    /**
     * A coin per page, per directory listing and per file size. Each coin depends on the seed and on what it decides
     * (path, page), not on the order of the walk, so one seed gives one state however the tree is visited.
     */
    public static final Policy RANDOM = new Policy("RANDOM", Policy::random);

    private final String name;
    private final LongFunction<Picker> pickers;

    private Policy(String name, LongFunction<Picker> pickers) {
        this.name = name;
        this.pickers = pickers;
    }

    /** A policy that asks {@code picker}, whatever the seed; {@code name} is what reports call it. */
    public static Policy picking(String name, Picker picker) {
        Objects.requireNonNull(picker);
        return new Policy(name, seed -> picker);
    }

    public Picker picker(long seed) {
        return pickers.apply(seed);
    }

    @Override
    public String toString() {
        return name;
    }

    private static Picker constant(boolean keepNew) {
        return new Picker() {
            @Override
            public boolean keepNewPage(String file, long page) {
                return keepNew;
            }

            @Override
            public boolean keepNewListing(String dir) {
                return keepNew;
            }

            @Override
            public boolean keepNewSize(String file) {
                return keepNew;
            }
        };
    }

    private static Picker random(long seed) {
        return new Picker() {
            @Override
            public boolean keepNewPage(String file, long page) {
                return coin(seed, 1, file, page);
            }

            @Override
            public boolean keepNewListing(String dir) {
                return coin(seed, 2, dir, 0);
            }

            @Override
            public boolean keepNewSize(String file) {
                return coin(seed, 3, file, 0);
            }
        };
    }

    public static boolean coin(long seed, int kind, String path, long index) {
        long h = mix(seed + kind * 0x9E3779B97F4A7C15L);
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001B3L;
        }
        return mix(mix(h) ^ index) < 0;
    }

    /** SplitMix64's finaliser: every input bit moves every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
