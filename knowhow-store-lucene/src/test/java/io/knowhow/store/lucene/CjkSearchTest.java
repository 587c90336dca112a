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

import static org.assertj.core.api.Assertions.assertThat;

/** Keyword search finds Chinese text by bigrams: with the English analyzer a whole Chinese sentence was one unmatched run. */
class CjkSearchTest {
    @TempDir
    Path dir;

    @Test
    void aChineseQuestionFindsItsChunkByKeywords() {
        try (LuceneKnowledgeStore store = LuceneKnowledgeStore.open(dir, KnowledgeStoreContract.EMBEDDER_ID, KnowledgeStoreContract.DIMENSION)) {
            List<String> texts = List.of("年度团建活动在杭州西湖举行，时间为十月中旬。", "报销申请须在三十天内提交财务部。", "新员工入职培训在每月第一个周一开始。");
            for (int i = 0; i < texts.size(); i++) {
                Chunk c = KnowledgeStoreContract.chunk("zh" + i, 0, texts.get(i));
                store.replaceSource(KnowledgeStoreContract.record("zh" + i, 1), List.of(KnowledgeStoreContract.embedded(c)));
            }
            List<Hit> hits = store.retrieve(KnowledgeStoreContract.request(SearchMode.BM25, "年度团建活动在哪里举行？", 3, Filter.NONE));
            assertThat(hits).extracting(h -> h.chunk().source()).first().isEqualTo("zh0");
            assertThat(store.retrieve(KnowledgeStoreContract.request(SearchMode.BM25, "报销要在多少天内提交？", 1, Filter.NONE)))
                    .extracting(h -> h.chunk().source()).containsExactly("zh1");
        }
    }
}
