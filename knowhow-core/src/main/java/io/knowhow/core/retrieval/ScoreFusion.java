package io.knowhow.core.retrieval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a hybrid search merges its BM25 and vector lists into one ranking, over plain (id, score) lists so that
 * every store fuses with the same numbers whatever its engine.
 *
 * <ul>
 *   <li>{@link Method#RRF}: weighted reciprocal rank fusion, {@code Σ weight / (60 + rank)} (Cormack et al.
 *       2009); uses ranks only, so one list's score scale cannot swamp the other's.</li>
 *   <li>{@link Method#RELATIVE_SCORE}: each list's scores min-max normalised to [0, 1] over its candidates,
 *       then summed with the weights — Weaviate's "relativeScoreFusion", LlamaIndex's "relative_score", the
 *       convex combination Bruch et al. (2023) found better than RRF; an id missing from a list gets 0
 *       there. A list whose scores are all equal says nothing about order: each of its ids gets the full weight.</li>
 * </ul>
 * The BM25 list has weight 1; {@code denseWeight} is the vector list's relative to it.
 *
 * <p>Every store fuses with this one class (BM25's contribution first, then the vector list's, in double
 * precision), so the same lists give the same fused scores to the last bit. The embedded store hands its scores on
 * as floats; a store that must report the same numbers rounds {@link Scored#score()} to float the same way.
 *
 * @param method      the fusion function
 * @param denseWeight weight of the vector list, relative to BM25's 1; positive and finite
 */
public record ScoreFusion(Method method, double denseWeight) {
    /** The fusion functions. */
    public enum Method { RRF, RELATIVE_SCORE }

    /** The constant of reciprocal rank fusion, as in Cormack et al. (2009) and most engines since. */
    public static final int RRF_K = 60;

    /**
     * Relative-score fusion at equal weights: the default of every store (docs/adr/0003-hybrid-fusion.md).
     */
    public static final ScoreFusion DEFAULT = relativeScore(1.0);

    /** One entry of a ranked list: an id (a chunk id, a document number) and its score, higher is better. */
    public record Scored<T>(T id, double score) {
        public Scored {
            Objects.requireNonNull(id, "id");
        }
    }

    public ScoreFusion {
        Objects.requireNonNull(method, "method");
        if (!(denseWeight > 0) || Double.isInfinite(denseWeight))
            throw new IllegalArgumentException("the dense weight must be positive and finite, got " + denseWeight);
    }

    public static ScoreFusion rrf(double denseWeight) {
        return new ScoreFusion(Method.RRF, denseWeight);
    }

    public static ScoreFusion relativeScore(double denseWeight) {
        return new ScoreFusion(Method.RELATIVE_SCORE, denseWeight);
    }

    /** {@link #fuse(int, List, List, Comparator)} with ties going to the smaller id. */
    public <T extends Comparable<? super T>> List<Scored<T>> fuse(int k, List<Scored<T>> bm25, List<Scored<T>> dense) {
        return fuse(k, bm25, dense, Comparator.naturalOrder());
    }

    /**
     * The best {@code k} of the union of the two lists, by this fusion, best first.
     *
     * @param bm25     the BM25 list, best first
     * @param dense    the vector list, best first
     * @param tieBreak orders ids of equal fused score (the embedded store: lower document number first)
     */
    public <T> List<Scored<T>> fuse(int k, List<Scored<T>> bm25, List<Scored<T>> dense, Comparator<? super T> tieBreak) {
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, got " + k);
        Objects.requireNonNull(tieBreak, "tieBreak");
        Map<T, Double> scores = new HashMap<>();
        List<List<Scored<T>>> lists = List.of(bm25, dense);
        double[] weights = {1.0, denseWeight};
        for (int l = 0; l < lists.size(); l++) {
            List<Scored<T>> docs = lists.get(l);
            if (docs.isEmpty()) continue;
            double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY;
            for (Scored<T> d : docs) {
                max = Math.max(max, d.score());
                min = Math.min(min, d.score());
            }
            for (int r = 0; r < docs.size(); r++) {
                double contribution = switch (method) {
                    case RRF -> weights[l] / (RRF_K + r + 1);
                    case RELATIVE_SCORE -> weights[l] * (max > min ? (docs.get(r).score() - min) / (max - min) : 1.0);
                };
                scores.merge(docs.get(r).id(), contribution, Double::sum);
            }
        }
        List<Scored<T>> fused = new ArrayList<>(scores.size());
        scores.forEach((id, score) -> fused.add(new Scored<>(id, score)));
        fused.sort(Comparator.<Scored<T>>comparingDouble(Scored::score).reversed()
                .thenComparing(Scored::id, tieBreak));
        return fused.size() <= k ? fused : List.copyOf(fused.subList(0, k));
    }

    @Override
    public String toString() {
        return method.name().toLowerCase(Locale.ROOT) + "(dense " + denseWeight + ")";
    }
}
