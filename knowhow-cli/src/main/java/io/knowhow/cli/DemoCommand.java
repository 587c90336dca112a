package io.knowhow.cli;

import io.knowhow.app.AskRequest;
import io.knowhow.app.IngestRequest;
import io.knowhow.app.Knowhow;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Citation;
import io.knowhow.core.model.Reader;
import io.knowhow.eval.Evaluation;
import io.knowhow.eval.advise.Advice;
import io.knowhow.eval.compare.CompareRequest;
import io.knowhow.eval.compare.Comparison;
import io.knowhow.eval.compare.ComparisonReport;
import io.knowhow.eval.compare.StrategyReport;
import io.knowhow.eval.qa.QaFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code knowhow demo}: the whole RAG loop on a small bundled corpus, in a throw-away knowledge base —
 * ingest, cited answers, an abstention, and a knowledge update that shows in the very next answer.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the RAG loop on a small bundled corpus, in a temporary knowledge base.",
                "Ingest a fictional product's docs, ask with citations, abstain, update a document, ask again, delete;",
                "then compare the strategies on the demo's questions and print the advice."})
final class DemoCommand implements Callable<Integer> {
    static final List<String> CORPUS = List.of("pricing.md", "install.html", "support-policy.txt", "changelog.md");

    @Option(names = "--keep", description = "keep the demo corpus and knowledge base instead of deleting them")
    boolean keep;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("knowhow-demo-");
        Path corpus = work.resolve("corpus");
        Path kb = work.resolve("kb");
        try {
            copyCorpus(corpus);
            try (Knowhow knowhow = Knowhow.open(kb)) {
                out.println("== knowhow demo: a knowledge base for the (fictional) Lumen product ==");
                out.println("corpus: " + corpus + "  (" + String.join(", ", CORPUS) + ")");
                out.println("kb:     " + kb);
                out.println();
                IngestReport report = knowhow.ingest(IngestRequest.of(corpus).withTags(Set.of("demo")), IngestListener.NONE);
                out.printf("Ingested %d files into %d chunks in %.1f s (model %s, Lucene BM25 + HNSW).%n%n",
                        report.count(IngestReport.Outcome.ADDED), report.chunksWritten(), report.elapsedMillis() / 1000.0,
                        knowhow.embedder().info().id());
                ask(out, knowhow, "How much does the Team plan cost?");
                ask(out, knowhow, "Which port does the web interface use?");
                ask(out, knowhow, "How quickly are Enterprise severity 1 incidents answered?");
                ask(out, knowhow, "What did version 3.2 add?");
                out.println("-- A question the documents do not answer: the generator abstains instead of guessing.");
                ask(out, knowhow, "Does Lumen integrate with Salesforce?");
                out.println("-- A plan that almost exists: the documents price \"Team\", not \"Team Pro\". It refuses to quote a neighbour.");
                ask(out, knowhow, "How much does the Team Pro plan cost?");

                out.println("-- Knowledge update: the Team price changes to $59. Re-ingest (only the changed file is re-embedded):");
                Path pricing = corpus.resolve("pricing.md");
                Files.writeString(pricing, Files.readString(pricing).replace("$49 per editor", "$59 per editor"));
                IngestReport update = knowhow.ingest(IngestRequest.of(corpus).withTags(Set.of("demo")), IngestListener.NONE);
                out.printf("   %d updated, %d unchanged.%n", update.count(IngestReport.Outcome.UPDATED), update.count(IngestReport.Outcome.UNCHANGED));
                ask(out, knowhow, "How much does the Team plan cost?");

                out.println("-- Delete the pricing document: the answer is gone at once.");
                knowhow.delete(List.of(pricing.toString()));
                ask(out, knowhow, "How much does the Team plan cost?");

                out.println("-- Which way works here? Put pricing.md back and measure every strategy on the demo's questions:");
                copyResource("pricing.md", pricing);
                knowhow.ingest(IngestRequest.of(corpus).withTags(Set.of("demo")), IngestListener.NONE);
                Path eval = work.resolve("eval");
                copyEvalSet(eval);
                evaluate(out, knowhow, eval);
                out.println();
                out.println("Next: `bin/knowhow ingest YOUR_DOCS/` then `bin/knowhow ask \"...\"`; measure with `bin/knowhow eval compare --qa YOUR_QA.jsonl --out report/` (see README).");
            }
        } finally {
            if (keep) out.println("kept: " + work);
            else deleteTree(work);
        }
        return 0;
    }

    private static void ask(PrintWriter out, Knowhow knowhow, String question) {
        Answer a = knowhow.ask(question, AskRequest.by(Reader.anonymous()).withK(4));
        out.println("Q: " + question);
        out.println("A: " + a.text());
        for (Citation c : a.citations()) {
            String heading = c.headingPath().isEmpty() ? "" : " › " + String.join(" › ", c.headingPath());
            out.printf("   [%d] %s%s%n", c.n(), Path.of(c.source()).getFileName(), heading);
        }
        out.printf("   (%.1f ms)%n%n", a.timingsMs().getOrDefault("total", 0.0));
    }

    /** The demo's QA set: qa.jsonl, update/pricing.md ($49 → $59) and update-qa.jsonl, written into {@code target}. */
    static final List<String> EVAL_SET = List.of("qa.jsonl", "update-qa.jsonl", "update/pricing.md");

    /** `eval compare` on the demo's questions with the $59 update, and the advice it implies: a short summary. */
    private static void evaluate(PrintWriter out, Knowhow knowhow, Path eval) {
        Evaluation evaluation = new Evaluation(knowhow, Reader.anonymous());
        CompareRequest request = new CompareRequest(QaFile.read(eval.resolve("qa.jsonl")), List.of(), 1,
                Optional.of(eval.resolve("update")), QaFile.read(eval.resolve("update-qa.jsonl")));
        ComparisonReport report = evaluation.compare(request, Comparison.Progress.NONE);
        out.printf(Locale.ROOT, "   %d questions (%s):%n", report.questions(), "knowhow eval compare --qa qa.jsonl --update update/ --update-qa update-qa.jsonl");
        for (StrategyReport s : report.strategies()) {
            if (!s.available()) {
                out.printf(Locale.ROOT, "   %-12s unavailable: %s%n", s.strategy(), Terminal.line(s.reason()));
                continue;
            }
            var m = s.metrics();
            String fresh = s.freshness() == null ? "" : String.format(Locale.ROOT, "; $59 update %s→%s%s", pct(s.freshness().accuracyBefore()),
                    pct(s.freshness().accuracyAfter()), s.freshness().visibleSeconds() == null ? "" : String.format(Locale.ROOT, " in %.1f s", s.freshness().visibleSeconds()));
            out.printf(Locale.ROOT, "   %-12s accuracy %s, hallucinated %s, cites the right source %s, p50 %.1f ms%s%n", s.strategy(),
                    pct(m.accuracy()), pct(m.hallucinationRate()), pct(m.citationRecall()), s.latency().p50() == null ? 0 : s.latency().p50(), fresh);
        }
        Advice advice = evaluation.adviceFor(report);
        out.println("   Advice: " + advice.recommendation() + (advice.also().isEmpty() ? "" : " (also " + String.join(", ", advice.also()) + ")")
                + " — steps: " + String.join(", ", advice.steps().stream().map(st -> st.step() + " " + st.answer()).toList())
                + ". Full reasons and costs: `bin/knowhow advise`.");
    }

    private static String pct(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.0f%%", v * 100);
    }

    static void copyEvalSet(Path target) throws IOException {
        for (String name : EVAL_SET) {
            Path to = target.resolve(name);
            Files.createDirectories(to.getParent());
            copyResource(name, to);
        }
    }

    private static void copyResource(String name, Path to) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/" + name)) {
            if (in == null) throw new IllegalStateException("demo file " + name + " is missing from the jar; rebuild knowhow");
            Files.copy(in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void copyCorpus(Path target) throws IOException {
        Files.createDirectories(target);
        for (String name : CORPUS) {
            try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/" + name)) {
                if (in == null) throw new IllegalStateException("demo corpus file " + name + " is missing from the jar; rebuild knowhow");
                Files.copy(in, target.resolve(name));
            }
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // A leftover temp dir is harmless; the demo's output matters more than its cleanup.
        }
    }
}
