package io.knowhow.core.rag;

import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Citation;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Generation;
import io.knowhow.core.model.GenerationRequest;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.port.Embedder;
import io.knowhow.core.port.Generator;
import io.knowhow.core.port.KnowledgeStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers questions from the knowledge store: the reference pipeline "query → embedding → top-K
 * chunks → injected as evidence → grounded answer with citations", plus the full-context and
 * prompt-only ways of filling the context.
 *
 * <p>Reads go straight to the store, so an ingest or delete is visible in the very next answer.
 */
public final class KnowledgeBase {
    private final Embedder embedder;
    private final KnowledgeStore store;
    private final Generator generator;

    public KnowledgeBase(Embedder embedder, KnowledgeStore store, Generator generator) {
        this.embedder = embedder;
        this.store = store;
        this.generator = generator;
    }

    public Generator generator() {
        return generator;
    }

    /** Retrieval alone. */
    public List<Hit> search(String query, int k, SearchMode mode, Filter filter) {
        float[] vector = mode == SearchMode.BM25 ? null : embedder.embedQuery(query);
        return store.retrieve(new SearchRequest(query, vector, k, mode, filter));
    }

    public Answer ask(String question, AskOptions options) {
        if (question == null || question.isBlank()) throw new IllegalArgumentException("the question is empty");
        Map<String, Double> timings = new LinkedHashMap<>();
        long start = System.nanoTime();
        List<Hit> evidence = switch (options.strategy()) {
            case RAG, HYBRID -> {
                long t = System.nanoTime();
                float[] vector = options.mode() == SearchMode.BM25 ? null : embedder.embedQuery(question);
                timings.put("embed", ms(t));
                t = System.nanoTime();
                List<Hit> hits = store.retrieve(new SearchRequest(question, vector, options.k(), options.mode(), options.filter()));
                timings.put("retrieve", ms(t));
                yield hits;
            }
            case FULL_CONTEXT -> {
                long t = System.nanoTime();
                List<Hit> all = wholeCorpus(options.filter());
                timings.put("load_corpus", ms(t));
                yield all;
            }
            case PROMPT_ONLY, TUNED -> List.of();
        };
        long t = System.nanoTime();
        Generation g = generator.generate(new GenerationRequest(question, evidence));
        timings.put("generate", ms(t));
        timings.put("total", ms(start));
        return new Answer(g.text(), g.abstained(), citations(g, evidence), options.strategy().label(), timings);
    }

    /** Every chunk the filter allows, in source and reading order, each scored 1. */
    private List<Hit> wholeCorpus(Filter filter) {
        List<Hit> all = new ArrayList<>();
        for (SourceRecord s : store.sources()) {
            if (!filter.sources().isEmpty() && !filter.sources().contains(s.source())) continue;
            for (Chunk c : store.chunks(s.source())) {
                if (!filter.tags().isEmpty() && c.tags().stream().noneMatch(filter.tags()::contains)) continue;
                if (!filter.readerGroups().isEmpty() && !c.accessGroups().isEmpty()
                        && c.accessGroups().stream().noneMatch(filter.readerGroups()::contains)) continue;
                all.add(new Hit(c, 1.0));
            }
        }
        return all;
    }

    private static List<Citation> citations(Generation g, List<Hit> evidence) {
        List<Citation> out = new ArrayList<>();
        for (int n : g.cited()) {
            if (n < 1 || n > evidence.size()) continue; // a marker pointing at no evidence is not a citation
            Hit h = evidence.get(n - 1);
            Chunk c = h.chunk();
            out.add(new Citation(n, c.id(), c.source(), c.headingPath(), c.text(), h.score()));
        }
        return out;
    }

    private static double ms(long since) {
        return Math.round((System.nanoTime() - since) / 10_000.0) / 100.0;
    }
}
