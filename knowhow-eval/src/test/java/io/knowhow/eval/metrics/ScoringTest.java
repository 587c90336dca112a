package io.knowhow.eval.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Every metric on cases computed by hand. */
class ScoringTest {
    @Test
    void normalisationIsSquads() {
        assertThat(AnswerScoring.normalize("The Team plan costs $49, billed annually!")).isEqualTo("team plan costs 49 billed annually");
        assertThat(AnswerScoring.withoutMarkers("It costs $49 [1]. Also [2, 3] this.")).isEqualTo("It costs $49. Also this.");
    }

    @Test
    void containsMatchesWholeTokensOnly() {
        assertThat(AnswerScoring.containsAccepted("The Team plan costs $49 per editor [1]", List.of("$49"))).isTrue();
        assertThat(AnswerScoring.containsAccepted("It costs $490 per editor", List.of("$49"))).isFalse();
        assertThat(AnswerScoring.containsAccepted("within four hours, around the clock", List.of("4 hours", "four hours"))).isTrue();
        assertThat(AnswerScoring.containsAccepted("anything", List.of("  "))).isFalse();
    }

    @Test
    void exactMatchAndF1ByHand() {
        assertThat(AnswerScoring.exactMatch("The 30 days.", List.of("30 days"))).isEqualTo(1.0);
        assertThat(AnswerScoring.exactMatch("30 days [1]", List.of("thirty days"))).isEqualTo(0.0);
        // prediction "costs 49 per editor" (4 tokens), gold "49 per editor per month" (5 tokens): common 49, per, editor = 3
        // precision 3/4, recall 3/5, F1 = 2·0.75·0.6 / 1.35 = 0.6667
        assertThat(AnswerScoring.tokenF1("costs $49 per editor", List.of("$49 per editor per month"))).isCloseTo(2 * 0.75 * 0.6 / 1.35, within(1e-9));
        assertThat(AnswerScoring.tokenF1("nothing alike", List.of("49"))).isZero();
        assertThat(AnswerScoring.tokenF1("49", List.of("x", "49"))).isEqualTo(1.0);
    }

    @Test
    void retrievalMetricsByHand() {
        List<String> ranked = List.of("a", "b", "c", "d");
        Set<String> relevant = Set.of("b", "d", "z");
        assertThat(RetrievalScoring.firstRelevantRank(ranked, relevant)).isEqualTo(2);
        assertThat(RetrievalScoring.recallAt(ranked, relevant, 2)).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(RetrievalScoring.recallAt(ranked, relevant, 4)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(RetrievalScoring.reciprocalRank(ranked, relevant, 10)).isEqualTo(0.5);
        assertThat(RetrievalScoring.reciprocalRank(ranked, relevant, 1)).isZero();
        // DCG = 1/log2(3) + 1/log2(5); ideal (3 relevant) = 1 + 1/log2(3) + 1/log2(4)
        double dcg = 1 / log2(3) + 1 / log2(5), idcg = 1 + 1 / log2(3) + 0.5;
        assertThat(RetrievalScoring.ndcgAt(ranked, relevant, 10)).isCloseTo(dcg / idcg, within(1e-12));
        assertThat(RetrievalScoring.ndcgAt(ranked, Set.of(), 10)).isZero();
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Test
    void percentilesAreNearestRankAndEmptySamplesAreRefused() {
        double[] v = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
        assertThat(Sample.percentile(v, 50)).isEqualTo(5);
        assertThat(Sample.percentile(v, 95)).isEqualTo(10);
        assertThat(Sample.percentile(new double[]{7}, 95)).isEqualTo(7);
        assertThat(Sample.mean(new double[]{1, 2, 6})).isEqualTo(3);
        assertThat(Sample.stddev(new double[]{1, 2, 6})).isCloseTo(Math.sqrt((4 + 1 + 9) / 2.0), within(1e-12));
        assertThat(Sample.round(0.123456, 4)).isEqualTo(0.1235);
        assertThatThrownBy(() -> Sample.percentile(new double[0], 50)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sourcesMatchAtAPathComponentBoundary() {
        List<String> stored = List.of("/home/ada/docs/pricing.md", "/home/ada/docs/old-pricing.md", "/home/ada/docs/sub/install.html");
        assertThat(SourceMatch.resolve(stored, List.of("pricing.md"))).containsExactly("/home/ada/docs/pricing.md");
        assertThat(SourceMatch.resolve(stored, List.of("sub/install.html", "./docs/pricing.md"))).containsExactly("/home/ada/docs/pricing.md", "/home/ada/docs/sub/install.html");
        assertThat(SourceMatch.unmatched(stored, List.of("pricing.md", "faq.md"))).containsExactly("faq.md");
    }

    @Test
    void citationPrecisionAndRecallByHand() {
        assertThat(CitationScoring.precision(Set.of("a", "b"), Set.of("a")).getAsDouble()).isEqualTo(0.5);
        assertThat(CitationScoring.recall(Set.of("a", "b"), Set.of("a", "c", "d", "e")).getAsDouble()).isEqualTo(0.25);
        assertThat(CitationScoring.precision(Set.of(), Set.of("a"))).isEmpty();
        assertThat(CitationScoring.recall(Set.of(), Set.of("a")).getAsDouble()).isZero();
    }

    @Test
    void schemaCheckFindsTheJsonAndValidatesIt() throws Exception {
        var schema = new ObjectMapper().readTree("{\"type\":\"object\",\"required\":[\"plan\",\"usd\"],\"properties\":{\"usd\":{\"type\":\"number\"}}}");
        assertThat(SchemaCheck.check(schema, "{\"plan\": \"Team\", \"usd\": 49}").valid()).isTrue();
        assertThat(SchemaCheck.check(schema, "Here it is: ```json\n{\"plan\": \"Team\", \"usd\": 49}\n``` [1]").valid()).isTrue();
        SchemaCheck.Result wrongType = SchemaCheck.check(schema, "{\"plan\": \"Team\", \"usd\": \"49\"}");
        assertThat(wrongType.valid()).isFalse();
        assertThat(wrongType.problems()).anyMatch(p -> p.contains("usd"));
        assertThat(SchemaCheck.check(schema, "The Team plan costs $49.").problems()).containsExactly("the answer is not JSON");
    }
}
