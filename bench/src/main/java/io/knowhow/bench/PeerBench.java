package io.knowhow.bench;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The peer measured in the same run: LangChain4j's in-process "easy RAG" path — the same quantized
 * all-MiniLM-L6-v2 through LangChain4j's own model class, and its {@link InMemoryEmbeddingStore}
 * (exact cosine search over all vectors). SQuAD paragraphs are short enough to be one segment each,
 * as LangChain4j's default 300-token recursive splitter would leave them.
 */
final class PeerBench {
    private PeerBench() {}

    static void run(Path squadFile, int maxQuestions) throws IOException {
        Squad squad = Squad.load(squadFile);
        AllMiniLmL6V2QuantizedEmbeddingModel model = new AllMiniLmL6V2QuantizedEmbeddingModel();
        InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
        List<String> ids = new ArrayList<>();
        long t0 = System.nanoTime();
        List<TextSegment> segments = squad.paragraphs().stream().map(p -> TextSegment.from(p.context())).toList();
        List<Embedding> embeddings = model.embedAll(segments).content();
        ids.addAll(store.addAll(embeddings, segments));
        double ingestSecs = (System.nanoTime() - t0) / 1e9;

        List<Squad.Question> qs = new ArrayList<>(squad.questions());
        Collections.shuffle(qs, new Random(42));
        if (qs.size() > maxQuestions) qs = qs.subList(0, maxQuestions);
        int r1 = 0, r5 = 0;
        double[] total = new double[qs.size()], search = new double[qs.size()];
        for (int i = 0; i < qs.size(); i++) {
            Squad.Question q = qs.get(i);
            long t = System.nanoTime();
            Embedding qe = model.embed(q.text()).content();
            long ts = System.nanoTime();
            List<EmbeddingMatch<TextSegment>> matches = store.search(EmbeddingSearchRequest.builder().queryEmbedding(qe).maxResults(5).build()).matches();
            long te = System.nanoTime();
            total[i] = (te - t) / 1e6;
            search[i] = (te - ts) / 1e6;
            for (int r = 0; r < matches.size(); r++) {
                if (matches.get(r).embeddingId().equals(ids.get(q.paragraph()))) {
                    if (r == 0) r1++;
                    r5++;
                    break;
                }
            }
        }
        int n = qs.size();
        System.out.printf("## Peer: LangChain4j 1.20 easy-RAG path (AllMiniLmL6V2QuantizedEmbeddingModel + InMemoryEmbeddingStore), SQuAD v1.1 dev%n%n");
        System.out.println("| system | ingest s (paragraphs) | recall@1 | recall@5 | search p50 ms | query p50 ms (embed+search) |");
        System.out.println("|---|---|---|---|---|---|");
        System.out.printf("| langchain4j in-memory | %.1f (%d) | %.3f | %.3f | %.2f | %.2f |%n%n", ingestSecs, segments.size(),
                (double) r1 / n, (double) r5 / n, Metrics.percentile(search, 50), Metrics.percentile(total, 50));
    }

    /** The peer's store at scale: exact search over the same synthetic vectors our store indexed. */
    /**
     * The peer's easy-RAG path on SciFact: every abstract file's text embedded whole by LangChain4j's bundled MiniLM
     * (its tokenizer cuts at 128 tokens), exact dense search, nDCG@10 and recall as RagBench scores knowhow.
     */
    static void scifact(SciFactFiles sf) throws IOException {
        AllMiniLmL6V2QuantizedEmbeddingModel model = new AllMiniLmL6V2QuantizedEmbeddingModel();
        InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
        List<TextSegment> segments = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        long t0 = System.nanoTime();
        for (Path f : sf.files()) {
            segments.add(TextSegment.from(java.nio.file.Files.readString(f)));
            sources.add(io.knowhow.core.ingest.IngestPlan.sourceKey(f));
        }
        List<String> ids = store.addAll(model.embedAll(segments).content(), segments);
        double ingestSecs = (System.nanoTime() - t0) / 1e9;
        java.util.Map<String, String> sourceOfId = new java.util.HashMap<>();
        for (int i = 0; i < ids.size(); i++) sourceOfId.put(ids.get(i), sources.get(i));
        double ndcg = 0, r10 = 0, r100 = 0;
        for (int i = 0; i < sf.queries().size(); i++) {
            Embedding qe = model.embed(sf.queries().get(i)).content();
            List<String> ranked = store.search(EmbeddingSearchRequest.builder().queryEmbedding(qe).maxResults(100).build()).matches()
                    .stream().map(m -> sourceOfId.get(m.embeddingId())).toList();
            ndcg += Metrics.ndcg(ranked, sf.relevant().get(i), 10);
            r10 += Metrics.recall(ranked, sf.relevant().get(i), 10);
            r100 += Metrics.recall(ranked, sf.relevant().get(i), 100);
        }
        int n = sf.queries().size();
        System.out.printf("## Peer: LangChain4j 1.20 easy-RAG path, SciFact (BEIR test)%n%n");
        System.out.println("| system | ingest s (abstracts) | nDCG@10 | recall@10 | recall@100 |");
        System.out.println("|---|---|---|---|---|");
        System.out.printf(java.util.Locale.ROOT, "| langchain4j in-memory | %.1f (%d) | %.3f | %.3f | %.3f |%n%n", ingestSecs, segments.size(),
                ndcg / n, r10 / n, r100 / n);
    }

    static void scale(float[][] vectors, int dim) {
        InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
        List<Embedding> embeddings = new ArrayList<>(vectors.length);
        for (float[] v : vectors) embeddings.add(Embedding.from(v));
        store.addAll(embeddings);
        Random rnd = new Random(11);
        int warm = 20, measured = 100;
        double[] lat = new double[measured];
        for (int i = 0; i < warm + measured; i++) {
            Embedding q = Embedding.from(RagBench.randomUnit(rnd, dim));
            long t = System.nanoTime();
            store.search(EmbeddingSearchRequest.builder().queryEmbedding(q).maxResults(10).build());
            if (i >= warm) lat[i - warm] = (System.nanoTime() - t) / 1e6;
        }
        System.out.printf("Peer at the same %,d vectors: LangChain4j InMemoryEmbeddingStore search p50 %.2f ms, p99 %.2f ms (dense only)%n%n",
                vectors.length, Metrics.percentile(lat, 50), Metrics.percentile(lat, 99));
    }
}
