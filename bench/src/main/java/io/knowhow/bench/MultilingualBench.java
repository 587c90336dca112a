package io.knowhow.bench;

import io.knowhow.core.chunk.ChunkingOptions;
import io.knowhow.core.chunk.SentenceChunker;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestPlan;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.core.ingest.Ingestor;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.rag.AskOptions;
import io.knowhow.core.rag.KnowledgeBase;
import io.knowhow.embed.onnx.BundledModel;
import io.knowhow.embed.onnx.OnnxEmbedder;
import io.knowhow.ingest.TikaDocumentParser;
import io.knowhow.llm.extractive.ExtractiveGenerator;
import io.knowhow.store.lucene.LuceneKnowledgeStore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Extractive answers to non-English questions, end to end: small handbooks written for this bench in
 * Chinese and German ({@code multilingual/*-corpus.txt}, one file per "=== name" block), ingested through
 * the real pipeline (Tika with language detection, sentence chunker, ONNX, Lucene hybrid, k = 5), then
 * questions with the text the answer must contain, and questions the handbook does not answer.
 *
 * <p>Run: {@code bench/run MultilingualBench [--langs zh,de] [--verbose]}. Prints a markdown table.
 */
public final class MultilingualBench {
    private record Qa(String question, String expected) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = Args.parse(args);
        List<String> langs = List.of(opt.getOrDefault("langs", "zh,de").split(","));
        boolean verbose = opt.containsKey("verbose");
        System.out.printf("# MultilingualBench %s — %d cores, Java %s%n%n", Instant.now(), Runtime.getRuntime().availableProcessors(), Runtime.version());
        System.out.println("| set | files (detected language) | answerable | answered correctly | answered wrongly | abstained | not in the handbook: abstained |");
        System.out.println("|---|---|---|---|---|---|---|");
        Path work = Files.createTempDirectory("multilingual-");
        try (OnnxEmbedder embedder = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q, ChunkingOptions.DEFAULT_VECTOR_TOKENS)) {
            for (String lang : langs) run(lang, embedder, work.resolve(lang), verbose);
        } finally {
            RagBench.deleteTree(work);
        }
        System.out.println();
    }

    private static void run(String lang, OnnxEmbedder embedder, Path work, boolean verbose) throws IOException {
        List<Path> files = writeCorpus(resource(lang + "-corpus.txt"), Files.createDirectories(work.resolve("docs")));
        List<Qa> qas = new ArrayList<>();
        for (String line : resource(lang + "-qa.tsv").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t", -1);
            qas.add(new Qa(f[0].strip(), f.length > 1 ? f[1].strip() : ""));
        }
        try (LuceneKnowledgeStore store = LuceneKnowledgeStore.open(work.resolve("index"), embedder.info().id(), embedder.info().dimension())) {
            Ingestor ingestor = new Ingestor(new TikaDocumentParser(), new SentenceChunker(embedder, ChunkingOptions.DEFAULT), embedder, store);
            IngestReport report = ingestor.ingest(new IngestPlan(files, List.of(), Set.of(), Set.of()), IngestListener.NONE);
            if (!report.failures().isEmpty()) throw new IllegalStateException("ingest failed: " + report.failures());
            Map<String, Integer> languages = new TreeMap<>();
            for (Path f : files) {
                for (Chunk c : store.chunks(IngestPlan.sourceKey(f))) languages.merge(c.language().isEmpty() ? "unknown" : c.language(), 1, Integer::sum);
            }
            KnowledgeBase kb = new KnowledgeBase(embedder, store, new ExtractiveGenerator());
            int answerable = 0, right = 0, wrong = 0, abstained = 0, unanswerable = 0, refused = 0;
            for (Qa qa : qas) {
                Answer a = kb.ask(qa.question(), AskOptions.DEFAULT);
                boolean ok;
                if (qa.expected().isEmpty()) {
                    unanswerable++;
                    ok = a.abstained();
                    if (ok) refused++;
                } else {
                    answerable++;
                    ok = !a.abstained() && a.text().contains(qa.expected());
                    if (a.abstained()) abstained++;
                    else if (ok) right++;
                    else wrong++;
                }
                if (verbose && !ok) System.err.println(lang + " " + qa.question() + " -> " + a.text());
            }
            System.out.printf(Locale.ROOT, "| %s | %d (chunks: %s) | %d | %.3f (%d) | %.3f (%d) | %.3f (%d) | %.3f (%d of %d) |%n", lang, files.size(),
                    languages, answerable, right / (double) answerable, right, wrong / (double) answerable, wrong,
                    abstained / (double) answerable, abstained, refused / (double) unanswerable, refused, unanswerable);
        }
    }

    private static List<Path> writeCorpus(String corpus, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        Path current = null;
        StringBuilder text = new StringBuilder();
        for (String line : (corpus + "\n=== end").split("\n")) {
            if (line.startsWith("#") && current == null) continue;
            if (line.startsWith("=== ")) {
                if (current != null) files.add(Files.writeString(current, text.toString().strip() + "\n"));
                current = dir.resolve(line.substring(4).strip());
                text.setLength(0);
            } else {
                text.append(line).append('\n');
            }
        }
        files.removeIf(f -> f.getFileName().toString().equals("end"));
        return files;
    }

    static String resource(String name) throws IOException {
        try (InputStream in = MultilingualBench.class.getResourceAsStream("/multilingual/" + name)) {
            if (in == null) throw new IllegalStateException("resource multilingual/" + name + " is missing; rebuild the bench module");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
