package io.knowhow.tune.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits: the most likely one (greedy), or a draw from
 * softmax(logits / temperature) restricted to the top-p nucleus, from a seeded generator.
 *
 * <p>Not thread-safe: one per generation.
 */
public final class Sampler {
    /** Tokens this much less likely than the best are never in a nucleus worth sorting. */
    private static final double NEGLIGIBLE = 1e-9;
    private final double temperature;
    private final double topP;
    private final SplittableRandom random;

    public Sampler(double temperature, double topP, long seed) {
        this.temperature = temperature;
        this.topP = topP;
        this.random = new SplittableRandom(seed);
    }

    /** The next token for {@code logits} (vocab). */
    public int next(float[] logits) {
        if (temperature == 0) return argmax(logits);
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        if (topP >= 1) return draw(p, sum);
        // Sort only the candidates that can matter (probability above NEGLIGIBLE of the best token's).
        int n = 0;
        int[] idx = new int[logits.length];
        for (int i = 0; i < p.length; i++) if (p[i] >= NEGLIGIBLE) idx[n++] = i;
        Integer[] cand = new Integer[n];
        for (int i = 0; i < n; i++) cand[i] = idx[i];
        Arrays.sort(cand, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        double kept = 0;
        int k = 0;
        while (k < n && kept < topP * sum) kept += p[cand[k++]];
        double r = random.nextDouble() * kept;
        for (int i = 0; i < k; i++) {
            r -= p[cand[i]];
            if (r <= 0) return cand[i];
        }
        return cand[k - 1];
    }

    private int draw(double[] p, double sum) {
        double r = random.nextDouble() * sum;
        for (int i = 0; i < p.length; i++) {
            r -= p[i];
            if (r <= 0) return i;
        }
        return p.length - 1;
    }

    /** Index of the largest value; the lowest index on ties. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
