package io.sigbridge.internal.cli;

import java.util.Arrays;
import java.util.Locale;

/**
 * The latencies of one bench contender, sorted once, with nearest-rank percentiles. Values are
 * nanoseconds; {@link #micros(long)} formats them the way the bench table prints them.
 */
final class LatencyStats {
    private final String contender;
    private final long[] sorted;

    private LatencyStats(String contender, long[] sorted) {
        this.contender = contender;
        this.sorted = sorted;
    }

    /** Takes a copy of {@code nanos}: the caller keeps its array. */
    static LatencyStats of(String contender, long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException(contender + ": no samples");
        }
        long[] copy = nanos.clone();
        Arrays.sort(copy);
        return new LatencyStats(contender, copy);
    }

    String contender() {
        return contender;
    }

    int count() {
        return sorted.length;
    }

    /**
     * The nearest-rank percentile: the smallest sample that at least {@code p} percent of the
     * samples do not exceed. Nearest-rank, not interpolated, so every figure printed is a latency
     * that was really measured.
     */
    long percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile " + p + " is not in (0, 100]");
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    long min() {
        return sorted[0];
    }

    long max() {
        return sorted[sorted.length - 1];
    }

    /** The samples in ascending order (a copy), e.g. for drawing the distribution. */
    long[] sortedNanos() {
        return sorted.clone();
    }

    static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1000.0);
    }

    /** {@code a / b} as "2.3x"; "-" when b is not positive (a clock that did not move). */
    static String ratio(long a, long b) {
        return b <= 0 ? "-" : String.format(Locale.ROOT, "%.1fx", (double) a / b);
    }
}
