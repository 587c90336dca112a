package io.knowhow.bench;

import io.knowhow.core.chunk.ChunkingOptions;
import io.knowhow.core.chunk.SentenceChunker;
import io.knowhow.core.ingest.IngestListener;
import io.knowhow.core.ingest.IngestPlan;
import io.knowhow.core.ingest.Ingestor;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.embed.onnx.BundledModel;
import io.knowhow.embed.onnx.OnnxEmbedder;
import io.knowhow.ingest.TikaDocumentParser;
import io.knowhow.core.retrieval.ScoreFusion;
import io.knowhow.store.lucene.LuceneKnowledgeStore;
import io.knowhow.store.lucene.LuceneStoreOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Chooses the hybrid fusion by measurement: ingests SQuAD v1.1 dev, the SQuAD 2.0 subset and SciFact once
 * each, then reopens each index with every fusion in the grid and scores the same queries — recall@1/5/10
 * and MRR@10 on SQuAD (gold = the question's paragraph), nDCG@10 and recall@10 on SciFact. BM25 and dense
 * alone are printed as the rows to beat.
 *
 * <p>Run: {@code bench/run FusionBench [--data DIR] [--questions 1000] [--rrf 0.4,0.6,0.8,1.0] [--relative 0.3,0.5,0.7,1.0,1.5]}.
 */
public final class FusionBench {
    private FusionBench() {}

    /** A query set over one index: the query texts, their vectors and relevant sources. */
    private record Suite(String name, Path index, List<String> queries, List<float[]> vectors, List<Set<String>> relevant, boolean ndcg) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = Args.parse(args);
        Path data = Path.of(opt.getOrDefault("data", "../shared/data"));
        int questions = Integer.parseInt(opt.getOrDefault("questions", "1000"));
        List<ScoreFusion> grid = new ArrayList<>();
        for (String w : opt.getOrDefault("rrf", "0.4,0.6,0.8,1.0").split(",")) grid.add(ScoreFusion.rrf(Double.parseDouble(w)));
        for (String w : opt.getOrDefault("relative", "0.3,0.5,0.7,1.0,1.5").split(",")) grid.add(ScoreFusion.relativeScore(Double.parseDouble(w)));
        Path work = Files.createTempDirectory("fusionbench-");
        List<Suite> suites = new ArrayList<>();
        try (OnnxEmbedder embedder = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q, ChunkingOptions.DEFAULT_VECTOR_TOKENS)) {
            suites.add(squad(embedder, data.resolve("squad-v1.1-dev/dev-v1.1.json"), work.resolve("squad"), questions, "SQuAD v1.1"));
            suites.add(squad(embedder, data.resolve("squad2-dev-subset/dev-v2.0-5articles.json"), work.resolve("squad2"), Integer.MAX_VALUE,
                    "SQuAD 2.0 subset"));
            suites.add(scifact(embedder, data.resolve("scifact"), work.resolve("scifact")));
            for (Suite s : suites) {
                System.out.printf(Locale.ROOT, "%n## %s (%d queries)%n%n", s.name(), s.queries().size());
                System.out.println(s.ndcg() ? "| ranking | nDCG@10 | recall@10 |" : "| ranking | recall@1 | recall@5 | recall@10 | MRR@10 |");
                System.out.println(s.ndcg() ? "|---|---|---|" : "|---|---|---|---|---|");
                try (LuceneKnowledgeStore store = LuceneKnowledgeStore.open(s.index(), embedder.info().id(), embedder.info().dimension())) {
                    row(s, store, SearchMode.BM25, "bm25");
                    row(s, store, SearchMode.DENSE, "dense");
                }
                for (ScoreFusion f : grid) {
                    try (LuceneKnowledgeStore store = LuceneKnowledgeStore.open(s.index(), embedder.info().id(), embedder.info().dimension(),
                            LuceneStoreOptions.DEFAULTS.withFusion(f))) {
                        row(s, store, SearchMode.HYBRID, "hybrid " + f);
                    }
                }
            }
        } finally {
            RagBench.deleteTree(work);
        }
    }

    private static void row(Suite s, LuceneKnowledgeStore store, SearchMode mode, String label) {
        double r1 = 0, r5 = 0, r10 = 0, mrr = 0, ndcg = 0;
        for (int i = 0; i < s.queries().size(); i++) {
            List<Hit> hits = store.retrieve(new SearchRequest(s.queries().get(i), s.vectors().get(i), s.ndcg() ? 30 : 10, mode, Filter.NONE));
            List<String> ranked = RagBench.dedupe(hits.stream().map(h -> h.chunk().source()).toList());
            Set<String> gold = s.relevant().get(i);
            if (s.ndcg()) {
                ndcg += Metrics.ndcg(ranked, gold, 10);
                r10 += Metrics.recall(ranked, gold, 10);
            } else {
                int rank = Metrics.firstRelevantRank(ranked, gold);
                if (rank == 1) r1++;
                if (rank >= 1 && rank <= 5) r5++;
                if (rank >= 1 && rank <= 10) r10++;
                if (rank >= 1) mrr += 1.0 / rank;
            }
        }
        int n = s.queries().size();
        if (s.ndcg()) System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f |%n", label, ndcg / n, r10 / n);
        else System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f |%n", label, r1 / n, r5 / n, r10 / n, mrr / n);
    }

    private static Suite squad(OnnxEmbedder embedder, Path file, Path work, int max, String name) throws IOException {
        Squad squad = Squad.load(file);
        List<Path> files = squad.writeParagraphs(work.resolve("docs"));
        ingest(embedder, files, work.resolve("index"));
        List<Squad.Question> answerable = new ArrayList<>(squad.questions().stream().filter(q -> !q.impossible()).toList());
        Collections.shuffle(answerable, new Random(42)); // RagBench's sample
        if (answerable.size() > max) answerable = answerable.subList(0, max);
        List<String> texts = answerable.stream().map(Squad.Question::text).toList();
        List<Set<String>> gold = answerable.stream().map(q -> Set.of(IngestPlan.sourceKey(files.get(q.paragraph())))).toList();
        return new Suite(name, work.resolve("index"), texts, texts.stream().map(embedder::embedQuery).toList(), gold, false);
    }

    private static Suite scifact(OnnxEmbedder embedder, Path dir, Path work) throws IOException {
        SciFactFiles sf = SciFactFiles.write(dir, work.resolve("docs"));
        ingest(embedder, sf.files(), work.resolve("index"));
        return new Suite("SciFact test", work.resolve("index"), sf.queries(), sf.queries().stream().map(embedder::embedQuery).toList(),
                sf.relevant(), true);
    }

    private static void ingest(OnnxEmbedder embedder, List<Path> files, Path index) {
        try (LuceneKnowledgeStore store = LuceneKnowledgeStore.open(index, embedder.info().id(), embedder.info().dimension())) {
            new Ingestor(new TikaDocumentParser(), new SentenceChunker(embedder, ChunkingOptions.DEFAULT), embedder, store)
                    .ingest(new IngestPlan(files, List.of(), Set.of(), Set.of()), IngestListener.NONE);
        }
    }
}
