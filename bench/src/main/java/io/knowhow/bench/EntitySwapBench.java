package io.knowhow.bench;

import io.knowhow.core.chunk.ChunkingOptions;
import io.knowhow.core.chunk.SentenceChunker;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestPlan;
import io.knowhow.core.ingest.IngestReport;
import io.knowhow.core.ingest.Ingestor;
import io.knowhow.core.model.Answer;
import io.knowhow.core.rag.AskOptions;
import io.knowhow.core.rag.KnowledgeBase;
import io.knowhow.embed.onnx.BundledModel;
import io.knowhow.embed.onnx.OnnxEmbedder;
import io.knowhow.ingest.TikaDocumentParser;
import io.knowhow.llm.extractive.EntitySwapCorpus;
import io.knowhow.llm.extractive.ExtractiveGenerator;
import io.knowhow.store.lucene.LuceneKnowledgeStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Entity swaps, end to end: {@link EntitySwapCorpus}'s look-alike plans written as files and ingested
 * through the real pipeline (Tika, sentence chunker, ONNX, Lucene hybrid, k = 5), then every question about
 * a real plan (right when the answer quotes that plan's value and no other plan's), a swapped name (every
 * word in the corpus, the name not) and an unknown name (the last two right when abstained on). The same
 * corpus as {@code EntitySwapTest}, which asserts the ≥ 95% bars with a simple ranker.
 *
 * <p>Run: {@code bench/run EntitySwapBench [--plans 30] [--seeds 1,2,3] [--verbose]}. Prints a markdown table.
 */
public final class EntitySwapBench {
    public static void main(String[] args) throws Exception {
        Map<String, String> opt = Args.parse(args);
        int plans = Integer.parseInt(opt.getOrDefault("plans", "30"));
        List<Long> seeds = new ArrayList<>();
        for (String s : opt.getOrDefault("seeds", "1,2,3").split(",")) seeds.add(Long.parseLong(s.strip()));
        boolean verbose = opt.containsKey("verbose");
        System.out.printf("# EntitySwapBench %s — %d plans per corpus, seeds %s, hybrid k=5%n%n", Instant.now(), plans, seeds);
        Map<EntitySwapCorpus.Kind, Map<EntitySwapCorpus.Attribute, int[]>> tally = new EnumMap<>(EntitySwapCorpus.Kind.class);
        Path work = Files.createTempDirectory("entityswap-");
        try (OnnxEmbedder embedder = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q, ChunkingOptions.DEFAULT_VECTOR_TOKENS)) {
            for (long seed : seeds) {
                EntitySwapCorpus corpus = EntitySwapCorpus.generate(plans, seed);
                Path docs = Files.createDirectories(work.resolve("docs-" + seed));
                List<Path> files = new ArrayList<>();
                for (EntitySwapCorpus.Doc d : corpus.docs()) files.add(Files.writeString(docs.resolve(d.fileName()), d.text()));
                try (LuceneKnowledgeStore store = LuceneKnowledgeStore.open(work.resolve("index-" + seed), embedder.info().id(), embedder.info().dimension())) {
                    Ingestor ingestor = new Ingestor(new TikaDocumentParser(), new SentenceChunker(embedder, ChunkingOptions.DEFAULT), embedder, store);
                    IngestReport report = ingestor.ingest(new IngestPlan(files, List.of(), Set.of(), Set.of()), IngestListener.NONE);
                    if (!report.failures().isEmpty()) throw new IllegalStateException("ingest failed: " + report.failures());
                    KnowledgeBase kb = new KnowledgeBase(embedder, store, new ExtractiveGenerator());
                    for (EntitySwapCorpus.Question q : corpus.questions()) {
                        Answer a = kb.ask(q.text(), AskOptions.DEFAULT);
                        boolean right = q.kind() == EntitySwapCorpus.Kind.TRUE ? !a.abstained() && corpus.correct(q, a.text()) : a.abstained();
                        int[] t = tally.computeIfAbsent(q.kind(), k -> new EnumMap<>(EntitySwapCorpus.Attribute.class)).computeIfAbsent(q.attribute(), k -> new int[2]);
                        t[0]++;
                        if (right) t[1]++;
                        else if (verbose) System.err.println(q.kind() + " " + q.text() + " -> " + a.text());
                    }
                }
            }
        } finally {
            RagBench.deleteTree(work);
        }
        StringBuilder header = new StringBuilder("| questions about | right means |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (EntitySwapCorpus.Attribute a : EntitySwapCorpus.Attribute.values()) {
            header.append(' ').append(a.name().toLowerCase(Locale.ROOT)).append(" |");
            rule.append("---|");
        }
        System.out.println(header.append(" all |"));
        System.out.println(rule.append("---|"));
        for (var e : tally.entrySet()) {
            StringBuilder row = new StringBuilder("| " + switch (e.getKey()) {
                case TRUE -> "a real plan | answered with its own value";
                case SWAPPED -> "a swapped name (both words in the corpus) | abstained";
                case UNKNOWN -> "an unknown name | abstained";
            } + " |");
            int n = 0, r = 0;
            for (int[] t : e.getValue().values()) {
                row.append(String.format(Locale.ROOT, " %.3f (%d) |", t[1] / (double) t[0], t[0]));
                n += t[0];
                r += t[1];
            }
            System.out.println(row.append(String.format(Locale.ROOT, " **%.3f** (%d) |", r / (double) n, n)));
        }
        System.out.println();
    }
}
