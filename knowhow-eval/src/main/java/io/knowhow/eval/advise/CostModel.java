package io.knowhow.eval.advise;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Total cost of ownership over a horizon, per approach, as low–high ranges (every line says what it is made of):
 *
 * <ul>
 *   <li><b>rag</b> — embedding the corpus once plus re-embedding it at every change (an upper bound: knowhow
 *       re-embeds only changed files), the vector store per month, retrieval compute per query
 *       (retrieval time × CPU-hour price), and the evidence's prompt tokens per query;</li>
 *   <li><b>fine-tuning</b> — one training run plus one re-training per change ("multiply by how often your knowledge
 *       changes"), the labelled pairs, and the question's prompt tokens;</li>
 *   <li><b>full-context</b> — the whole corpus in every prompt;</li>
 *   <li><b>hybrid</b> (fine-tune for behaviour, RAG for knowledge) — RAG plus one training run and the labelled
 *       pairs: knowledge changes go to the index, not the weights.</li>
 * </ul>
 * Generation (completion tokens) and model hosting cost the same or are not priced by the reference; they are left out
 * and the table says so.
 */
public final class CostModel {
    /** One cost item. */
    public record Line(String item, Range usd, String basis) {}

    /** One approach's total and its lines. */
    public record Estimate(String approach, Range total, List<Line> lines) {
        public Estimate {
            lines = List.copyOf(lines);
        }
    }

    /**
     * The break-even change rate: at {@code low} (low prices) / {@code high} (high prices) changes a month or more,
     * RAG costs less than re-training; 0 when RAG is cheaper at any rate; empty when re-training stays cheaper.
     */
    public record BreakEven(Optional<Double> low, Optional<Double> high, String sentence) {}

    /** The whole table. */
    public record Table(CostInputs inputs, CostAssumptions assumptions, List<Estimate> estimates, BreakEven breakEven, String excluded) {
        public Table {
            estimates = List.copyOf(estimates);
        }

        public Estimate estimate(String approach) {
            return estimates.stream().filter(e -> e.approach().equals(approach)).findFirst().orElseThrow();
        }
    }

    private CostModel() {}

    public static Table table(CostInputs in, CostAssumptions a) {
        List<Estimate> estimates = List.of(rag(in, a), fineTuning(in, a), fullContext(in, a), hybrid(in, a));
        return new Table(in, a, estimates, breakEven(in, a),
                "not included: generation (completion tokens, the same for every approach) and hosting a fine-tuned model");
    }

    public static Estimate rag(CostInputs in, CostAssumptions a) {
        List<Line> lines = ragLines(in, a);
        return new Estimate("rag", sum(lines), lines);
    }

    private static List<Line> ragLines(CostInputs in, CostAssumptions a) {
        double months = in.horizonMonths();
        double embeddings = 1 + in.changesPerMonth() * months;
        double queries = in.queriesPerMonth() * months;
        List<Line> lines = new ArrayList<>();
        lines.add(new Line(String.format(Locale.ROOT, "embedding: %s tokens × %s (1 + %s changes × %d months, whole corpus each time)",
                count(in.corpusTokens()), count(embeddings), num(in.changesPerMonth()), in.horizonMonths()),
                a.embeddingPerMillion().value().times(in.corpusTokens() / 1e6 * embeddings), a.embeddingPerMillion().basis()));
        lines.add(new Line("vector store: " + in.horizonMonths() + " months", a.vectorDbPerMonth().value().times(months), a.vectorDbPerMonth().basis()));
        lines.add(new Line(String.format(Locale.ROOT, "retrieval compute: %s queries × retrieval time × CPU-hour price", count(queries)),
                a.retrievalMs().value().times(queries / 3_600_000.0).times(a.cpuHour().value()), a.retrievalMs().basis()));
        lines.add(new Line(String.format(Locale.ROOT, "evidence in prompts: %s queries × %s tokens", count(queries), count(in.evidenceTokensPerQuery())),
                a.promptPerMillion().value().times(queries * in.evidenceTokensPerQuery() / 1e6), a.promptPerMillion().basis()));
        lines.add(questionLine(in, a));
        return lines;
    }

    public static Estimate fineTuning(CostInputs in, CostAssumptions a) {
        double runs = 1 + in.changesPerMonth() * in.horizonMonths();
        List<Line> lines = new ArrayList<>();
        lines.add(new Line(String.format(Locale.ROOT, "training: %s runs (1 + %s changes × %d months)", count(runs), num(in.changesPerMonth()),
                in.horizonMonths()), a.fineTuneRun().value().times(runs), a.fineTuneRun().basis()));
        lines.add(labelLine(a));
        lines.add(questionLine(in, a));
        return new Estimate("fine-tuning", sum(lines), lines);
    }

    public static Estimate fullContext(CostInputs in, CostAssumptions a) {
        double queries = in.queriesPerMonth() * in.horizonMonths();
        List<Line> lines = List.of(
                new Line(String.format(Locale.ROOT, "whole corpus in prompts: %s queries × %s tokens", count(queries), count(in.corpusTokens())),
                        a.promptPerMillion().value().times(queries * in.corpusTokens() / 1e6), a.promptPerMillion().basis()),
                questionLine(in, a));
        return new Estimate("full-context", sum(lines), lines);
    }

    public static Estimate hybrid(CostInputs in, CostAssumptions a) {
        List<Line> lines = new ArrayList<>();
        lines.add(new Line("training: 1 run (behaviour only; knowledge changes go to the index)", a.fineTuneRun().value(), a.fineTuneRun().basis()));
        lines.add(labelLine(a));
        lines.addAll(ragLines(in, a));
        return new Estimate("hybrid", sum(lines), lines);
    }

    /**
     * Solves RAG(c) = re-training(c) for the change rate c, at low and at high prices. Both are linear in c: RAG
     * adds a corpus re-embedding per change, fine-tuning a training run.
     */
    public static BreakEven breakEven(CostInputs in, CostAssumptions a) {
        Optional<Double> low = solve(in, a, true), high = solve(in, a, false);
        String sentence;
        if (low.isEmpty() && high.isEmpty()) {
            sentence = "Re-training costs less than RAG at any change rate over " + in.horizonMonths() + " months with these prices.";
        } else if (low.orElse(-1.0) == 0 && high.orElse(-1.0) == 0) {
            sentence = "RAG costs less than re-training at any change rate over " + in.horizonMonths() + " months, even with no changes.";
        } else {
            sentence = String.format(Locale.ROOT, "At %s RAG costs less than re-training at low prices, and at %s at high prices, over %d months.",
                    rate(low), rate(high), in.horizonMonths());
        }
        return new BreakEven(low, high, sentence);
    }

    private static String rate(Optional<Double> r) {
        if (r.isEmpty()) return "no change rate";
        return r.get() == 0 ? "any change rate" : num(r.get()) + " changes a month or more";
    }

    private static Optional<Double> solve(CostInputs in, CostAssumptions a, boolean lowPrices) {
        double r0 = pick(rag(in.withChangesPerMonth(0), a).total(), lowPrices);
        double f0 = pick(fineTuning(in.withChangesPerMonth(0), a).total(), lowPrices);
        double r1 = pick(rag(in.withChangesPerMonth(1), a).total(), lowPrices) - r0;   // RAG's cost of one more change a month
        double f1 = pick(fineTuning(in.withChangesPerMonth(1), a).total(), lowPrices) - f0;
        if (r0 <= f0) return Optional.of(0.0);
        if (f1 <= r1) return Optional.empty();
        return Optional.of((r0 - f0) / (f1 - r1));
    }

    private static double pick(Range r, boolean low) {
        return low ? r.low() : r.high();
    }

    private static Line labelLine(CostAssumptions a) {
        return new Line(String.format(Locale.ROOT, "labelled data: %s pairs × price per pair", range(a.labelledPairs().value())),
                a.labelledPairs().value().times(a.labelledPairPrice().value()),
                a.labelledPairs().basis() + " × " + a.labelledPairPrice().basis());
    }

    private static Line questionLine(CostInputs in, CostAssumptions a) {
        double queries = in.queriesPerMonth() * in.horizonMonths();
        return new Line(String.format(Locale.ROOT, "questions in prompts: %s queries × %s tokens", count(queries), count(in.questionTokens())),
                a.promptPerMillion().value().times(queries * in.questionTokens() / 1e6), a.promptPerMillion().basis());
    }

    private static Range sum(List<Line> lines) {
        Range r = Range.ZERO;
        for (Line l : lines) r = r.plus(l.usd());
        return r;
    }

    static String count(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%,d", (long) v) : String.format(Locale.ROOT, "%,.1f", v);
    }

    static String num(double v) {
        if (v == Math.rint(v)) return Long.toString((long) v);
        return v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String range(Range r) {
        return r.single() ? count(r.low()) : count(r.low()) + "–" + count(r.high());
    }

    /** "$12.34" or "$12.34–56.78". */
    public static String usd(Range r) {
        return r.single() ? usd(r.low()) : usd(r.low()) + "–" + usd(r.high()).substring(1);
    }

    public static String usd(double v) {
        if (v >= 100) return String.format(Locale.ROOT, "$%,.0f", v);
        return String.format(Locale.ROOT, "$%,.2f", v);
    }
}
