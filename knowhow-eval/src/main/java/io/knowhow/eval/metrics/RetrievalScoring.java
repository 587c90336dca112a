package io.knowhow.eval.metrics;

import java.util.List;
import java.util.Set;

/**
 * Ranking metrics with binary relevance, as BEIR computes them; {@code ranked} holds distinct ids, best first.
 */
public final class RetrievalScoring {
    private RetrievalScoring() {}

    /** Rank (1-based) of the first relevant id, or 0 when none is ranked. */
    public static int firstRelevantRank(List<String> ranked, Set<String> relevant) {
        for (int i = 0; i < ranked.size(); i++) if (relevant.contains(ranked.get(i))) return i + 1;
        return 0;
    }

    /** Share of the relevant ids found in the first {@code k}; 0 when nothing is relevant. */
    public static double recallAt(List<String> ranked, Set<String> relevant, int k) {
        if (relevant.isEmpty()) return 0;
        long found = ranked.stream().limit(k).filter(relevant::contains).distinct().count();
        return (double) found / relevant.size();
    }

    /** 1 / rank of the first relevant id within the first {@code k}, else 0. */
    public static double reciprocalRank(List<String> ranked, Set<String> relevant, int k) {
        int r = firstRelevantRank(ranked, relevant);
        return r >= 1 && r <= k ? 1.0 / r : 0;
    }

    /** nDCG@k: DCG of the ranking over the DCG of the ideal ranking (all relevant ids first). */
    public static double ndcgAt(List<String> ranked, Set<String> relevant, int k) {
        double dcg = 0, idcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) if (relevant.contains(ranked.get(i))) dcg += 1 / log2(i + 2);
        for (int i = 0; i < Math.min(k, relevant.size()); i++) idcg += 1 / log2(i + 2);
        return idcg == 0 ? 0 : dcg / idcg;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
