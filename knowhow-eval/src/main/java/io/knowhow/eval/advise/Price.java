package io.knowhow.eval.advise;

/**
 * One price or volume of the cost model and where it comes from.
 *
 * @param value the low–high estimate
 * @param basis "reference" (the reference's 2026 estimate), "measured" (on this machine or knowledge base),
 *              "config" (set by the user), "assumption" (knowhow's default where the reference gives none), "given"
 *              (a command-line flag)
 * @param note  the detail, e.g. "412 tokens/s × cost.cpu-hour 0.05"
 */
public record Price(Range value, String basis, String note) {
    public static Price of(double low, double high, String basis, String note) {
        return new Price(new Range(low, high), basis, note);
    }
}
