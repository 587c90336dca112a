package io.knowhow.eval.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.knowhow.app.json.JsonViews;
import io.knowhow.eval.Evaluation;
import io.knowhow.eval.advise.Advice;
import io.knowhow.eval.advise.CostModel;
import io.knowhow.eval.advise.CorpusSize;
import io.knowhow.eval.advise.Price;
import io.knowhow.eval.advise.Step;
import io.knowhow.eval.compare.CaseResult;
import io.knowhow.eval.compare.ComparisonReport;
import io.knowhow.eval.compare.Freshness;
import io.knowhow.eval.compare.Retrieval;
import io.knowhow.eval.compare.StrategyReport;
import io.knowhow.eval.compare.TunedRun;

import java.util.List;
import java.util.Map;

/**
 * The JSON of {@code eval compare --json} / report.json and {@code advise --json}. snake_case, fields added and never
 * renamed; an undefined metric is {@code null}. The values that are not deterministic (wall-clock times) are listed
 * in each strategy's {@code nondeterministic} array, so a CI diff can leave exactly those out.
 */
public final class JsonReport {
    /** The metric fields measured by the clock, not by the answers. */
    public static final List<String> NONDETERMINISTIC = List.of("latency_ms_p50", "latency_ms_p95", "retrieval_ms_p50");

    private JsonReport() {}

    public static ObjectNode comparison(ComparisonReport r, Advice advice) {
        ObjectNode root = JsonViews.object();
        root.put("questions", r.questions());
        ArrayNode arr = root.putArray("strategies");
        for (StrategyReport s : r.strategies()) arr.add(strategy(s, r.retrieval()));
        if (r.retrieval() != null) root.set("retrieval", retrieval(r.retrieval()));
        if (r.update() != null) root.put("update", r.update());
        if (r.tunedRun() != null) root.set("tuned_run", tunedRun(r.tunedRun()));
        if (advice != null) root.set("advice", advice(advice, null));
        return root;
    }

    static ObjectNode strategy(StrategyReport s, Retrieval retrieval) {
        ObjectNode n = JsonViews.object();
        n.put("strategy", s.strategy());
        n.put("available", s.available());
        n.put("reason", s.reason());
        if (!s.available()) return n;
        n.put("generator", s.generator());
        ObjectNode m = n.putObject("metrics");
        for (Map.Entry<String, Double> e : s.metrics().named().entrySet()) put(m, e.getKey(), e.getValue());
        if (retrieval != null && (s.strategy().equals("rag") || s.strategy().equals("tuned-rag"))) {
            put(m, "recall_at_k", retrieval.recallAtK());
            put(m, "mrr", retrieval.mrr());
            put(m, "ndcg_at_10", retrieval.ndcg10());
        }
        put(m, "latency_ms_p50", s.latency().p50());
        put(m, "latency_ms_p95", s.latency().p95());
        put(m, "retrieval_ms_p50", s.latency().retrievalP50());
        m.put("cases", s.metrics().cases());
        m.put("scored", s.metrics().scored());
        m.put("unscored", s.metrics().unscored());
        ObjectNode reasons = m.putObject("unscored_reasons");
        s.metrics().unscoredReasons().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> reasons.put(e.getKey(), e.getValue()));
        ArrayNode nd = n.putArray("nondeterministic");
        NONDETERMINISTIC.forEach(nd::add);
        if (s.repeats() != null) {
            ObjectNode rep = n.putObject("repeats");
            rep.put("runs", s.repeats().runs());
            put(rep, "pass_all", s.repeats().passAll());
            ObjectNode per = rep.putObject("metrics");
            for (String k : s.repeats().mean().keySet()) {
                ObjectNode one = per.putObject(k);
                put(one, "mean", s.repeats().mean().get(k));
                put(one, "stddev", s.repeats().stddev().get(k));
                put(one, "min", s.repeats().min().get(k));
                put(one, "max", s.repeats().max().get(k));
            }
        }
        if (s.freshness() != null) {
            Freshness f = s.freshness();
            ObjectNode fr = n.putObject("freshness");
            fr.put("questions", f.questions());
            put(fr, "accuracy_before", f.accuracyBefore());
            put(fr, "accuracy_after", f.accuracyAfter());
            put(fr, "visible_after_s", f.visibleSeconds());
            put(fr, "retrain_s", f.retrainSeconds());
            fr.put("note", f.note());
        }
        if (s.forgetting() != null) {
            ObjectNode fg = n.putObject("forgetting");
            fg.put("measured", s.forgetting().measured());
            put(fg, "before", s.forgetting().before());
            put(fg, "after", s.forgetting().after());
            fg.put("source", s.forgetting().source());
        }
        ArrayNode cases = n.putArray("cases");
        for (CaseResult c : s.cases()) cases.add(caseNode(c));
        return n;
    }

    static ObjectNode caseNode(CaseResult c) {
        ObjectNode n = JsonViews.object();
        n.put("id", c.caseId());
        if (c.run() > 0) n.put("run", c.run());
        if (!c.scored()) {
            n.put("unscored", c.unscoredReason());
            return n;
        }
        n.put("correct", c.correct());
        n.put("abstained", c.abstained());
        n.put("hallucinated", c.hallucinated());
        put(n, "exact_match", c.exactMatch());
        put(n, "f1", c.f1());
        if (!c.unsupportedSentences().isEmpty()) n.putPOJO("unsupported_sentences", c.unsupportedSentences());
        n.put("grounding_basis", c.groundingBasis());
        n.putPOJO("cited_sources", c.citedSources());
        put(n, "citation_precision", c.citationPrecision());
        put(n, "citation_recall", c.citationRecall());
        if (c.schemaValid() != null) {
            n.put("schema_valid", c.schemaValid());
            if (!c.schemaProblems().isEmpty()) n.putPOJO("schema_problems", c.schemaProblems());
        }
        n.put("answer", c.answer());
        n.put("latency_ms", Math.round(c.latencyMs() * 100) / 100.0);
        return n;
    }

    static ObjectNode retrieval(Retrieval r) {
        ObjectNode n = JsonViews.object();
        n.put("questions", r.questions());
        n.put("k", r.k());
        put(n, "recall_at_k", r.recallAtK());
        put(n, "mrr", r.mrr());
        put(n, "ndcg_at_10", r.ndcg10());
        n.putPOJO("unmatched_sources", r.unmatched());
        return n;
    }

    static ObjectNode tunedRun(TunedRun t) {
        ObjectNode n = JsonViews.object();
        n.put("run_log", t.runLog());
        put(n, "train_s", t.trainSeconds());
        n.put("steps_logged", t.steps().size());
        if (!t.steps().isEmpty()) n.put("final_loss", t.steps().get(t.steps().size() - 1)[1]);
        return n;
    }

    /** {@code advise --json}: recommendation, also, steps, would_change, costs (and the corpus measured). */
    public static ObjectNode advice(Advice a, CorpusSize corpus) {
        ObjectNode root = JsonViews.object();
        root.put("recommendation", a.recommendation());
        root.putPOJO("also", a.also());
        ArrayNode steps = root.putArray("steps");
        for (Step s : a.steps()) {
            ObjectNode n = steps.addObject();
            n.put("step", s.step());
            n.put("question", s.question());
            n.put("answer", s.answer());
            n.put("measured", s.measured());
            n.put("reason", s.reason());
        }
        root.putPOJO("would_change", a.wouldChange());
        root.set("costs", costs(a.costs()));
        if (corpus != null) {
            ObjectNode c = root.putObject("corpus");
            c.put("tokens", corpus.tokens());
            c.put("chunks", corpus.chunks());
            c.put("sources", corpus.sources());
            c.put("mean_chunk_tokens", Math.round(corpus.meanChunkTokens() * 10) / 10.0);
            c.put("counted_with", corpus.counter());
        }
        return root;
    }

    public static ObjectNode advice(Evaluation.AdviceReport r) {
        return advice(r.advice(), r.corpus().orElse(null));
    }

    static ObjectNode costs(CostModel.Table t) {
        ObjectNode n = JsonViews.object();
        n.put("currency", "USD");
        n.put("horizon_months", t.inputs().horizonMonths());
        n.put("queries_per_month", t.inputs().queriesPerMonth());
        n.put("changes_per_month", round(t.inputs().changesPerMonth()));
        n.put("changes_basis", t.inputs().changesBasis());
        n.put("corpus_tokens", t.inputs().corpusTokens());
        ObjectNode approaches = n.putObject("approaches");
        for (CostModel.Estimate e : t.estimates()) {
            ObjectNode a = approaches.putObject(e.approach());
            a.put("low", round(e.total().low()));
            a.put("high", round(e.total().high()));
            ArrayNode lines = a.putArray("lines");
            for (CostModel.Line l : e.lines()) {
                ObjectNode ln = lines.addObject();
                ln.put("item", l.item());
                ln.put("low", round(l.usd().low()));
                ln.put("high", round(l.usd().high()));
                ln.put("basis", l.basis());
            }
        }
        ObjectNode be = n.putObject("break_even");
        put(be, "changes_per_month_low_prices", t.breakEven().low().map(JsonReport::round).orElse(null));
        put(be, "changes_per_month_high_prices", t.breakEven().high().map(JsonReport::round).orElse(null));
        be.put("sentence", t.breakEven().sentence());
        ObjectNode as = n.putObject("assumptions");
        price(as, "fine_tune_run", t.assumptions().fineTuneRun());
        price(as, "labelled_pairs", t.assumptions().labelledPairs());
        price(as, "labelled_pair_price", t.assumptions().labelledPairPrice());
        price(as, "embedding_per_million_tokens", t.assumptions().embeddingPerMillion());
        price(as, "vector_db_per_month", t.assumptions().vectorDbPerMonth());
        price(as, "retrieval_ms", t.assumptions().retrievalMs());
        price(as, "prompt_per_million_tokens", t.assumptions().promptPerMillion());
        price(as, "cpu_hour", t.assumptions().cpuHour());
        n.put("excluded", t.excluded());
        return n;
    }

    private static void price(ObjectNode parent, String name, Price p) {
        ObjectNode n = parent.putObject(name);
        n.put("low", round(p.value().low()));
        n.put("high", round(p.value().high()));
        n.put("basis", p.basis());
        n.put("note", p.note());
    }

    static double round(double v) {
        return Math.abs(v) >= 1 ? Math.round(v * 100) / 100.0 : Double.parseDouble(String.format(java.util.Locale.ROOT, "%.4g", v));
    }

    private static void put(ObjectNode n, String field, Double v) {
        if (v == null) n.putNull(field);
        else n.put(field, v);
    }
}
