package io.parquetry.benchmarks;

import java.util.List;

/**
 * What one rate of the sustain benchmark did: its samples, how long the backlog took to drain, how far the producer fell
 * behind.
 */
record SustainResult(long rate, double offered, List<Sample> samples, double drainSeconds, double behindMaxMs) {

    /** How far behind its schedule the producer may fall and still count as keeping up. */
    static final int KEPT_UP_MS = 100;

    /** One sample: time since the start, records appended, read and committed so far. */
    record Sample(double seconds, long appended, long read, long committed, double lagSeconds) {
    }

    /** The producer kept up when it never fell {@value #KEPT_UP_MS} ms or more behind its schedule. */
    boolean producerKeptUp() {
        return behindMaxMs < KEPT_UP_MS;
    }

    double[] lags() {
        return samples.stream().filter(s -> s.seconds() > 0).mapToDouble(Sample::lagSeconds).sorted().toArray();
    }

    double percentile(double p) {
        double[] l = lags();
        return l.length == 0 ? 0 : l[Math.min(l.length - 1, (int) Math.ceil(p * l.length) - 1)];
    }

    /** Least-squares slope of the record lag over the run's second half, in records per second. */
    double slope() {
        double end = samples.get(samples.size() - 1).seconds();
        List<Sample> half = samples.stream().filter(s -> s.seconds() >= end / 2).toList();
        double n = half.size();
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        for (Sample s : half) {
            double y = s.appended() - s.committed();
            sx += s.seconds();
            sy += y;
            sxx += s.seconds() * s.seconds();
            sxy += s.seconds() * y;
        }
        double d = n * sxx - sx * sx;
        return d == 0 ? 0 : (n * sxy - sx * sy) / d;
    }

    /** Bounded: the lag did not grow over the second half by more than 1 % of the rate, and the backlog drained. */
    boolean bounded() {
        return slope() < 0.01 * rate && drainSeconds >= 0;
    }
}
