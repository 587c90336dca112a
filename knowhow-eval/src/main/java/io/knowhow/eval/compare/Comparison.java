package io.knowhow.eval.compare;

import io.knowhow.core.model.Answer;
import io.knowhow.core.rag.Strategy;
import io.knowhow.eval.qa.QaCase;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Runs a QA set against strategies side by side and scores them. Cases are asked in file order, strategy by
 * strategy; a case whose ask fails is recorded as unscored with the reason (never dropped, never NaN).
 * With an update, the changed-fact questions are asked of the knowledge base, then of a copy right after the
 * update was ingested into it.
 */
public final class Comparison {
    /** Receives progress: a strategy's questions done out of its total. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (strategy, done, total) -> {};

        void progressed(String strategy, int done, int total);
    }

    private final EvalTarget target;
    private final int retrievalK;
    private final Optional<TunedRun> tunedRun;
    private final Supplier<UpdateSandbox> sandbox;

    /**
     * @param retrievalK the cut-off of recall@k
     * @param tunedRun   the tuned model's run log, when there is one
     * @param sandbox    makes a copy with the update ingested; called only when the request has an update
     */
    public Comparison(EvalTarget target, int retrievalK, Optional<TunedRun> tunedRun, Supplier<UpdateSandbox> sandbox) {
        this.target = target;
        this.retrievalK = retrievalK;
        this.tunedRun = tunedRun;
        this.sandbox = sandbox;
    }

    public ComparisonReport run(CompareRequest request, Progress progress) {
        List<StrategyReport> reports = new ArrayList<>();
        boolean anyRetrieves = false;
        for (Strategy s : request.selected()) {
            Optional<String> why = target.unavailable(s);
            if (why.isPresent()) {
                reports.add(StrategyReport.unavailable(s.label(), why.get()));
                continue;
            }
            anyRetrieves |= s.retrieves();
            reports.add(runStrategy(s, request, progress));
        }
        Retrieval retrieval = anyRetrieves ? Retrieval.measure(target, request.cases(), retrievalK) : null;
        String update = null;
        if (request.update().isPresent()) {
            try (UpdateSandbox box = sandbox.get()) {
                reports = freshness(reports, request.updateQa(), box, progress);
                update = box.description();
            }
        }
        return new ComparisonReport(request.cases().size(), reports, retrieval, update, tunedRun.orElse(null));
    }

    private StrategyReport runStrategy(Strategy s, CompareRequest request, Progress progress) {
        CaseScorer scorer = new CaseScorer(target);
        List<CaseResult> all = new ArrayList<>();
        List<Metrics> perRun = new ArrayList<>();
        int total = request.cases().size() * request.repeat();
        // One untimed ask first, so the first measured answer does not pay for loading models and warming the JIT.
        if (!request.cases().isEmpty()) {
            try {
                target.ask(request.cases().get(0).question(), s);
            } catch (RuntimeException e) {
                // the same failure is recorded when the case is asked for real
            }
        }
        for (int run = 0; run < request.repeat(); run++) {
            List<CaseResult> results = new ArrayList<>();
            for (QaCase c : request.cases()) {
                results.add(ask(scorer, target, c, s, run));
                progress.progressed(s.label(), all.size() + results.size(), total);
            }
            perRun.add(Metrics.of(results));
            all.addAll(results);
        }
        Forgetting forgetting = null;
        if (s.usesTunedModel()) forgetting = tunedRun.map(TunedRun::forgetting)
                .orElse(new Forgetting(false, null, null, "no run log found beside the tuned model"));
        return new StrategyReport(s.label(), true, null, target.generatorName(s), perRun.get(0), Latency.of(all),
                request.repeat() > 1 ? Repeats.of(perRun, all) : null, null, forgetting, all);
    }

    static CaseResult ask(CaseScorer scorer, EvalTarget on, QaCase c, Strategy s, int run) {
        long t0 = System.nanoTime();
        Answer a;
        try {
            a = on.ask(c.question(), s);
        } catch (RuntimeException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return CaseResult.unscored(c.id(), s.label(), run, m, (System.nanoTime() - t0) / 1e6);
        }
        return scorer.score(c, s, run, a, (System.nanoTime() - t0) / 1e6);
    }

    private List<StrategyReport> freshness(List<StrategyReport> reports, List<QaCase> changed, UpdateSandbox box, Progress progress) {
        List<StrategyReport> out = new ArrayList<>();
        List<Double> before = new ArrayList<>();
        for (StrategyReport r : reports) {
            before.add(r.available() ? accuracy(target, changed, Strategy.parse(r.strategy())) : null);
        }
        double ingestSeconds = box.applyUpdate();
        for (int i = 0; i < reports.size(); i++) {
            StrategyReport r = reports.get(i);
            if (!r.available()) {
                out.add(r);
                continue;
            }
            Strategy s = Strategy.parse(r.strategy());
            CaseScorer scorer = new CaseScorer(box.target());
            List<CaseResult> after = new ArrayList<>();
            double firstMs = -1;
            for (QaCase c : changed) {
                CaseResult cr = ask(scorer, box.target(), c, s, 0);
                if (firstMs < 0) firstMs = cr.latencyMs();
                after.add(cr);
            }
            progress.progressed(s.label() + " (update)", changed.size(), changed.size());
            boolean readsKb = s.retrieves() || s == Strategy.FULL_CONTEXT;
            Double visible = readsKb ? Metrics.round(ingestSeconds + firstMs / 1000.0) : null;
            Double retrain = s.usesTunedModel() ? tunedRun.map(TunedRun::trainSeconds).orElse(null) : null;
            String note = readsKb ? "reads the knowledge base: the update shows in the next answer"
                    : s.usesTunedModel() ? "the fine-tuned weights do not change with the documents: re-train to update"
                    + (retrain == null ? " (no run log: training time unknown)" : "")
                    : "no retrieval: the model never sees the update";
            out.add(r.withFreshness(new Freshness(changed.size(), before.get(i), Metrics.of(after).accuracy(), visible, retrain, note)));
        }
        return out;
    }

    private static Double accuracy(EvalTarget on, List<QaCase> cases, Strategy s) {
        CaseScorer scorer = new CaseScorer(on);
        List<CaseResult> r = new ArrayList<>();
        for (QaCase c : cases) r.add(ask(scorer, on, c, s, 0));
        return Metrics.of(r).accuracy();
    }
}
