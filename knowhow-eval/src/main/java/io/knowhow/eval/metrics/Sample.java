package io.knowhow.eval.metrics;

import java.util.Arrays;

/**
 * Summary statistics of a sample of measurements. Empty samples have no statistics: callers report them as
 * absent (JSON null), never as NaN.
 */
public final class Sample {
    private Sample() {}

    /** Nearest-rank percentile ({@code pct} in [0, 100]) of a non-empty sample. */
    public static double percentile(double[] values, double pct) {
        if (values.length == 0) throw new IllegalArgumentException("the percentile of an empty sample is undefined");
        if (!(pct >= 0 && pct <= 100)) throw new IllegalArgumentException("percentile must be in [0, 100], got " + pct);
        double[] v = values.clone();
        Arrays.sort(v);
        int idx = (int) Math.ceil(pct / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, idx))];
    }

    public static double mean(double[] values) {
        if (values.length == 0) throw new IllegalArgumentException("the mean of an empty sample is undefined");
        double s = 0;
        for (double v : values) s += v;
        return s / values.length;
    }

    /** Sample standard deviation (n − 1); 0 for a single value. */
    public static double stddev(double[] values) {
        if (values.length < 2) return 0;
        double m = mean(values), s = 0;
        for (double v : values) s += (v - m) * (v - m);
        return Math.sqrt(s / (values.length - 1));
    }

    /** Rounds to {@code places} decimals, half up, so reported values are stable strings run after run. */
    public static double round(double v, int places) {
        return new java.math.BigDecimal(Double.toString(v)).setScale(places, java.math.RoundingMode.HALF_UP).doubleValue();
    }
}
