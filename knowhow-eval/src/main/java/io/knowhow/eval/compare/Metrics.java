package io.knowhow.eval.compare;

import io.knowhow.eval.metrics.Sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A strategy's scores over a QA set: the deterministic block of a report (same inputs, same values — latency is
 * kept apart in {@link Latency}). A rate is null when no case defines it (no sources given, no schema): reported
 * as absent, never as NaN. Values are rounded to 4 decimals so they print identically run after run.
 *
 * @param cases              questions asked
 * @param scored             questions scored
 * @param unscored           questions that could not be scored; their reasons, counted, in {@code unscoredReasons}
 * @param accuracy           share of scored cases answered with an accepted answer, or correctly abstained (schema-only cases: schema-valid)
 * @param exactMatch         mean exact match over scored cases with accepted answers
 * @param f1                 mean token F1 over the same cases
 * @param hallucinationRate  share of scored cases with an unsupported answer sentence or an answer where abstention was expected
 * @param abstentionRate     share of scored cases the strategy abstained on
 * @param citationPrecision  mean citation precision over answered cases with sources that cite something
 * @param citationRecall     mean citation recall over answered cases with sources
 * @param formatAdherence    share of schema cases whose answer is schema-valid
 * @param tokensPer1k        prompt + completion tokens per 1,000 questions
 * @param costPer1k          cost of 1,000 questions at the configured prices
 */
public record Metrics(int cases, int scored, int unscored, Map<String, Integer> unscoredReasons, Double accuracy, Double exactMatch,
                      Double f1, Double hallucinationRate, Double abstentionRate, Double citationPrecision, Double citationRecall,
                      Double formatAdherence, Double tokensPer1k, Double costPer1k) {
    public Metrics {
        unscoredReasons = Map.copyOf(unscoredReasons);
    }

    /** Aggregates the cases of one run of one strategy. */
    public static Metrics of(List<CaseResult> results) {
        List<CaseResult> s = results.stream().filter(CaseResult::scored).toList();
        Map<String, Integer> reasons = new TreeMap<>();
        for (CaseResult r : results) if (!r.scored()) reasons.merge(r.unscoredReason(), 1, Integer::sum);
        return new Metrics(results.size(), s.size(), results.size() - s.size(), reasons,
                share(s, CaseResult::correct),
                mean(s.stream().map(CaseResult::exactMatch).toList()),
                mean(s.stream().map(CaseResult::f1).toList()),
                share(s, CaseResult::hallucinated),
                share(s, CaseResult::abstained),
                mean(s.stream().map(CaseResult::citationPrecision).toList()),
                mean(s.stream().map(CaseResult::citationRecall).toList()),
                mean(s.stream().map(r -> r.schemaValid() == null ? null : r.schemaValid() ? 1.0 : 0.0).toList()),
                s.isEmpty() ? null : round(s.stream().mapToDouble(r -> r.promptTokens() + r.completionTokens()).sum() * 1000.0 / s.size()),
                s.isEmpty() ? null : round(s.stream().mapToDouble(CaseResult::cost).sum() * 1000.0 / s.size()));
    }

    /** The named rates, in report order, for bars, tables and thresholds (nulls kept). */
    public Map<String, Double> named() {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("accuracy", accuracy);
        m.put("exact_match", exactMatch);
        m.put("f1", f1);
        m.put("hallucination_rate", hallucinationRate);
        m.put("abstention_rate", abstentionRate);
        m.put("citation_precision", citationPrecision);
        m.put("citation_recall", citationRecall);
        m.put("format_adherence", formatAdherence);
        m.put("tokens_per_1k", tokensPer1k);
        m.put("cost_per_1k", costPer1k);
        return m;
    }

    private static Double share(List<CaseResult> s, java.util.function.Predicate<CaseResult> p) {
        if (s.isEmpty()) return null;
        return round((double) s.stream().filter(p).count() / s.size());
    }

    private static Double mean(List<Double> values) {
        List<Double> v = new ArrayList<>();
        for (Double d : values) if (d != null) v.add(d);
        if (v.isEmpty()) return null;
        return round(Sample.mean(v.stream().mapToDouble(Double::doubleValue).toArray()));
    }

    static Double round(double v) {
        return Sample.round(v, 4);
    }
}
