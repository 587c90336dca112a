package io.knowhow.store.lucene;

import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;

import java.util.HashMap;
import java.util.Map;

/**
 * How a hybrid search merges its BM25 and vector lists into one ranking.
 *
 * <ul>
 *   <li>{@link Method#RRF}: weighted reciprocal rank fusion, {@code Σ weight / (60 + rank)} (Cormack et al.
 *       2009); uses ranks only, so one list's score scale cannot swamp the other's.</li>
 *   <li>{@link Method#RELATIVE_SCORE}: each list's scores min-max normalised to [0, 1] over its candidates,
 *       then summed with the weights — Weaviate's "relativeScoreFusion", LlamaIndex's "relative_score", the
 *       convex combination Bruch et al. (2023) found better than RRF; a document missing from a list gets 0
 *       there. It keeps how far ahead the leader of a list is, which ranks throw away.</li>
 * </ul>
 * The BM25 list has weight 1; {@code denseWeight} is the vector list's relative to it.
 *
 * @param method      the fusion function
 * @param denseWeight weight of the vector list, relative to BM25's 1; positive
 */
public record HybridFusion(Method method, double denseWeight) {
    /** The fusion functions. */
    public enum Method { RRF, RELATIVE_SCORE }

    /** The constant of reciprocal rank fusion, as in Cormack et al. (2009) and most engines since. */
    public static final int RRF_K = 60;

    public HybridFusion {
        java.util.Objects.requireNonNull(method, "method");
        if (!(denseWeight > 0) || Double.isInfinite(denseWeight))
            throw new IllegalArgumentException("the dense weight must be positive and finite, got " + denseWeight);
    }

    public static HybridFusion rrf(double denseWeight) {
        return new HybridFusion(Method.RRF, denseWeight);
    }

    public static HybridFusion relativeScore(double denseWeight) {
        return new HybridFusion(Method.RELATIVE_SCORE, denseWeight);
    }

    /** The best {@code k} of the union of the two lists, by this fusion; ties go to the lower document number. */
    TopDocs fuse(int k, TopDocs bm25, TopDocs dense) {
        Map<Integer, Double> scores = new HashMap<>();
        TopDocs[] lists = {bm25, dense};
        double[] weights = {1.0, denseWeight};
        for (int l = 0; l < lists.length; l++) {
            ScoreDoc[] docs = lists[l].scoreDocs;
            if (docs.length == 0) continue;
            double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY;
            for (ScoreDoc d : docs) {
                max = Math.max(max, d.score);
                min = Math.min(min, d.score);
            }
            for (int r = 0; r < docs.length; r++) {
                double contribution = switch (method) {
                    case RRF -> weights[l] / (RRF_K + r + 1);
                    // A list whose scores are all equal says nothing about order: each of its documents gets the full weight.
                    case RELATIVE_SCORE -> weights[l] * (max > min ? (docs[r].score - min) / (max - min) : 1.0);
                };
                scores.merge(docs[r].doc, contribution, Double::sum);
            }
        }
        ScoreDoc[] fused = scores.entrySet().stream()
                .sorted((a, b) -> a.getValue().equals(b.getValue()) ? Integer.compare(a.getKey(), b.getKey()) : Double.compare(b.getValue(), a.getValue()))
                .limit(k).map(e -> new ScoreDoc(e.getKey(), e.getValue().floatValue())).toArray(ScoreDoc[]::new);
        return new TopDocs(new TotalHits(scores.size(), TotalHits.Relation.EQUAL_TO), fused);
    }

    @Override
    public String toString() {
        return method.name().toLowerCase(java.util.Locale.ROOT) + "(dense " + denseWeight + ")";
    }
}
