package io.knowhow.store.lucene;

import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class HybridFusionTest {
    static TopDocs list(float... docAndScore) {
        ScoreDoc[] docs = new ScoreDoc[docAndScore.length / 2];
        for (int i = 0; i < docs.length; i++) docs[i] = new ScoreDoc((int) docAndScore[2 * i], docAndScore[2 * i + 1]);
        return new TopDocs(new TotalHits(docs.length, TotalHits.Relation.EQUAL_TO), docs);
    }

    static int[] docs(TopDocs t) {
        return Arrays.stream(t.scoreDocs).mapToInt(d -> d.doc).toArray();
    }

    @Test
    void rrfUsesRanksOnly() {
        // BM25: 1 far ahead of 2; dense: 2 barely ahead of 1. Ranks tie them, the weight decides.
        TopDocs bm25 = list(1, 30f, 2, 3f), dense = list(2, 0.81f, 1, 0.80f);
        TopDocs fused = HybridFusion.rrf(0.6).fuse(2, bm25, dense);
        assertThat(docs(fused)).containsExactly(1, 2);
        assertThat(fused.scoreDocs[0].score).isCloseTo((float) (1.0 / 61 + 0.6 / 62), within(1e-6f));
        assertThat(docs(HybridFusion.rrf(1.5).fuse(2, bm25, dense))).containsExactly(2, 1);
    }

    @Test
    void relativeScoreKeepsTheMarginsWithinEachList() {
        // BM25 says 1 by a mile, dense says 2 by a hair: relative scores follow the mile even at equal weights.
        TopDocs bm25 = list(1, 30f, 2, 3f, 3, 2f), dense = list(2, 0.81f, 1, 0.80f, 3, 0.10f);
        TopDocs fused = HybridFusion.relativeScore(1.0).fuse(3, bm25, dense);
        assertThat(docs(fused)).containsExactly(1, 2, 3);
        // doc 1: BM25 (30-2)/28 = 1, dense (0.80-0.10)/0.71
        assertThat(fused.scoreDocs[0].score).isCloseTo((float) (1 + 0.70 / 0.71), within(1e-5f));
        assertThat(fused.scoreDocs[2].score).isCloseTo(0f, within(1e-6f));
    }

    @Test
    void aDocumentInOneListOnlyGetsNothingFromTheOther() {
        TopDocs fused = HybridFusion.relativeScore(0.5).fuse(3, list(7, 2f, 8, 1f), list(9, 0.9f, 8, 0.5f));
        // 7: 1 from BM25, nothing from dense; 9: 0.5 × 1 from dense; 8: last in both lists, 0 + 0
        assertThat(docs(fused)).containsExactly(7, 9, 8);
        assertThat(fused.scoreDocs[1].score).isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void emptyListsAndEqualScoresAreHandled() {
        assertThat(docs(HybridFusion.relativeScore(1).fuse(5, list(), list(4, 0.5f, 5, 0.5f)))).containsExactly(4, 5);
        assertThat(HybridFusion.relativeScore(1).fuse(5, list(), list(4, 0.5f)).scoreDocs[0].score).isEqualTo(1f);
        assertThat(HybridFusion.rrf(1).fuse(5, list(), list()).scoreDocs).isEmpty();
        assertThatThrownBy(() -> HybridFusion.rrf(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HybridFusion.relativeScore(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
