package io.knowhow.store.lucene;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.Reader;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.model.SourceUpdate;
import io.knowhow.core.port.KnowledgeStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static io.knowhow.core.port.KnowledgeStoreContract.DIMENSION;
import static io.knowhow.core.port.KnowledgeStoreContract.EMBEDDER_ID;
import static io.knowhow.core.port.KnowledgeStoreContract.chunk;
import static io.knowhow.core.port.KnowledgeStoreContract.embedded;
import static io.knowhow.core.port.KnowledgeStoreContract.record;
import static io.knowhow.core.port.KnowledgeStoreContract.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * BM25 statistics and access groups: what a reader's scores say about chunks it may not read. Lucene's
 * statistics count every document, so a restricted chunk holding a query word lowers that word's weight,
 * and the public chunks' scores show it: a reader could learn that a restricted chunk uses a word.
 */
class ReaderStatisticsTest {
    @TempDir
    Path without;
    @TempDir
    Path with;

    private static final List<String> PUBLIC = List.of("alpha bravo charlie", "delta echo alpha foxtrot", "golf hotel india",
            "juliet kilo lima alpha alpha", "mike november oscar", "papa quebec romeo");

    /** The public source, and with {@code restricted} an hr-only source holding the query words, in one commit. */
    private static void fill(KnowledgeStore store, boolean restricted) {
        List<Chunk> chunks = IntStream.range(0, PUBLIC.size()).mapToObj(i -> chunk("public.md", i, PUBLIC.get(i))).toList();
        List<SourceUpdate> batch = new ArrayList<>();
        batch.add(new SourceUpdate(record("public.md", chunks.size()), chunks.stream().map(c -> embedded(c)).toList()));
        // Filler, so that deleting the hr chunks leaves their segment with too few deletions for Lucene to merge them away.
        List<Chunk> filler = IntStream.range(0, 60).mapToObj(i -> chunk("filler.md", i, "zulu filler text number " + i)).toList();
        batch.add(new SourceUpdate(record("filler.md", filler.size()), filler.stream().map(c -> embedded(c)).toList()));
        if (restricted) {
            Chunk secret = chunk("hr.md", 0, "alpha alpha alpha salary review alpha", Set.of(), Set.of("hr"));
            Chunk memo = chunk("hr.md", 1, "alpha restricted memo for the board", Set.of(), Set.of("hr"));
            batch.add(new SourceUpdate(record("hr.md", 2, Set.of(), Set.of("hr")), List.of(embedded(secret), embedded(memo))));
        }
        store.replaceSources(batch);
    }

    @ParameterizedTest
    @EnumSource(value = SearchMode.class, names = {"BM25", "HYBRID"})
    void anAnonymousReaderScoresPublicChunksAlikeWhetherOrNotRestrictedChunksHoldTheWord(SearchMode mode) {
        try (LuceneKnowledgeStore a = LuceneKnowledgeStore.open(without, EMBEDDER_ID, DIMENSION);
             LuceneKnowledgeStore b = LuceneKnowledgeStore.open(with, EMBEDDER_ID, DIMENSION)) {
            fill(a, false);
            fill(b, true);
            Filter anonymous = Filter.readableBy(Reader.anonymous());

            List<Hit> alone = a.retrieve(request(mode, "alpha lima", 10, anonymous));
            List<Hit> beside = b.retrieve(request(mode, "alpha lima", 10, anonymous));

            assertThat(alone).isNotEmpty();
            assertThat(beside).as("same chunks, same scores, to the last bit").isEqualTo(alone);
            assertThat(b.retrieve(request(mode, "alpha lima", 10, Filter.readableBy(Reader.of("hr")))))
                    .as("fixture: a reader of hr does see the restricted chunks").anyMatch(h -> h.chunk().source().equals("hr.md"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = SearchMode.class, names = {"BM25", "HYBRID"})
    void deletedChunksDoNotWeighOnARestrictedReadersScores(SearchMode mode) {
        try (LuceneKnowledgeStore a = LuceneKnowledgeStore.open(without, EMBEDDER_ID, DIMENSION);
             LuceneKnowledgeStore b = LuceneKnowledgeStore.open(with, EMBEDDER_ID, DIMENSION)) {
            fill(a, false);
            fill(b, true);
            b.deleteSource("hr.md"); // its documents stay in the public chunks' segment, marked deleted, until a merge
            Filter reader = Filter.readableBy(Reader.of("hr"));

            assertThat(b.retrieve(request(mode, "alpha lima", 10, reader))).isEqualTo(a.retrieve(request(mode, "alpha lima", 10, reader)));
        }
    }
}
