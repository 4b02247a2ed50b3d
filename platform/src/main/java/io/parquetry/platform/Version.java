package io.parquetry.platform;

/** Parquetry's version, from the jar manifest the build writes ({@code Implementation-Version}). */
public final class Version {

    /** What a class run from a source tree's classes directory (no manifest) reports. */
    public static final String DEVELOPMENT = "development build";

    private Version() {
    }

    /** The version of the jar holding {@code c}, or {@link #DEVELOPMENT}. */
    public static String of(Class<?> c) {
        String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
        return v == null ? DEVELOPMENT : v;
    }

    /** The version of Parquetry (the jar of this class). */
    public static String current() {
        return of(Version.class);
    }
}
