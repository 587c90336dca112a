package io.knowhow.eval.compare;

import io.knowhow.eval.metrics.RetrievalScoring;
import io.knowhow.eval.metrics.SourceMatch;
import io.knowhow.eval.qa.QaCase;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Retrieval quality over the questions that name their sources: the ranking {@code ask} would see, by source.
 *
 * @param questions questions with sources that match stored ones (the others are not counted)
 * @param k         the cut-off of recall@k (the knowledge base's {@code ask.k})
 * @param recallAtK mean recall@k
 * @param mrr       mean reciprocal rank within the first 10
 * @param ndcg10    mean nDCG@10
 * @param unmatched source names of the QA file that match no stored source (a typo, or a file not ingested)
 */
public record Retrieval(int questions, int k, Double recallAtK, Double mrr, Double ndcg10, List<String> unmatched) {
    public Retrieval {
        unmatched = List.copyOf(unmatched);
    }

    public static Retrieval measure(EvalTarget target, List<QaCase> cases, int k) {
        List<String> stored = target.storedSources();
        double recall = 0, mrr = 0, ndcg = 0;
        int n = 0;
        List<String> unmatched = new ArrayList<>();
        for (QaCase c : cases) {
            if (c.sources().isEmpty() || c.abstain()) continue;
            for (String u : SourceMatch.unmatched(stored, c.sources())) if (!unmatched.contains(u)) unmatched.add(u);
            Set<String> relevant = SourceMatch.resolve(stored, c.sources());
            if (relevant.isEmpty()) continue;
            List<String> ranked = target.rankedSources(c.question(), Math.max(k, 10));
            recall += RetrievalScoring.recallAt(ranked, relevant, k);
            mrr += RetrievalScoring.reciprocalRank(ranked, relevant, 10);
            ndcg += RetrievalScoring.ndcgAt(ranked, relevant, 10);
            n++;
        }
        if (n == 0) return new Retrieval(0, k, null, null, null, unmatched);
        return new Retrieval(n, k, Metrics.round(recall / n), Metrics.round(mrr / n), Metrics.round(ndcg / n), unmatched);
    }
}
