package io.knowhow.cli;

import io.knowhow.app.Knowhow;
import io.knowhow.app.json.JsonViews;
import io.knowhow.core.model.Reader;
import io.knowhow.eval.Evaluation;
import io.knowhow.eval.advise.Advice;
import io.knowhow.eval.advise.ChangeFrequency;
import io.knowhow.eval.advise.CostModel;
import io.knowhow.eval.advise.Step;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** {@code knowhow advise}: the reference's five-step framework, each step answered by a flag or measured, and the costs. */
@Command(name = "advise", mixinStandardHelpOptions = true,
        description = {"Recommend RAG, fine-tuning, full-context or prompt engineering with the reference's five steps,",
                "each answered by a flag or measured on the knowledge base, and price each approach.",
                "Measured without flags: corpus tokens (stored chunks), change frequency (ingest history);",
                "with --pairs FILE: whether the task has a fixed format; with --qa FILE: whether the baseline is wrong."})
final class AdviseCommand extends KbCommand {
    @Option(names = "--changes", paramLabel = "daily|weekly|monthly|yearly|never", description = "how often your knowledge changes (else measured)")
    String changes;

    @Option(names = "--cite", paramLabel = "yes|no", description = "whether answers must cite their sources")
    String cite;

    @Option(names = "--fixed-format", paramLabel = "yes|no", description = "whether the task is repetitive with a fixed output format (else measured from --pairs)")
    String fixedFormat;

    @Option(names = "--baseline-wrong", paramLabel = "yes|no", description = "whether the model's baseline is consistently wrong for your domain (else measured from --qa)")
    String baselineWrong;

    @Option(names = "--corpus-tokens", paramLabel = "N", description = "tokens of your knowledge corpus (else counted in the knowledge base)")
    Long corpusTokens;

    @Option(names = "--queries-per-month", paramLabel = "N", description = "questions a month, for the costs (default: cost.queries-per-month)")
    Long queriesPerMonth;

    @Option(names = "--pairs", paramLabel = "FILE", description = "labelled pairs (JSONL input/output or messages, or CSV text,label): counted and validated")
    Path pairs;

    @Option(names = "--qa", paramLabel = "FILE", description = "a QA file (docs/eval-format.md): its prompt-only score answers step 4")
    Path qa;

    @Option(names = "--json", description = "print {recommendation, also, steps, costs} as JSON")
    boolean json;

    @Override
    int run(Knowhow kb) {
        if (corpusTokens != null && corpusTokens < 0) throw new UsageError("--corpus-tokens must not be negative");
        if (queriesPerMonth != null && queriesPerMonth < 0) throw new UsageError("--queries-per-month must not be negative");
        Evaluation.AdviseOptions o = new Evaluation.AdviseOptions(
                Optional.ofNullable(changes).map(AdviseCommand::frequency), yesNo("--cite", cite), yesNo("--fixed-format", fixedFormat),
                yesNo("--baseline-wrong", baselineWrong), Optional.ofNullable(corpusTokens), Optional.ofNullable(queriesPerMonth),
                Optional.ofNullable(pairs), Optional.ofNullable(qa), true, Instant.now());
        Evaluation.AdviceReport report = new Evaluation(kb, Reader.unrestricted()).advise(o);
        if (json) out().println(JsonViews.pretty(io.knowhow.eval.report.JsonReport.advice(report)));
        else print(out(), report.advice(), false);
        return 0;
    }

    /** The advice for a terminal; {@code brief} keeps the recommendation, the steps' answers and the break-even only. */
    static void print(PrintWriter out, Advice a, boolean brief) {
        out.println("Recommendation: " + a.recommendation() + (a.also().isEmpty() ? "" : "  (also: " + String.join(", ", a.also()) + ")"));
        out.println();
        for (Step s : a.steps()) {
            out.printf(Locale.ROOT, "%d. %s  %s  [%s]%n", s.step(), s.question(), s.answer(), s.measured() ? "measured" : s.answer().equals("unknown") ? "unknown" : "given");
            if (!brief) out.println("   " + Terminal.line(s.reason()));
        }
        if (!brief && !a.wouldChange().isEmpty()) {
            out.println();
            out.println("What would change the answer:");
            for (String w : a.wouldChange()) out.println("  - " + w);
        }
        CostModel.Table t = a.costs();
        out.println();
        out.printf(Locale.ROOT, "Cost over %d months (USD; %,.0f questions a month, %s changes a month, %s):%n", t.inputs().horizonMonths(),
                t.inputs().queriesPerMonth(), t.inputs().changesPerMonth() == Math.rint(t.inputs().changesPerMonth())
                        ? Long.toString((long) t.inputs().changesPerMonth()) : String.format(Locale.ROOT, "%.2f", t.inputs().changesPerMonth()),
                t.inputs().changesBasis());
        for (CostModel.Estimate e : t.estimates()) {
            out.printf(Locale.ROOT, "  %-13s %s%n", e.approach(), CostModel.usd(e.total()));
            if (!brief) for (CostModel.Line l : e.lines()) out.printf(Locale.ROOT, "      %-14s %s  [%s]%n", CostModel.usd(l.usd()), l.item(), l.basis());
        }
        out.println("  " + t.breakEven().sentence());
        if (!brief) out.println("  (" + t.excluded() + "; prices: `knowhow config keys`, cost.*)");
    }

    private static ChangeFrequency frequency(String s) {
        try {
            return ChangeFrequency.parse(s);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    private static Optional<Boolean> yesNo(String flag, String v) {
        if (v == null) return Optional.empty();
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "yes", "y", "true" -> Optional.of(true);
            case "no", "n", "false" -> Optional.of(false);
            default -> throw new UsageError(flag + " must be yes or no, got '" + v + "'");
        };
    }
}
