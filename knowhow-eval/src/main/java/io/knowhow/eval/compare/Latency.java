package io.knowhow.eval.compare;

import io.knowhow.eval.metrics.Sample;

import java.util.List;

/**
 * Wall-clock latency of a strategy's answers, in milliseconds: not deterministic, so kept apart from
 * {@link Metrics}. Null percentiles when nothing was measured.
 *
 * @param p50          median ask latency
 * @param p95          95th percentile
 * @param retrievalP50 median embed + retrieve time inside the ask (the retrieval round-trip); null when nothing retrieves
 * @param samples      every measured latency, in case order (for the report's distribution)
 */
public record Latency(Double p50, Double p95, Double retrievalP50, List<Double> samples) {
    public Latency {
        samples = List.copyOf(samples);
    }

    public static Latency of(List<CaseResult> results) {
        double[] all = results.stream().filter(CaseResult::scored).mapToDouble(CaseResult::latencyMs).toArray();
        double[] retrieval = results.stream().filter(CaseResult::scored).mapToDouble(CaseResult::retrievalMs).filter(v -> v > 0).toArray();
        if (all.length == 0) return new Latency(null, null, null, List.of());
        return new Latency(Sample.round(Sample.percentile(all, 50), 2), Sample.round(Sample.percentile(all, 95), 2),
                retrieval.length == 0 ? null : Sample.round(Sample.percentile(retrieval, 50), 2),
                java.util.Arrays.stream(all).map(v -> Sample.round(v, 2)).boxed().toList());
    }
}
