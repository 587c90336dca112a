package io.knowhow.cli;

import io.knowhow.app.AskRequest;
import io.knowhow.app.IngestRequest;
import io.knowhow.app.Knowhow;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Citation;
import io.knowhow.core.model.Reader;
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

                out.println("-- Knowledge update: the Team price changes to $59. Re-ingest (only the changed file is re-embedded):");
                Path pricing = corpus.resolve("pricing.md");
                Files.writeString(pricing, Files.readString(pricing).replace("$49 per editor", "$59 per editor"));
                IngestReport update = knowhow.ingest(IngestRequest.of(corpus).withTags(Set.of("demo")), IngestListener.NONE);
                out.printf("   %d updated, %d unchanged.%n", update.count(IngestReport.Outcome.UPDATED), update.count(IngestReport.Outcome.UNCHANGED));
                ask(out, knowhow, "How much does the Team plan cost?");

                out.println("-- Delete the pricing document: the answer is gone at once.");
                knowhow.delete(List.of(pricing.toString()));
                ask(out, knowhow, "How much does the Team plan cost?");
                out.println("Next: `bin/knowhow ingest YOUR_DOCS/` then `bin/knowhow ask \"...\"` (see README).");
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
