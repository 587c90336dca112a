package io.knowhow.eval.report;

import io.knowhow.eval.advise.Advice;
import io.knowhow.eval.advise.CostModel;
import io.knowhow.eval.compare.ComparisonReport;
import io.knowhow.eval.compare.StrategyReport;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The reference's side-by-side table, eight rows, each with what this comparison measured for it.
 */
public final class ReferenceRows {
    /** One row: the reference's words for RAG and for fine-tuning, and the measurement here. */
    public record Row(String dimension, String rag, String fineTuning, String measured) {}

    private ReferenceRows() {}

    public static List<Row> rows(ComparisonReport r, Advice advice) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("Knowledge freshness", "Real-time (update vector DB anytime)", "Stale (retrain to update)", freshness(r)));
        rows.add(new Row("Hallucination risk", "Lower (grounded in retrieved sources)", "Higher (relies on baked-in weights)",
                each(r, s -> pct(s.metrics().hallucinationRate()) + " hallucinated")));
        rows.add(new Row("Latency", "Higher (retrieval round-trip + generation)", "Lower (single inference pass)", latency(r)));
        rows.add(new Row("Compute cost", "Embedding + hosting (low, ongoing)", "Training run (high, one-time per update)", cost(r, advice)));
        rows.add(new Row("Explainability", "Can cite source chunks", "Cannot explain why it knows something",
                each(r, s -> "citation precision " + num(s.metrics().citationPrecision()) + ", recall " + num(s.metrics().citationRecall()))));
        rows.add(new Row("Style/format control", "Prompt engineering", "Highly reliable after fine-tuning",
                anyDefined(r, s -> s.metrics().formatAdherence()) ? each(r, s -> pct(s.metrics().formatAdherence()) + " schema-valid")
                        : "not measured: no question of this QA set has a schema"));
        rows.add(new Row("Data requirements", "Documents (unstructured ok)", "Labeled input-output pairs", data(r)));
        rows.add(new Row("Forgetting risk", "None", "Real (new fine-tuning can degrade old skills)", forgetting(r)));
        return rows;
    }

    private static String freshness(ComparisonReport r) {
        List<String> parts = new ArrayList<>();
        for (StrategyReport s : available(r)) {
            if (s.freshness() == null) continue;
            var f = s.freshness();
            String p = s.strategy() + ": changed facts " + pct(f.accuracyBefore()) + " → " + pct(f.accuracyAfter());
            if (f.visibleSeconds() != null) p += String.format(Locale.ROOT, ", visible %.1f s after the update", f.visibleSeconds());
            if (f.retrainSeconds() != null) p += String.format(Locale.ROOT, ", re-training took %.0f s", f.retrainSeconds());
            parts.add(p);
        }
        return parts.isEmpty() ? "not measured: run with --update DIR --update-qa FILE" : String.join("; ", parts);
    }

    private static String latency(ComparisonReport r) {
        List<String> parts = new ArrayList<>();
        for (StrategyReport s : available(r)) {
            String p = s.strategy() + " p50 " + ms(s.latency().p50());
            if (s.latency().retrievalP50() != null) p += " (retrieval " + ms(s.latency().retrievalP50()) + ")";
            parts.add(p);
        }
        return parts.isEmpty() ? "no strategy ran" : String.join("; ", parts);
    }

    private static String cost(ComparisonReport r, Advice advice) {
        String measured = each(r, s -> s.metrics().tokensPer1k() == null ? "–" : String.format(Locale.ROOT, "%,.0f tokens / 1k questions", s.metrics().tokensPer1k()));
        if (advice == null) return measured;
        CostModel.Table t = advice.costs();
        return measured + ". Over " + t.inputs().horizonMonths() + " months: RAG " + CostModel.usd(t.estimate("rag").total())
                + ", fine-tuning " + CostModel.usd(t.estimate("fine-tuning").total()) + ". " + t.breakEven().sentence();
    }

    private static String data(ComparisonReport r) {
        String docs = "RAG read the knowledge base's documents as they are";
        if (r.tunedRun() == null) return docs + "; no fine-tuning run log here (labelled pairs: see advise --pairs)";
        return docs + "; the tuned model's run logged " + r.tunedRun().steps().size() + " steps (" + r.tunedRun().runLog() + ")";
    }

    private static String forgetting(ComparisonReport r) {
        Optional<StrategyReport> tuned = available(r).stream().filter(s -> s.forgetting() != null).findFirst();
        if (tuned.isEmpty()) return "not measured here: no tuned model; for the bundled encoder docs/benchmarks.md measures SQuAD recall@5 0.848 → 0.806 (LoRA) / 0.807 (full)";
        var f = tuned.get().forgetting();
        return f.measured() ? String.format(Locale.ROOT, "general-set loss per token %.3f → %.3f (%+.1f%%; lower is better)", f.before(), f.after(),
                f.before() == 0 ? 0 : 100 * (f.after() - f.before()) / f.before()) : "not measured: " + f.source();
    }

    private static List<StrategyReport> available(ComparisonReport r) {
        return r.strategies().stream().filter(StrategyReport::available).toList();
    }

    private static boolean anyDefined(ComparisonReport r, Function<StrategyReport, Double> f) {
        return available(r).stream().anyMatch(s -> f.apply(s) != null);
    }

    private static String each(ComparisonReport r, Function<StrategyReport, String> f) {
        List<String> parts = new ArrayList<>();
        for (StrategyReport s : available(r)) parts.add(s.strategy() + " " + f.apply(s));
        return parts.isEmpty() ? "no strategy ran" : String.join("; ", parts);
    }

    static String pct(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.0f%%", v * 100);
    }

    static String num(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    static String ms(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.1f ms", v);
    }
}
