package io.knowhow.core.rag;

import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Citation;
import io.knowhow.core.model.EmbeddedChunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Generation;
import io.knowhow.core.model.GenerationRequest;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.port.Embedder;
import io.knowhow.core.port.EmbedderInfo;
import io.knowhow.core.port.Generator;
import io.knowhow.core.port.KnowledgeStoreContract;
import io.knowhow.core.port.StoreIdentity;
import io.knowhow.core.port.StreamingGenerator;
import io.knowhow.core.testing.InMemoryKnowledgeStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pipeline itself, on the in-memory store and scripted generators: what each strategy puts in front of the generator, and what comes back. */
class KnowledgeBaseTest {
    private static final Embedder EMBEDDER = new Embedder() {
        @Override
        public List<float[]> embedAll(List<String> passages) {
            return passages.stream().map(KnowledgeStoreContract::embed).toList();
        }

        @Override
        public float[] embedQuery(String query) {
            return KnowledgeStoreContract.embed(query);
        }

        @Override
        public EmbedderInfo info() {
            return new EmbedderInfo(KnowledgeStoreContract.EMBEDDER_ID, KnowledgeStoreContract.DIMENSION, 512);
        }
    };

    private final InMemoryKnowledgeStore store = InMemoryKnowledgeStore.create(StoreIdentity.of(EMBEDDER.info()));
    private final List<GenerationRequest> seen = new ArrayList<>();

    @BeforeEach
    void corpus() {
        add("pricing.md", Set.of(), "The Team plan costs $49 per editor per month.");
        add("ports.md", Set.of(), "The web interface listens on port 8443.");
        add("salaries.md", Set.of("hr"), "The head of sales earns 250,000 euros.");
    }

    private void add(String source, Set<String> groups, String text) {
        Chunk c = new Chunk(Chunk.idOf(source, 0), source, 0, text, List.of(), 0, text.length(), 10, Set.of(), groups);
        store.replaceSource(KnowledgeStoreContract.record(source, 1, Set.of(), groups), List.of(new EmbeddedChunk(c, EMBEDDER.embedQuery(text))));
    }

    /** A generator that records its request and answers with {@code reply(request)}. */
    private Generator generator(Function<GenerationRequest, Generation> reply) {
        return new Generator() {
            @Override
            public Generation generate(GenerationRequest request) {
                seen.add(request);
                return reply.apply(request);
            }

            @Override
            public String name() {
                return "scripted";
            }
        };
    }

    private static AskOptions options(Strategy strategy, Reader reader) {
        return new AskOptions(2, SearchMode.HYBRID, Filter.readableBy(reader), strategy);
    }

    @Test
    void ragGivesTheRetrievedChunksAsNumberedEvidenceAndCitationsPointAtThem() {
        KnowledgeBase kb = new KnowledgeBase(EMBEDDER, store, generator(r -> new Generation("It costs $49 per editor [1].", List.of(1), false)));

        Answer a = kb.ask("How much does the Team plan cost per editor?", options(Strategy.RAG, Reader.anonymous()));

        assertThat(seen).singleElement().satisfies(r -> assertThat(r.evidence()).hasSize(2)
                .first().satisfies(h -> assertThat(h.chunk().source()).isEqualTo("pricing.md")));
        assertThat(a.citations()).extracting(Citation::chunkId).containsExactly("pricing.md#0");
        assertThat(a.strategy()).isEqualTo("rag");
        assertThat(a.timingsMs()).containsKeys("embed", "retrieve", "generate", "verify", "total");
    }

    @Test
    void aMarkerPointingAtNoEvidenceLeavesTheTextAndIsReported() {
        KnowledgeBase kb = new KnowledgeBase(EMBEDDER, store, generator(r -> new Generation("It costs $49 per editor [1][9].", List.of(1, 9), false)));

        Answer a = kb.ask("How much does the Team plan cost?", options(Strategy.RAG, Reader.anonymous()));

        assertThat(a.text()).isEqualTo("It costs $49 per editor [1].");
        assertThat(a.grounding().invalidCitations()).containsExactly(9);
        assertThat(a.citations()).extracting(Citation::n).containsExactly(1);
    }

    @Test
    void anAbstentionCarriesNoCitationsWhateverTheGeneratorListed() {
        KnowledgeBase kb = new KnowledgeBase(EMBEDDER, store, generator(r -> new Generation(Answer.ABSTENTION, List.of(1), true)));

        Answer a = kb.ask("Does it integrate with Salesforce?", options(Strategy.RAG, Reader.anonymous()));

        assertThat(a.abstained()).isTrue();
        assertThat(a.citations()).isEmpty();
    }

    @Test
    void promptOnlyAndTunedSendNoEvidence() {
        KnowledgeBase kb = new KnowledgeBase(EMBEDDER, store, generator(r -> new Generation("No idea.", List.of(), false)));

        kb.ask("How much does the Team plan cost?", options(Strategy.PROMPT_ONLY, Reader.unrestricted()));
        new KnowledgeBase(EMBEDDER, null, generator(r -> new Generation("{\"intent\":\"price\"}", List.of(), false)))
                .ask("How much does the Team plan cost?", options(Strategy.TUNED, Reader.unrestricted()));

        assertThat(seen).hasSize(2).allSatisfy(r -> assertThat(r.evidence()).isEmpty());
    }

    @Test
    void fullContextGivesEveryChunkTheReaderMayReadAndNothingElse() {
        KnowledgeBase kb = new KnowledgeBase(EMBEDDER, store, generator(r -> new Generation("Fine.", List.of(), false)));

        kb.ask("Summarise everything.", options(Strategy.FULL_CONTEXT, Reader.anonymous()));
        kb.ask("Summarise everything.", options(Strategy.FULL_CONTEXT, Reader.of("hr")));

        assertThat(seen.get(0).evidence()).extracting(h -> h.chunk().source()).containsExactly("ports.md", "pricing.md");
        assertThat(seen.get(1).evidence()).extracting(h -> h.chunk().source()).containsExactly("ports.md", "pricing.md", "salaries.md");
    }

    @Test
    void aRestrictedChunkNeverReachesTheGeneratorOfAnotherReader() {
        KnowledgeBase kb = new KnowledgeBase(EMBEDDER, store, generator(r -> new Generation("Fine.", List.of(), false)));

        for (Strategy s : List.of(Strategy.RAG, Strategy.FULL_CONTEXT))
            kb.ask("How much does the head of sales earn?", new AskOptions(5, SearchMode.HYBRID, Filter.readableBy(Reader.of("sales")), s));

        assertThat(seen).allSatisfy(r -> assertThat(r.evidence()).extracting(Hit::chunk).noneMatch(c -> c.source().equals("salaries.md")));
        assertThat(kb.search("head of sales earns", 5, SearchMode.BM25, Filter.readableBy(Reader.anonymous()))).isEmpty();
    }

    @Test
    void aStreamingGeneratorsDeltasReachTheCallerAndOthersArriveInOnePiece() {
        List<String> deltas = new ArrayList<>();
        StreamingGenerator streaming = new StreamingGenerator() {
            @Override
            public Generation generate(GenerationRequest request, Consumer<String> onToken) {
                onToken.accept("It costs ");
                onToken.accept("$49 [1].");
                return new Generation("It costs $49 [1].", List.of(1), false);
            }

            @Override
            public Generation generate(GenerationRequest request) {
                return generate(request, t -> {});
            }

            @Override
            public String name() {
                return "streaming";
            }
        };
        new KnowledgeBase(EMBEDDER, store, streaming).ask("How much does the Team plan cost?", options(Strategy.RAG, Reader.anonymous()), deltas::add);
        assertThat(deltas).containsExactly("It costs ", "$49 [1].");

        List<String> whole = new ArrayList<>();
        new KnowledgeBase(EMBEDDER, store, generator(r -> new Generation("All at once.", List.of(), false)))
                .ask("How much?", options(Strategy.RAG, Reader.anonymous()), whole::add);
        assertThat(whole).containsExactly("All at once.");
    }

    @Test
    void anEmptyQuestionIsRefused() {
        KnowledgeBase kb = new KnowledgeBase(EMBEDDER, store, generator(r -> new Generation("x", List.of(), false)));
        assertThatThrownBy(() -> kb.ask("  ", options(Strategy.RAG, Reader.anonymous()))).hasMessageContaining("empty");
    }
}
