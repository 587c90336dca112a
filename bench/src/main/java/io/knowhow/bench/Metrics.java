package io.knowhow.bench;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Retrieval and answer metrics as the SQuAD and BEIR evaluation scripts define them. */
final class Metrics {
    private Metrics() {}

    /** Rank (1-based) of the first relevant id in {@code ranked}, or 0 if absent. */
    static int firstRelevantRank(List<String> ranked, Set<String> relevant) {
        for (int i = 0; i < ranked.size(); i++) if (relevant.contains(ranked.get(i))) return i + 1;
        return 0;
    }

    /** nDCG@k with binary relevance, ranked ids deduplicated by the caller. */
    static double ndcg(List<String> ranked, Set<String> relevant, int k) {
        double dcg = 0, idcg = 0;
        for (int i = 0; i < Math.min(k, ranked.size()); i++) if (relevant.contains(ranked.get(i))) dcg += 1 / log2(i + 2);
        for (int i = 0; i < Math.min(k, relevant.size()); i++) idcg += 1 / log2(i + 2);
        return idcg == 0 ? 0 : dcg / idcg;
    }

    static double recall(List<String> ranked, Set<String> relevant, int k) {
        long found = ranked.stream().limit(k).filter(relevant::contains).distinct().count();
        return relevant.isEmpty() ? 0 : (double) found / relevant.size();
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** SQuAD's answer normalisation: lower case, no punctuation, no articles, single spaces. */
    static String normalize(String s) {
        String t = Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        t = t.replaceAll("\\p{Punct}", "");
        t = t.replaceAll("\\b(a|an|the)\\b", " ");
        return t.trim().replaceAll("\\s+", " ");
    }

    static double exactMatch(String prediction, List<String> golds) {
        String p = normalize(prediction);
        return golds.stream().anyMatch(g -> normalize(g).equals(p)) ? 1 : 0;
    }

    static double f1(String prediction, List<String> golds) {
        double best = 0;
        for (String g : golds) best = Math.max(best, f1(prediction, g));
        return best;
    }

    private static double f1(String prediction, String gold) {
        String[] p = normalize(prediction).split(" "), g = normalize(gold).split(" ");
        if (p.length == 0 || g.length == 0 || p[0].isEmpty() || g[0].isEmpty()) return 0;
        Map<String, Integer> counts = new HashMap<>();
        for (String t : g) counts.merge(t, 1, Integer::sum);
        int common = 0;
        for (String t : p) {
            Integer c = counts.get(t);
            if (c != null && c > 0) {
                common++;
                counts.put(t, c - 1);
            }
        }
        if (common == 0) return 0;
        double precision = (double) common / p.length, recall = (double) common / g.length;
        return 2 * precision * recall / (precision + recall);
    }

    /** Percentile (0..100) of a sample, nearest-rank. */
    static double percentile(double[] values, double pct) {
        if (values.length == 0) return Double.NaN;
        double[] v = values.clone();
        Arrays.sort(v);
        int idx = (int) Math.ceil(pct / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, idx))];
    }
}
