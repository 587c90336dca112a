package io.knowhow.eval.report;

import io.knowhow.eval.advise.Advice;
import io.knowhow.eval.advise.CostModel;
import io.knowhow.eval.advise.Step;
import io.knowhow.eval.compare.ComparisonReport;
import io.knowhow.eval.compare.StrategyReport;

import java.util.Locale;
import java.util.Map;

/** report.md: the strategies side by side, the reference's eight rows with the measured values, and the advice. */
public final class MarkdownReport {
    private MarkdownReport() {}

    public static String render(ComparisonReport r, Advice advice) {
        StringBuilder sb = new StringBuilder("# knowhow eval compare\n\n");
        sb.append(r.questions()).append(" questions.\n\n");
        sb.append(summaryTable(r)).append('\n');
        for (StrategyReport s : r.strategies())
            if (s.available() && s.metrics().unscored() > 0) {
                sb.append("- ").append(s.strategy()).append(": ").append(s.metrics().unscored()).append(" unscored");
                for (Map.Entry<String, Integer> e : s.metrics().unscoredReasons().entrySet())
                    sb.append(" — ").append(e.getValue()).append("× ").append(cell(e.getKey()));
                sb.append('\n');
            }
        if (r.retrieval() != null && r.retrieval().questions() > 0)
            sb.append(String.format(Locale.ROOT, "%nRetrieval (%d questions with sources): recall@%d %s, MRR %s, nDCG@10 %s%n",
                    r.retrieval().questions(), r.retrieval().k(), ReferenceRows.num(r.retrieval().recallAtK()),
                    ReferenceRows.num(r.retrieval().mrr()), ReferenceRows.num(r.retrieval().ndcg10())));
        if (r.update() != null) sb.append("\nUpdate: ").append(r.update()).append('\n');
        sb.append("\n## The reference's comparison, measured\n\n| dimension | RAG (reference) | fine-tuning (reference) | measured here |\n|---|---|---|---|\n");
        for (ReferenceRows.Row row : ReferenceRows.rows(r, advice))
            sb.append("| ").append(row.dimension()).append(" | ").append(row.rag()).append(" | ").append(row.fineTuning()).append(" | ")
                    .append(cell(row.measured())).append(" |\n");
        if (advice != null) sb.append('\n').append(advice(advice));
        return sb.toString();
    }

    public static String summaryTable(ComparisonReport r) {
        StringBuilder sb = new StringBuilder("| strategy | accuracy | EM | F1 | hallucination | abstention | citation P | citation R | format | p50 ms | p95 ms | tokens/1k |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (StrategyReport s : r.strategies()) {
            if (!s.available()) {
                sb.append("| ").append(s.strategy()).append(" | unavailable: ").append(cell(s.reason())).append(" ||||||||||| \n");
                continue;
            }
            var m = s.metrics();
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", s.strategy(), ReferenceRows.num(m.accuracy()),
                    ReferenceRows.num(m.exactMatch()), ReferenceRows.num(m.f1()), ReferenceRows.num(m.hallucinationRate()),
                    ReferenceRows.num(m.abstentionRate()), ReferenceRows.num(m.citationPrecision()), ReferenceRows.num(m.citationRecall()),
                    ReferenceRows.num(m.formatAdherence()), ms(s.latency().p50()), ms(s.latency().p95()),
                    m.tokensPer1k() == null ? "–" : String.format(Locale.ROOT, "%,.0f", m.tokensPer1k())));
        }
        return sb.toString();
    }

    public static String advice(Advice a) {
        StringBuilder sb = new StringBuilder("## Advice: ").append(a.recommendation());
        if (!a.also().isEmpty()) sb.append(" (also ").append(String.join(", ", a.also())).append(')');
        sb.append("\n\n| step | question | answer | measured | reason |\n|---|---|---|---|---|\n");
        for (Step s : a.steps())
            sb.append("| ").append(s.step()).append(" | ").append(s.question()).append(" | ").append(s.answer()).append(" | ")
                    .append(s.measured() ? "measured" : "given/unknown").append(" | ").append(cell(s.reason())).append(" |\n");
        if (!a.wouldChange().isEmpty()) {
            sb.append("\nWhat would change the answer:\n\n");
            for (String w : a.wouldChange()) sb.append("- ").append(w).append('\n');
        }
        sb.append("\n").append(costTable(a.costs()));
        return sb.toString();
    }

    public static String costTable(CostModel.Table t) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Cost over %d months (USD; %,.0f questions a month, %s changes a month (%s), %,.0f corpus tokens):%n%n",
                t.inputs().horizonMonths(), t.inputs().queriesPerMonth(), fmt(t.inputs().changesPerMonth()), t.inputs().changesBasis(), t.inputs().corpusTokens()));
        sb.append("| approach | total | made of |\n|---|---|---|\n");
        for (CostModel.Estimate e : t.estimates()) {
            StringBuilder lines = new StringBuilder();
            for (CostModel.Line l : e.lines()) {
                if (!lines.isEmpty()) lines.append("; ");
                lines.append(l.item()).append(" ").append(CostModel.usd(l.usd())).append(" (").append(l.basis()).append(')');
            }
            sb.append("| ").append(e.approach()).append(" | ").append(CostModel.usd(e.total())).append(" | ").append(cell(lines.toString())).append(" |\n");
        }
        sb.append('\n').append(t.breakEven().sentence()).append(' ').append(t.excluded().substring(0, 1).toUpperCase(Locale.ROOT))
                .append(t.excluded().substring(1)).append(".\n");
        return sb.toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String ms(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.1f", v);
    }

    static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
