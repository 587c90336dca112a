package io.knowhow.core.retrieval;

import io.knowhow.core.retrieval.ScoreFusion.Scored;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hand-computed cases (the first four were the embedded store's own fusion tests, number for number). */
class ScoreFusionTest {
    /** id, score, id, score, ...; scores are floats, as the engines hand them over. */
    static List<Scored<Integer>> list(float... idAndScore) {
        List<Scored<Integer>> l = new ArrayList<>();
        for (int i = 0; i < idAndScore.length; i += 2) l.add(new Scored<>((int) idAndScore[i], idAndScore[i + 1]));
        return l;
    }

    static List<Integer> ids(List<Scored<Integer>> l) {
        return l.stream().map(Scored::id).toList();
    }

    @Test
    void rrfUsesRanksOnly() {
        // BM25: 1 far ahead of 2; dense: 2 barely ahead of 1. Ranks tie them, the weight decides.
        List<Scored<Integer>> bm25 = list(1, 30f, 2, 3f), dense = list(2, 0.81f, 1, 0.80f);
        List<Scored<Integer>> fused = ScoreFusion.rrf(0.6).fuse(2, bm25, dense);
        assertThat(ids(fused)).containsExactly(1, 2);
        assertThat(fused.get(0).score()).isEqualTo(1.0 / 61 + 0.6 / 62);
        assertThat(fused.get(1).score()).isEqualTo(1.0 / 62 + 0.6 / 61);
        assertThat(ids(ScoreFusion.rrf(1.5).fuse(2, bm25, dense))).containsExactly(2, 1);
    }

    @Test
    void relativeScoreKeepsTheMarginsWithinEachList() {
        // BM25 says 1 by a mile, dense says 2 by a hair: relative scores follow the mile even at equal weights.
        List<Scored<Integer>> bm25 = list(1, 30f, 2, 3f, 3, 2f), dense = list(2, 0.81f, 1, 0.80f, 3, 0.10f);
        List<Scored<Integer>> fused = ScoreFusion.relativeScore(1.0).fuse(3, bm25, dense);
        assertThat(ids(fused)).containsExactly(1, 2, 3);
        // doc 1: BM25 (30-2)/28 = 1, dense (0.80-0.10)/(0.81-0.10), computed from the float scores in double
        double d1 = ((double) 0.80f - 0.10f) / ((double) 0.81f - 0.10f);
        assertThat(fused.get(0).score()).isEqualTo(1 + d1);
        // doc 2: BM25 (3-2)/28, dense 1
        assertThat(fused.get(1).score()).isEqualTo(1.0 / 28 + 1.0);
        assertThat(fused.get(2).score()).isEqualTo(0.0);
    }

    @Test
    void anIdInOneListOnlyGetsNothingFromTheOther() {
        List<Scored<Integer>> fused = ScoreFusion.relativeScore(0.5).fuse(3, list(7, 2f, 8, 1f), list(9, 0.9f, 8, 0.5f));
        // 7: 1 from BM25, nothing from dense; 9: 0.5 × 1 from dense; 8: last in both lists, 0 + 0
        assertThat(ids(fused)).containsExactly(7, 9, 8);
        assertThat(fused.get(1).score()).isEqualTo(0.5);
    }

    @Test
    void emptyListsAndEqualScoresAreHandled() {
        assertThat(ids(ScoreFusion.relativeScore(1).fuse(5, list(), list(4, 0.5f, 5, 0.5f)))).containsExactly(4, 5);
        assertThat(ScoreFusion.relativeScore(1).fuse(5, list(), list(4, 0.5f)).get(0).score()).isEqualTo(1.0);
        assertThat(ScoreFusion.rrf(1).fuse(5, list(), list())).isEmpty();
        assertThatThrownBy(() -> ScoreFusion.rrf(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScoreFusion.relativeScore(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScoreFusion.relativeScore(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tiesFollowTheGivenOrderAndKCutsTheList() {
        // Both lists identical: 1 and 2 tie on every fused score.
        List<Scored<Integer>> a = list(1, 5f, 2, 5f, 3, 1f), b = list(2, 0.5f, 1, 0.5f, 3, 0.1f);
        assertThat(ids(ScoreFusion.relativeScore(1).fuse(3, a, b))).containsExactly(1, 2, 3);
        assertThat(ids(ScoreFusion.relativeScore(1).fuse(3, a, b, Comparator.reverseOrder()))).containsExactly(2, 1, 3);
        assertThat(ids(ScoreFusion.relativeScore(1).fuse(1, a, b))).containsExactly(1);
        assertThatThrownBy(() -> ScoreFusion.DEFAULT.fuse(0, a, b)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stringIdsFuseLikeDocumentNumbers() {
        // Four chunks by id, scores as a store would return them; worked by hand:
        // BM25 min 1, max 9: a (9-1)/8 = 1, b (5-1)/8 = 0.5, c 0.
        // dense min 0.2, max 0.6: d 1, b (0.4-0.2)/(0.6-0.2), a 0. In the floats' own values b's share is
        // 0.49999998, not 0.5, so b (0.99999998) falls just behind a and d (1 each; a before d by id).
        List<Scored<String>> bm25 = List.of(new Scored<>("a", 9f), new Scored<>("b", 5f), new Scored<>("c", 1f));
        List<Scored<String>> dense = List.of(new Scored<>("d", 0.6f), new Scored<>("b", 0.4f), new Scored<>("a", 0.2f));
        List<Scored<String>> fused = ScoreFusion.DEFAULT.fuse(4, bm25, dense);
        assertThat(fused).extracting(Scored::id).containsExactly("a", "d", "b", "c");
        assertThat(fused.get(2).score()).isEqualTo(0.5 + ((double) 0.4f - 0.2f) / ((double) 0.6f - 0.2f)).isLessThan(1.0);
        assertThat(fused.get(3).score()).isEqualTo(0.0);
    }
}
