package io.knowhow.eval.advise;

/** A low–high estimate (both ends equal for a measured or single value). */
public record Range(double low, double high) {
    public static final Range ZERO = new Range(0, 0);

    public Range {
        if (!Double.isFinite(low) || !Double.isFinite(high)) throw new IllegalArgumentException("a range needs finite ends, got " + low + ".." + high);
        if (low > high) throw new IllegalArgumentException("a range's low end " + low + " is above its high end " + high);
    }

    public static Range of(double value) {
        return new Range(value, value);
    }

    public Range plus(Range o) {
        return new Range(low + o.low, high + o.high);
    }

    public Range times(double f) {
        return f >= 0 ? new Range(low * f, high * f) : new Range(high * f, low * f);
    }

    public Range times(Range o) {
        return new Range(low * o.low, high * o.high);
    }

    public boolean single() {
        return low == high;
    }
}
