package io.knowhow.cli;

import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
import io.knowhow.core.rag.Strategy;
import io.knowhow.eval.Evaluation;
import io.knowhow.eval.advise.Advice;
import io.knowhow.eval.compare.CompareRequest;
import io.knowhow.eval.compare.Comparison;
import io.knowhow.eval.compare.ComparisonReport;
import io.knowhow.eval.compare.StrategyReport;
import io.knowhow.eval.compare.Thresholds;
import io.knowhow.eval.qa.QaCase;
import io.knowhow.eval.qa.QaFile;
import io.knowhow.eval.report.JsonReport;
import io.knowhow.eval.report.ReportFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code knowhow eval}: measure strategies on your own questions. */
@Command(name = "eval", mixinStandardHelpOptions = true, subcommands = EvalCommand.Compare.class,
        description = {"Measure the strategies on your own questions (see `knowhow eval compare --help`)."})
final class EvalCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** {@code knowhow eval compare --qa FILE}: every strategy on the same questions, side by side. */
    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = {"Ask a QA file's questions with every available strategy and score them side by side:",
                    "accuracy, exact match, F1, hallucination, abstention, citations, format, latency, tokens and cost;",
                    "with --update, how fast changed facts show up. Strategies that cannot run here are listed with the reason.",
                    "The knowledge base is only read: --update goes into a temporary copy. File format: docs/eval-format.md."},
            footer = {"", "Examples:", "  knowhow eval compare --qa qa.jsonl --out report/",
                    "  knowhow eval compare --qa qa.jsonl --update new-docs/ --update-qa changed.jsonl --json",
                    "  knowhow eval compare --qa qa.jsonl --strategies rag --fail-under accuracy=0.8,hallucination_rate<=0.05"})
    static final class Compare implements Callable<Integer> {
        @ParentCommand
        EvalCommand eval;

        @Spec
        CommandSpec spec;

        @Option(names = "--qa", paramLabel = "FILE", required = true, description = "the questions (JSONL: question, answers, sources, abstain, schema)")
        Path qa;

        @Option(names = "--update", paramLabel = "DIR", description = "documents that change facts, ingested into a copy of the knowledge base")
        Path update;

        @Option(names = "--update-qa", paramLabel = "FILE", description = "the questions whose answers the update changes")
        Path updateQa;

        @Option(names = "--strategies", paramLabel = "LIST", split = ",", description = "rag, full-context, prompt-only, tuned, tuned-rag (default: all)")
        List<String> strategies = new ArrayList<>();

        @Option(names = "--repeat", paramLabel = "N", defaultValue = "1", description = "runs per strategy, for a non-deterministic generator: mean, spread and pass^N")
        int repeat;

        @Option(names = "--out", paramLabel = "DIR", description = "write report.html, report.md and report.json there")
        Path out;

        @Option(names = "--json", description = "print the results as JSON")
        boolean json;

        @Option(names = "--dry-run", description = "print the questions, strategies and estimated tokens and cost; ask nothing")
        boolean dryRun;

        @Option(names = "--fail-under", paramLabel = "SPEC", description = "exit 1 unless every strategy meets these, e.g. accuracy=0.8,hallucination_rate<=0.05")
        String failUnder;

        @Mixin
        RetrievalOptions.ReaderOptions reader = new RetrievalOptions.ReaderOptions();

        @Override
        public Integer call() {
            Thresholds thresholds = failUnder == null ? null : parseThresholds(failUnder);
            List<Strategy> selected = new ArrayList<>();
            for (String s : strategies) {
                try {
                    selected.add(Strategy.parse(s));
                } catch (IllegalArgumentException e) {
                    throw new UsageError("--strategies: " + e.getMessage());
                }
            }
            if ((update == null) != (updateQa == null)) throw new UsageError("--update DIR and --update-qa FILE go together");
            if (repeat < 1 || repeat > 100) throw new UsageError("--repeat must be between 1 and 100, got " + repeat);
            List<QaCase> cases = QaFile.read(qa);
            List<QaCase> changed = updateQa == null ? List.of() : QaFile.read(updateQa);
            CompareRequest request = new CompareRequest(cases, selected, repeat, Optional.ofNullable(update), changed);
            PrintWriter o = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            try (Knowhow kb = Knowhow.builder(eval.main.kbDir(System.getenv())).environment(eval.main.environment()).notices(m -> err.println("knowhow: " + Terminal.line(m))).build()) {
                Evaluation evaluation = new Evaluation(kb, reader.reader());
                if (dryRun) return dryRun(o, evaluation, request);
                boolean tty = System.console() != null && !json;
                ComparisonReport report = evaluation.compare(request, tty ? (s, done, total) -> {
                    err.print("\r" + s + " " + done + "/" + total + "   ");
                    err.flush();
                } : Comparison.Progress.NONE);
                if (tty) err.println();
                Advice advice = evaluation.adviceFor(report);
                if (out != null) {
                    List<Path> files = ReportFiles.write(out, report, advice);
                    if (!json) o.println("wrote " + String.join(", ", files.stream().map(Path::toString).toList()));
                }
                if (json) o.println(JsonViews.pretty(JsonReport.comparison(report, null)));
                else print(o, report);
                if (thresholds != null) {
                    List<String> failed = thresholds.failures(report);
                    if (!failed.isEmpty()) {
                        for (String f : failed) err.println("knowhow: --fail-under: " + f);
                        return 1;
                    }
                    if (!json) o.println("--fail-under " + failUnder + ": passed");
                }
            }
            return 0;
        }

        private static Thresholds parseThresholds(String spec) {
            try {
                return Thresholds.parse(spec);
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
        }

        private int dryRun(PrintWriter o, Evaluation evaluation, CompareRequest request) {
            List<Evaluation.Estimate> est = evaluation.estimate(request);
            if (json) {
                var root = JsonViews.object();
                root.put("questions", request.cases().size());
                root.put("update_questions", request.updateQa().size());
                root.put("repeat", request.repeat());
                var arr = root.putArray("strategies");
                for (Evaluation.Estimate e : est) {
                    var n = arr.addObject();
                    n.put("strategy", e.strategy());
                    n.put("available", e.available());
                    n.put("reason", e.reason());
                    n.put("estimated_prompt_tokens", e.promptTokens());
                    n.put("estimated_completion_tokens_at_most", e.completionTokens());
                    n.put("estimated_cost", e.cost());
                    n.put("model_reads_tokens", e.modelRuns());
                }
                o.println(JsonViews.pretty(root));
                return 0;
            }
            o.printf(Locale.ROOT, "Dry run: %d questions%s, %d run%s; nothing is asked.%n", request.cases().size(),
                    request.updateQa().isEmpty() ? "" : " + " + request.updateQa().size() + " after the update", request.repeat(), request.repeat() == 1 ? "" : "s");
            for (QaCase c : request.cases())
                o.println("  " + c.id() + ": " + Terminal.line(c.question()) + (c.abstain() ? "  (expects an abstention)" : ""));
            o.println();
            o.printf(Locale.ROOT, "%-13s %16s %22s %12s%n", "strategy", "prompt tokens", "completion tokens ≤", "cost");
            for (Evaluation.Estimate e : est) {
                if (!e.available()) o.printf(Locale.ROOT, "%-13s unavailable: %s%n", e.strategy(), Terminal.line(e.reason()));
                else o.printf(Locale.ROOT, "%-13s %,16d %,22d %12.4f%s%n", e.strategy(), e.promptTokens(), e.completionTokens(), e.cost(),
                        e.modelRuns() ? "" : "  (extractive: no model, nothing spent; an LLM would read these)");
            }
            return 0;
        }

        static void print(PrintWriter o, ComparisonReport r) {
            o.printf(Locale.ROOT, "%d questions%n%n", r.questions());
            o.printf(Locale.ROOT, "%-13s %8s %6s %6s %8s %8s %7s %7s %7s %9s %9s%n", "strategy", "accuracy", "EM", "F1", "halluc.", "abstain",
                    "cite P", "cite R", "format", "p50 ms", "p95 ms");
            for (StrategyReport s : r.strategies()) {
                if (!s.available()) {
                    o.printf(Locale.ROOT, "%-13s unavailable: %s%n", s.strategy(), Terminal.line(s.reason()));
                    continue;
                }
                var m = s.metrics();
                o.printf(Locale.ROOT, "%-13s %8s %6s %6s %8s %8s %7s %7s %7s %9s %9s%n", s.strategy(), n(m.accuracy()), n(m.exactMatch()), n(m.f1()),
                        n(m.hallucinationRate()), n(m.abstentionRate()), n(m.citationPrecision()), n(m.citationRecall()), n(m.formatAdherence()),
                        ms(s.latency().p50()), ms(s.latency().p95()));
                if (m.unscored() > 0) m.unscoredReasons().forEach((why, count) -> o.println("              " + count + " unscored: " + Terminal.line(why)));
                if (s.repeats() != null)
                    o.printf(Locale.ROOT, "              %d runs: accuracy %s ± %s, pass^%d %s%n", s.repeats().runs(), n(s.repeats().mean().get("accuracy")),
                            n(s.repeats().stddev().get("accuracy")), s.repeats().runs(), n(s.repeats().passAll()));
            }
            if (r.retrieval() != null && r.retrieval().questions() > 0)
                o.printf(Locale.ROOT, "%nretrieval (%d questions with sources): recall@%d %s, MRR %s, nDCG@10 %s%n", r.retrieval().questions(),
                        r.retrieval().k(), n(r.retrieval().recallAtK()), n(r.retrieval().mrr()), n(r.retrieval().ndcg10()));
            if (r.retrieval() != null && !r.retrieval().unmatched().isEmpty())
                o.println("warning: sources named in the QA file but not in the knowledge base: " + String.join(", ", r.retrieval().unmatched()));
            if (r.update() != null) {
                o.println();
                o.println("update: " + Terminal.line(r.update()));
                for (StrategyReport s : r.strategies()) {
                    if (!s.available() || s.freshness() == null) continue;
                    var f = s.freshness();
                    o.printf(Locale.ROOT, "  %-13s changed facts %s → %s%s%s — %s%n", s.strategy(), n(f.accuracyBefore()), n(f.accuracyAfter()),
                            f.visibleSeconds() == null ? "" : String.format(Locale.ROOT, ", visible after %.2f s", f.visibleSeconds()),
                            f.retrainSeconds() == null ? "" : String.format(Locale.ROOT, ", re-training %.0f s", f.retrainSeconds()), f.note());
                }
            }
        }

        private static String n(Double v) {
            return v == null ? "–" : String.format(Locale.ROOT, "%.2f", v);
        }

        private static String ms(Double v) {
            return v == null ? "–" : String.format(Locale.ROOT, "%.1f", v);
        }
    }
}
