package io.knowhow.eval.report;

import io.knowhow.eval.advise.Advice;
import io.knowhow.eval.advise.CostModel;
import io.knowhow.eval.advise.Step;
import io.knowhow.eval.compare.ComparisonReport;
import io.knowhow.eval.compare.StrategyReport;
import io.knowhow.eval.compare.TunedRun;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * report.html: one self-contained page — inline CSS and SVG, no script, no external asset — with a bar chart per
 * dimension (one bar per strategy; unavailable strategies listed with their reason), the latency distribution of each
 * strategy, the tuned model's loss curve when its run log is there, the reference's eight rows measured, and the advice.
 */
public final class HtmlReport {
    private static final String[] COLOURS = {"#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b83280"};

    /** One bar chart: a metric, how to read it, and where its value comes from. */
    private record Dimension(String metric, String title, String better, boolean rate, Function<StrategyReport, Double> value) {}

    private static final List<Dimension> DIMENSIONS = List.of(
            new Dimension("accuracy", "Accuracy", "higher is better", true, s -> s.metrics().accuracy()),
            new Dimension("f1", "Token F1", "higher is better", true, s -> s.metrics().f1()),
            new Dimension("hallucination_rate", "Hallucination rate", "lower is better", true, s -> s.metrics().hallucinationRate()),
            new Dimension("abstention_rate", "Abstention rate", "right when the corpus does not answer", true, s -> s.metrics().abstentionRate()),
            new Dimension("citation_precision", "Citation precision", "higher is better", true, s -> s.metrics().citationPrecision()),
            new Dimension("citation_recall", "Citation recall", "higher is better", true, s -> s.metrics().citationRecall()),
            new Dimension("format_adherence", "Format adherence (schema-valid)", "higher is better", true, s -> s.metrics().formatAdherence()),
            new Dimension("freshness_after", "Changed facts right after the update", "higher is better", true,
                    s -> s.freshness() == null ? null : s.freshness().accuracyAfter()),
            new Dimension("latency_p50", "Latency p50 (ms)", "lower is better", false, s -> s.latency().p50()),
            new Dimension("tokens_per_1k", "Tokens per 1,000 questions", "lower is cheaper", false, s -> s.metrics().tokensPer1k()));

    private HtmlReport() {}

    public static String render(ComparisonReport r, Advice advice) {
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>knowhow eval compare</title>\n<style>")
                .append("body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1a202c;padding:0 1em}")
                .append("h1{margin-bottom:.2em}section{margin:2em 0}.grid{display:flex;flex-wrap:wrap;gap:1.2em}")
                .append("figure{margin:0;border:1px solid #e2e8f0;border-radius:6px;padding:.6em .8em;background:#fff}")
                .append("figcaption{font-weight:600}figcaption small{font-weight:400;color:#4a5568}")
                .append("table{border-collapse:collapse;width:100%}td,th{border:1px solid #e2e8f0;padding:.35em .5em;vertical-align:top;text-align:left}")
                .append("th{background:#f7fafc}.rec{font-size:1.6em;font-weight:700;color:#2b6cb0}.unavailable{color:#718096}")
                .append(".measured{color:#2f855a;font-weight:600}.given{color:#718096}svg text{font:12px system-ui,sans-serif}")
                .append("</style></head><body>\n");
        h.append("<h1>knowhow eval compare</h1><p id=\"summary\">").append(r.questions()).append(" questions; ")
                .append(r.strategies().stream().filter(StrategyReport::available).count()).append(" of ").append(r.strategies().size())
                .append(" strategies ran.").append(r.update() == null ? "" : " Update: " + esc(r.update())).append("</p>\n");
        if (advice != null) advice(h, advice);
        strategies(h, r);
        h.append("<section id=\"dimensions\"><h2>Per dimension</h2><div class=\"grid\">\n");
        List<StrategyReport> ran = r.strategies().stream().filter(StrategyReport::available).toList();
        for (Dimension d : DIMENSIONS) bars(h, d, ran);
        h.append("</div></section>\n");
        latency(h, ran);
        if (r.tunedRun() != null && !r.tunedRun().steps().isEmpty()) loss(h, r.tunedRun());
        h.append("<section id=\"reference\"><h2>The reference's comparison, measured</h2><table><tr><th>dimension</th><th>RAG (reference)</th>")
                .append("<th>fine-tuning (reference)</th><th>measured here</th></tr>\n");
        for (ReferenceRows.Row row : ReferenceRows.rows(r, advice))
            h.append("<tr><td>").append(esc(row.dimension())).append("</td><td>").append(esc(row.rag())).append("</td><td>")
                    .append(esc(row.fineTuning())).append("</td><td>").append(esc(row.measured())).append("</td></tr>\n");
        h.append("</table></section>\n");
        if (advice != null) costs(h, advice.costs());
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void advice(StringBuilder h, Advice a) {
        h.append("<section id=\"advice\"><h2>Advice</h2><p class=\"rec\">").append(esc(a.recommendation()));
        if (!a.also().isEmpty()) h.append(" <small>(also ").append(esc(String.join(", ", a.also()))).append(")</small>");
        h.append("</p><table><tr><th>step</th><th>question</th><th>answer</th><th>how</th><th>reason</th></tr>\n");
        for (Step s : a.steps())
            h.append("<tr><td>").append(s.step()).append("</td><td>").append(esc(s.question())).append("</td><td>").append(esc(s.answer()))
                    .append("</td><td class=\"").append(s.measured() ? "measured\">measured" : s.answer().equals("unknown") ? "given\">unknown" : "given\">given").append("</td><td>")
                    .append(esc(s.reason())).append("</td></tr>\n");
        h.append("</table>");
        if (!a.wouldChange().isEmpty()) {
            h.append("<p>What would change the answer:</p><ul>");
            for (String w : a.wouldChange()) h.append("<li>").append(esc(w)).append("</li>");
            h.append("</ul>");
        }
        h.append("</section>\n");
    }

    private static void strategies(StringBuilder h, ComparisonReport r) {
        h.append("<section id=\"strategies\"><h2>Strategies</h2><table><tr><th>strategy</th><th>generator</th><th>scored</th><th>unscored</th><th>note</th></tr>\n");
        for (StrategyReport s : r.strategies()) {
            if (!s.available()) {
                h.append("<tr class=\"unavailable\"><td>").append(esc(s.strategy())).append("</td><td colspan=\"3\">unavailable</td><td>")
                        .append(esc(s.reason())).append("</td></tr>\n");
                continue;
            }
            h.append("<tr><td>").append(esc(s.strategy())).append("</td><td>").append(esc(s.generator())).append("</td><td>")
                    .append(s.metrics().scored()).append("</td><td>").append(s.metrics().unscored()).append("</td><td>")
                    .append(esc(String.join("; ", s.metrics().unscoredReasons().keySet()))).append("</td></tr>\n");
        }
        h.append("</table></section>\n");
    }

    private static void bars(StringBuilder h, Dimension d, List<StrategyReport> ran) {
        List<StrategyReport> with = ran.stream().filter(s -> d.value().apply(s) != null).toList();
        if (with.isEmpty()) return;
        double max = d.rate() ? 1 : with.stream().mapToDouble(s -> d.value().apply(s)).max().orElse(1);
        if (max <= 0) max = 1;
        int rowH = 26, labelW = 110, barW = 240, height = with.size() * rowH + 8;
        h.append("<figure class=\"chart\" data-metric=\"").append(d.metric()).append("\"><figcaption>").append(esc(d.title()))
                .append(" <small>").append(esc(d.better())).append("</small></figcaption>\n<svg width=\"")
                .append(labelW + barW + 70).append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"").append(esc(d.title())).append("\">");
        for (int i = 0; i < with.size(); i++) {
            StrategyReport s = with.get(i);
            double v = d.value().apply(s);
            int y = 4 + i * rowH;
            int w = (int) Math.round(barW * Math.max(0, Math.min(1, v / max)));
            h.append("<text x=\"0\" y=\"").append(y + 16).append("\">").append(esc(s.strategy())).append("</text>")
                    .append("<rect class=\"bar\" data-strategy=\"").append(esc(s.strategy())).append("\" data-value=\"").append(fmt(v))
                    .append("\" x=\"").append(labelW).append("\" y=\"").append(y + 3).append("\" width=\"").append(Math.max(w, 1))
                    .append("\" height=\"18\" fill=\"").append(COLOURS[indexOf(ran, s) % COLOURS.length]).append("\"/>")
                    .append("<text x=\"").append(labelW + Math.max(w, 1) + 6).append("\" y=\"").append(y + 16).append("\">")
                    .append(d.rate() ? String.format(Locale.ROOT, "%.0f%%", v * 100) : fmt(v)).append("</text>");
        }
        h.append("</svg></figure>\n");
    }

    private static void latency(StringBuilder h, List<StrategyReport> ran) {
        List<StrategyReport> with = ran.stream().filter(s -> !s.latency().samples().isEmpty()).toList();
        if (with.isEmpty()) return;
        double max = with.stream().flatMap(s -> s.latency().samples().stream()).mapToDouble(Double::doubleValue).max().orElse(1);
        double logMax = Math.log10(Math.max(max, 1) * 1.2);
        int labelW = 110, plotW = 600, rowH = 34, height = with.size() * rowH + 30;
        h.append("<section id=\"latency\"><h2>Latency distribution</h2><p>Every answer's wall time (log scale, ms); the tick marks p50 and p95. ")
                .append("Not deterministic: kept out of the scored metrics.</p>\n<svg width=\"").append(labelW + plotW + 20)
                .append("\" height=\"").append(height).append("\">");
        for (int i = 0; i < with.size(); i++) {
            StrategyReport s = with.get(i);
            int y = 10 + i * rowH;
            h.append("<text x=\"0\" y=\"").append(y + 14).append("\">").append(esc(s.strategy())).append("</text>");
            String colour = COLOURS[indexOf(ran, s) % COLOURS.length];
            for (double v : s.latency().samples())
                h.append("<circle class=\"latency-dot\" cx=\"").append(fmt(labelW + x(v, logMax, plotW))).append("\" cy=\"").append(y + 10)
                        .append("\" r=\"3\" fill=\"").append(colour).append("\" fill-opacity=\"0.5\"/>");
            for (Double p : new Double[]{s.latency().p50(), s.latency().p95()})
                if (p != null) h.append("<line x1=\"").append(fmt(labelW + x(p, logMax, plotW))).append("\" x2=\"").append(fmt(labelW + x(p, logMax, plotW)))
                        .append("\" y1=\"").append(y).append("\" y2=\"").append(y + 20).append("\" stroke=\"#1a202c\" stroke-width=\"2\"/>");
        }
        int axisY = height - 12;
        for (double tick : new double[]{0.1, 1, 10, 100, 1000, 10_000}) {
            if (Math.log10(tick) > logMax) break;
            h.append("<text x=\"").append(fmt(labelW + x(tick, logMax, plotW))).append("\" y=\"").append(axisY).append("\">").append(fmt(tick)).append("</text>");
        }
        h.append("</svg></section>\n");
    }

    private static double x(double ms, double logMax, int width) {
        double lo = -1; // 0.1 ms
        double v = Math.log10(Math.max(ms, 0.1));
        return (v - lo) / (logMax - lo) * width;
    }

    private static void loss(StringBuilder h, TunedRun t) {
        int w = 600, hgt = 220, pad = 40;
        double maxStep = t.steps().get(t.steps().size() - 1)[0];
        double maxLoss = 0;
        for (double[] p : t.steps()) maxLoss = Math.max(maxLoss, p[1]);
        for (double[] p : t.validation()) maxLoss = Math.max(maxLoss, p[1]);
        if (maxLoss <= 0) maxLoss = 1;
        if (maxStep <= 0) maxStep = 1;
        h.append("<section id=\"loss\"><h2>Fine-tuning loss</h2><p>From ").append(esc(t.runLog()))
                .append(t.trainSeconds() == null ? "" : String.format(Locale.ROOT, " (%.0f s of training)", t.trainSeconds()))
                .append(".</p>\n<svg width=\"").append(w + pad).append("\" height=\"").append(hgt + pad).append("\">");
        h.append("<polyline class=\"loss-curve\" fill=\"none\" stroke=\"#2b6cb0\" stroke-width=\"1.5\" points=\"");
        for (double[] p : t.steps()) h.append(fmt(pad + p[0] / maxStep * w)).append(',').append(fmt(hgt - p[1] / maxLoss * (hgt - 10))).append(' ');
        h.append("\"/>");
        if (!t.validation().isEmpty()) {
            h.append("<polyline class=\"val-curve\" fill=\"none\" stroke=\"#c05621\" stroke-width=\"2\" points=\"");
            for (double[] p : t.validation()) h.append(fmt(pad + p[0] / maxStep * w)).append(',').append(fmt(hgt - p[1] / maxLoss * (hgt - 10))).append(' ');
            h.append("\"/>");
        }
        h.append("<text x=\"0\" y=\"14\">").append(fmt(maxLoss)).append("</text><text x=\"0\" y=\"").append(hgt).append("\">0</text>")
                .append("<text x=\"").append(pad + w - 60).append("\" y=\"").append(hgt + 20).append("\">step ").append(fmt(maxStep)).append("</text></svg></section>\n");
    }

    private static void costs(StringBuilder h, CostModel.Table t) {
        h.append("<section id=\"costs\"><h2>Cost over ").append(t.inputs().horizonMonths()).append(" months (USD)</h2><table><tr><th>approach</th><th>total</th><th>made of</th></tr>\n");
        for (CostModel.Estimate e : t.estimates()) {
            h.append("<tr><td>").append(esc(e.approach())).append("</td><td>").append(esc(CostModel.usd(e.total()))).append("</td><td><ul>");
            for (CostModel.Line l : e.lines())
                h.append("<li>").append(esc(l.item())).append(": ").append(esc(CostModel.usd(l.usd()))).append(" <small>(").append(esc(l.basis())).append(")</small></li>");
            h.append("</ul></td></tr>\n");
        }
        h.append("</table><p id=\"break-even\">").append(esc(t.breakEven().sentence())).append(" ").append(esc(t.excluded())).append(".</p></section>\n");
    }

    private static int indexOf(List<StrategyReport> ran, StrategyReport s) {
        return Math.max(0, ran.indexOf(s));
    }

    private static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) return Long.toString((long) v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Escapes text for HTML element content and attribute values. */
    static String esc(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** For tests: the chart metrics the page has for these results. */
    static List<String> chartedMetrics(List<StrategyReport> ran) {
        List<String> out = new ArrayList<>();
        for (Dimension d : DIMENSIONS) if (ran.stream().anyMatch(s -> d.value().apply(s) != null)) out.add(d.metric());
        return out;
    }
}
