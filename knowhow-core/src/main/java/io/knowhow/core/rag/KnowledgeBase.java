package io.knowhow.core.rag;

import io.knowhow.core.grounding.CitationMarkers;
import io.knowhow.core.grounding.GroundingVerifier;
import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Citation;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Generation;
import io.knowhow.core.model.GenerationRequest;
import io.knowhow.core.model.Grounding;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SearchRequest;
import io.knowhow.core.model.SourceRecord;
import io.knowhow.core.port.Embedder;
import io.knowhow.core.port.Generator;
import io.knowhow.core.port.ReadableKnowledgeStore;
import io.knowhow.core.port.PromptedGenerator;
import io.knowhow.core.port.StreamingGenerator;
import io.knowhow.core.prompt.ContextWindowExceededException;
import io.knowhow.core.prompt.PromptBuilder;
import io.knowhow.core.prompt.PromptPlan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Answers questions from the knowledge store: the reference pipeline "query → embedding → top-K
 * chunks → injected as evidence → grounded answer with citations", plus the full-context and
 * prompt-only ways of filling the context.
 *
 * <p>For a {@link PromptedGenerator} (an LLM) the evidence is first fitted to the model's context
 * window by the generator's {@link PromptBuilder}: lower-ranked chunks that do not fit are dropped and
 * reported in {@link Answer#droppedEvidence()}, and full-context refuses a corpus that does not fit
 * rather than silently answering from part of it. Other generators (extractive) get the evidence as
 * retrieved. Every answer is then checked by the {@link GroundingVerifier}: markers that point at no
 * evidence are removed from the text and reported, and each sentence's support is judged.
 *
 * <p>Reads go straight to the store, so an ingest or delete is visible in the very next answer.
 */
public final class KnowledgeBase {
    private final Embedder embedder;
    private final ReadableKnowledgeStore store;
    private final Generator generator;
    private final GroundingVerifier verifier;

    /** A knowledge base whose answers are verified with {@code embedder} and the calibrated thresholds. */
    public KnowledgeBase(Embedder embedder, ReadableKnowledgeStore store, Generator generator) {
        this(embedder, store, generator, new GroundingVerifier(embedder));
    }

    public KnowledgeBase(Embedder embedder, ReadableKnowledgeStore store, Generator generator, GroundingVerifier verifier) {
        this.embedder = embedder;
        this.store = store;
        this.generator = Objects.requireNonNull(generator, "generator");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
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
        return ask(question, options, null);
    }

    /**
     * Answers like {@link #ask(String, AskOptions)}, handing the text to {@code onToken} as it is
     * generated: delta by delta from a {@link StreamingGenerator}, in one piece from any other generator.
     * The callback sees the raw generated text; the returned answer's text has invalid markers removed.
     *
     * @param onToken receives text deltas on the calling thread; null for no streaming
     * @throws ContextWindowExceededException for full-context when the corpus does not fit the window
     */
    public Answer ask(String question, AskOptions options, Consumer<String> onToken) {
        if (question == null || question.isBlank()) throw new IllegalArgumentException("the question is empty");
        Map<String, Double> timings = new LinkedHashMap<>();
        long start = System.nanoTime();
        List<Hit> evidence = switch (options.strategy()) {
            case RAG, TUNED_RAG -> {
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

        GenerationRequest request;
        List<String> dropped = List.of();
        if (generator instanceof PromptedGenerator prompted) {
            long t = System.nanoTime();
            PromptPlan plan = plan(prompted.promptBuilder(), question, evidence, options.strategy());
            timings.put("prompt", ms(t));
            evidence = plan.included();
            dropped = plan.droppedIds();
            request = new GenerationRequest(question, evidence, plan.messages());
        } else {
            request = new GenerationRequest(question, evidence);
        }

        long t = System.nanoTime();
        Generation g;
        if (onToken != null && generator instanceof StreamingGenerator streaming) {
            g = streaming.generate(request, onToken);
        } else {
            g = generator.generate(request);
            if (onToken != null) onToken.accept(g.text());
        }
        timings.put("generate", ms(t));

        t = System.nanoTime();
        Grounding grounding = verifier.verify(g.text(), evidence);
        timings.put("verify", ms(t));
        int size = evidence.size();
        // A marker pointing at no evidence is not a citation: it leaves the text and is reported in the grounding.
        String text = grounding.invalidCitations().isEmpty() ? g.text() : CitationMarkers.retain(g.text(), n -> n >= 1 && n <= size);
        timings.put("total", ms(start));
        List<String> notes = new ArrayList<>();
        if (options.strategy().retrieves() && options.mode() != SearchMode.DENSE) {
            long distinct = java.util.Arrays.stream(question.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                    .filter(w -> !w.isEmpty()).distinct().count();
            if (distinct > SearchRequest.MAX_QUERY_TERMS)
                notes.add(String.format(Locale.ROOT, "the question has %,d distinct words; keyword search used the %d that weigh most",
                        distinct, SearchRequest.MAX_QUERY_TERMS));
        }
        return new Answer(text, g.abstained(), g.abstained() ? List.of() : citations(g, evidence), options.strategy().label(),
                timings, grounding, g.usage(), g.cost(), dropped, notes);
    }

    /**
     * The prompt for a strategy: no evidence for prompt-only and tuned, the ranked evidence trimmed to
     * the window for rag and hybrid, and all of it or an error for full-context.
     */
    private static PromptPlan plan(PromptBuilder builder, String question, List<Hit> evidence, Strategy strategy) {
        return switch (strategy) {
            case PROMPT_ONLY, TUNED -> builder.promptOnly(question);
            case RAG, TUNED_RAG -> builder.plan(question, evidence);
            case FULL_CONTEXT -> {
                PromptPlan plan = builder.plan(question, evidence);
                if (!plan.fitsAll()) {
                    PromptBuilder.Options o = builder.options();
                    throw new ContextWindowExceededException(String.format(Locale.ROOT,
                            "The corpus does not fit the model's context window: full-context needs about %,d prompt tokens "
                                    + "(%,d chunks), but the window of %,d tokens leaves %,d once %,d are reserved for the answer. "
                                    + "Use --strategy rag to retrieve only the relevant chunks, narrow the corpus with a filter, "
                                    + "or use a model with a larger window (llm.context-window).",
                            plan.requiredTokens(), evidence.size(), o.contextWindowTokens(), plan.budgetTokens(),
                            o.reservedCompletionTokens()), plan.requiredTokens(), plan.budgetTokens());
                }
                yield plan;
            }
        };
    }

    /** Every chunk the filter allows, in source and reading order, each scored 1. */
    private List<Hit> wholeCorpus(Filter filter) {
        List<Hit> all = new ArrayList<>();
        for (SourceRecord s : store.sources()) {
            if (!filter.sources().isEmpty() && !filter.sources().contains(s.source())) continue;
            if (!filter.reader().mayRead(s.accessGroups())) continue;
            for (Chunk c : store.chunks(s.source())) if (filter.matches(c)) all.add(new Hit(c, 1.0));
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
