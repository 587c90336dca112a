package io.knowhow.store.lucene;

import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Filter;
import io.knowhow.core.model.Hit;
import io.knowhow.core.model.SearchMode;
import io.knowhow.core.port.KnowledgeStoreContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A question longer than Lucene's clause limit is searched by its heaviest terms, never refused. */
class LongQueryTest {
    @TempDir
    Path dir;

    @Test
    void aThousandWordQuestionFindsTheChunkItsRareWordsPointAt() {
        try (LuceneKnowledgeStore store = LuceneKnowledgeStore.open(dir, KnowledgeStoreContract.EMBEDDER_ID, KnowledgeStoreContract.DIMENSION)) {
            for (int i = 0; i < 20; i++) {
                Chunk c = KnowledgeStoreContract.chunk("s" + i, 0, "common filler words about policy number " + i);
                store.replaceSource(KnowledgeStoreContract.record("s" + i, 1), List.of(KnowledgeStoreContract.embedded(c)));
            }
            Chunk target = KnowledgeStoreContract.chunk("target", 0, "The zanzibar quokka protocol covers common policy");
            store.replaceSource(KnowledgeStoreContract.record("target", 1), List.of(KnowledgeStoreContract.embedded(target)));
            // 1,100 distinct made-up words, the common ones, and the two rare words of the target.
            String question = IntStream.range(0, 1_100).mapToObj(i -> "w" + i + "x").collect(Collectors.joining(" "))
                    + " common filler policy zanzibar quokka";

            for (SearchMode mode : List.of(SearchMode.BM25, SearchMode.HYBRID)) {
                List<Hit> hits = store.retrieve(KnowledgeStoreContract.request(mode, question, 1, Filter.NONE));
                assertThat(hits).as(mode.name()).extracting(Hit::chunk).containsExactly(target);
            }
        }
    }
}
