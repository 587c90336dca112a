package io.knowhow.cli;

import io.knowhow.core.ingest.IngestPlan;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Citation;
import io.knowhow.core.rag.AskOptions;
import io.knowhow.core.rag.KnowledgeBase;
import io.knowhow.ingest.SourceFiles;
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
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code knowhow demo}: the whole RAG loop on a small bundled corpus, in a throw-away knowledge base —
 * ingest, cited answers, an abstention, and a knowledge update that shows in the very next answer.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the RAG loop on a small bundled corpus, in a temporary knowledge base.",
                "Ingest a fictional product's docs, ask with citations, abstain, update a document, ask again, delete."})
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
            try (KnowhowRuntime runtime = new KnowhowRuntime(kb)) {
                out.println("== knowhow demo: a knowledge base for the (fictional) Lumen product ==");
                out.println("corpus: " + corpus + "  (" + String.join(", ", CORPUS) + ")");
                out.println("kb:     " + kb);
                out.println();
                IngestReport report = ingest(runtime, corpus);
                out.printf("Ingested %d files into %d chunks in %.1f s (model %s, Lucene BM25 + HNSW).%n%n",
                        report.count(IngestReport.Outcome.ADDED), report.chunksWritten(), report.elapsedMillis() / 1000.0,
                        runtime.embedder().info().id());
                KnowledgeBase kbase = runtime.knowledgeBase();
                ask(out, kbase, "How much does the Team plan cost?");
                ask(out, kbase, "Which port does the web interface use?");
                ask(out, kbase, "How quickly are Enterprise severity 1 incidents answered?");
                ask(out, kbase, "What did version 3.2 add?");
                out.println("-- A question the documents do not answer: the generator abstains instead of guessing.");
                ask(out, kbase, "Does Lumen integrate with Salesforce?");

                out.println("-- Knowledge update: the Team price changes to $59. Re-ingest (only the changed file is re-embedded):");
                Path pricing = corpus.resolve("pricing.md");
                Files.writeString(pricing, Files.readString(pricing).replace("$49 per editor", "$59 per editor"));
                IngestReport update = ingest(runtime, corpus);
                out.printf("   %d updated, %d unchanged.%n", update.count(IngestReport.Outcome.UPDATED), update.count(IngestReport.Outcome.UNCHANGED));
                ask(out, kbase, "How much does the Team plan cost?");

                out.println("-- Delete the pricing document: the answer is gone at once.");
                runtime.store().deleteSource(IngestPlan.sourceKey(pricing));
                ask(out, kbase, "How much does the Team plan cost?");
                out.println("Next: `bin/knowhow ingest YOUR_DOCS/` then `bin/knowhow ask \"...\"` (see README).");
            }
        } finally {
            if (keep) out.println("kept: " + work);
            else deleteTree(work);
        }
        return 0;
    }

    private static IngestReport ingest(KnowhowRuntime runtime, Path corpus) throws Exception {
        List<Path> files = new SourceFiles(runtime.parser()::supports).expand(List.of(corpus)).files();
        return runtime.ingestor().ingest(new IngestPlan(files, List.of(corpus), Set.of("demo"), Set.of()), io.knowhow.core.ingest.IngestListener.NONE);
    }

    private static void ask(PrintWriter out, KnowledgeBase kb, String question) {
        Answer a = kb.ask(question, AskOptions.DEFAULT.withK(4));
        out.println("Q: " + question);
        out.println("A: " + a.text());
        for (Citation c : a.citations()) {
            String heading = c.headingPath().isEmpty() ? "" : " › " + String.join(" › ", c.headingPath());
            out.printf("   [%d] %s%s%n", c.n(), Path.of(c.source()).getFileName(), heading);
        }
        out.printf("   (%.1f ms)%n%n", a.timingsMs().getOrDefault("total", 0.0));
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
