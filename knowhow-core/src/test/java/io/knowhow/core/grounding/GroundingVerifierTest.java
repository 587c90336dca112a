package io.knowhow.core.grounding;

import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Grounding;
import io.knowhow.core.model.Hit;
import io.knowhow.core.port.Embedder;
import io.knowhow.core.port.EmbedderInfo;
import io.knowhow.core.text.ContentWords;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GroundingVerifierTest {
    private final GroundingVerifier lexical = new GroundingVerifier(null);

    private static List<Hit> evidence(String... texts) {
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            hits.add(new Hit(new Chunk("doc" + i + "#0", "doc" + i, 0, texts[i], List.of(), 0, texts[i].length(), 10, null, null), 1.0));
        }
        return hits;
    }

    private static final List<Hit> PRICING = evidence(
            "The Pro plan costs $59 per month, billed yearly. The Basic plan is free and limited to three projects.",
            "Support is available by email on weekdays from 9:00 to 17:00 CET.");

    @Test
    void aFaithfulCitedAnswerIsGrounded() {
        Grounding g = lexical.verify("The Pro plan costs $59 per month when billed yearly [1]. Email support runs on weekdays [2].", PRICING);

        assertThat(g.grounded()).isTrue();
        assertThat(g.unsupportedSentences()).isEmpty();
        assertThat(g.invalidCitations()).isEmpty();
        assertThat(g.supportRatio()).isEqualTo(1.0);
    }

    @Test
    void aChunksHeadingIsPartOfItsEvidence() {
        // An FAQ written as sections: the question is the heading, the chunk's text only "No. …".
        Chunk section = new Chunk("faq.md#1", "faq.md", 1, "No. Phone support comes with the Enterprise plan.",
                List.of("Office FAQ", "Does the Starter plan include phone support?"), 0, 50, 12, null, null);
        Grounding g = lexical.verify("Does the Starter plan include phone support? No. [1]", List.of(new Hit(section, 1.0)));

        assertThat(g.grounded()).isTrue();
        Chunk withoutHeadings = new Chunk("faq.md#1", "faq.md", 1, section.text(), List.of(), 0, 50, 12, null, null);
        assertThat(lexical.verify("Does the Starter plan include phone support? No. [1]", List.of(new Hit(withoutHeadings, 1.0)))
                .unsupportedSentences()).containsExactly("Does the Starter plan include phone support?");
    }

    @Test
    void aWrongNumberIsUnsupportedEvenThoughEveryOtherWordMatches() {
        Grounding g = lexical.verify("The Pro plan costs $49 per month, billed yearly [1].", PRICING);

        assertThat(g.grounded()).isFalse();
        assertThat(g.unsupportedSentences()).containsExactly("The Pro plan costs $49 per month, billed yearly.");
        assertThat(g.supportRatio()).isZero();
    }

    @Test
    void factsFromMemoryAreUnsupportedAndCountedInTheRatio() {
        Grounding g = lexical.verify("The Basic plan is free [1]. Netflix was founded in 1997 by Reed Hastings.", PRICING);

        assertThat(g.grounded()).isFalse();
        assertThat(g.unsupportedSentences()).containsExactly("Netflix was founded in 1997 by Reed Hastings.");
        assertThat(g.supportRatio()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void aSentenceIsCheckedAgainstTheChunkItCitesNotAnother() {
        Grounding g = lexical.verify("Email support is available on weekdays from 9:00 to 17:00 CET [1].", PRICING);

        assertThat(g.grounded()).isFalse();
    }

    @Test
    void anUncitedSentenceIsCheckedAgainstTheBestChunk() {
        Grounding g = lexical.verify("Support is available by email on weekdays.", PRICING);

        assertThat(g.grounded()).isTrue();
    }

    @Test
    void markersPointingAtNoEvidenceAreReportedAndTheSentenceStillChecked() {
        Grounding g = lexical.verify("The Basic plan is free [1][4]. It is limited to three projects [7].", PRICING);

        assertThat(g.invalidCitations()).containsExactly(4, 7);
        assertThat(g.grounded()).isTrue();
    }

    @Test
    void markersAfterTheFullStopBelongToTheSentenceBefore() {
        Grounding g = lexical.verify("Email support runs on weekdays. [2] The Pro plan costs $59 per month. [1]", PRICING);
        Grounding swapped = lexical.verify("Email support runs on weekdays. [1] The Pro plan costs $59 per month. [2]", PRICING);

        assertThat(g.grounded()).isTrue();
        assertThat(swapped.unsupportedSentences()).hasSize(2);
        assertThat(GroundingVerifier.sentences("A is one. [2] B is two. [1]")).containsExactly("A is one [2].", "B is two [1].");
    }

    @Test
    void theAbstentionIsAlwaysGrounded() {
        assertThat(lexical.verify(Answer.ABSTENTION, List.of())).isEqualTo(Grounding.ABSTAINED);
        assertThat(lexical.verify("  the knowledge base does not answer this ", PRICING).grounded()).isTrue();
    }

    @Test
    void anAnswerWithoutEvidenceIsUngrounded() {
        Grounding g = lexical.verify("Paris is the capital of France.", List.of());

        assertThat(g.grounded()).isFalse();
        assertThat(g.supportRatio()).isZero();
    }

    @Test
    void sentencesWithoutContentWordsAreNotChecked() {
        Grounding g = lexical.verify("Yes. The Basic plan is free [1].", PRICING);

        assertThat(g.grounded()).isTrue();
        assertThat(g.supportRatio()).isEqualTo(1.0);
    }

    @Test
    void listItemsAreCheckedOneByOne() {
        Grounding g = lexical.verify("Plans:\n- The Basic plan is free [1]\n- The Enterprise plan costs $999 [1]", PRICING);

        assertThat(g.unsupportedSentences()).containsExactly("- The Enterprise plan costs $999");
    }

    /** Embeds by a fixed table, so a test decides which texts are close in meaning. */
    private record TableEmbedder(Map<String, float[]> table) implements Embedder {
        @Override
        public List<float[]> embedAll(List<String> passages) {
            return passages.stream().map(p -> table.getOrDefault(p, new float[]{0, 0, 1})).toList();
        }

        @Override
        public float[] embedQuery(String query) {
            return embedAll(List.of(query)).get(0);
        }

        @Override
        public EmbedderInfo info() {
            return new EmbedderInfo("table@test", 3, 512);
        }
    }

    @Test
    void aRewordedSentencePassesOnEmbeddingSimilarityWhenOverlapIsLow() {
        String chunk = "Employees accrue 25 vacation days per year.";
        String reworded = "Staff members earn 25 days of paid leave annually.";
        Embedder embedder = new TableEmbedder(Map.of(chunk, new float[]{1, 0, 0}, reworded, new float[]{0.95f, 0.31f, 0}));

        assertThat(lexical.verify(reworded + " [1]", evidence(chunk)).grounded()).isFalse();
        assertThat(new GroundingVerifier(embedder, GroundingVerifier.LEXICAL_THRESHOLD, 0.75).verify(reworded + " [1]", evidence(chunk)).grounded()).isTrue();
    }

    @Test
    void similarEmbeddingsDoNotOverruleAMissingNumber() {
        String chunk = "Employees accrue 25 vacation days per year.";
        String wrong = "Staff members earn 30 days of paid leave annually.";
        Embedder embedder = new TableEmbedder(Map.of(chunk, new float[]{1, 0, 0}, wrong, new float[]{1, 0, 0}));

        GroundingVerifier.Support s = new GroundingVerifier(embedder, GroundingVerifier.LEXICAL_THRESHOLD, 0.75).assess(wrong, chunk);

        assertThat(s.keyTermsPresent()).isFalse();
        assertThat(s.supported()).isFalse();
    }

    @Test
    void theEmbeddingTestIsOffForModelsWithoutACalibratedThreshold() {
        Embedder uncalibrated = new TableEmbedder(Map.of());

        assertThat(new GroundingVerifier(uncalibrated).usesEmbeddings()).isFalse();
        assertThat(GroundingVerifier.calibratedEmbeddingThreshold(new EmbedderInfo("all-minilm-l6-v2-q@onnxruntime-1.20.0", 384, 256)))
                .hasValue(0.75);
    }

    @Test
    void rejectsThresholdsOutsideTheUnitInterval() {
        assertThatThrownBy(() -> new GroundingVerifier(null, 0, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GroundingVerifier(null, 0.5, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNameSwappedTogetherFromTwoOtherNamesIsUnsupported() {
        List<Hit> plans = evidence("The Amber Falcon plan costs $49 per month. It was launched by the Porto office.",
                "The Prism Lantern plan costs $77 per month. It was launched by the Lyon office.");

        assertThat(lexical.verify("The Amber Lantern plan costs $77 per month [2].", plans).grounded()).isFalse();
        // Citing both chunks puts every word in the cited text, but never the name.
        assertThat(lexical.verify("The Amber Lantern plan costs $77 per month [1][2].", plans).grounded()).isFalse();
        assertThat(lexical.verify("The Amber Lantern plan costs $77 per month.", plans).grounded()).isFalse();
        assertThat(lexical.verify("The Prism Lantern plan costs $77 per month [2].", plans).grounded()).isTrue();
        assertThat(ContentWords.namePhrases("Beyond 100 requests, Amber Lantern and HTTP 429 apply. Porto. Lyon office"))
                .containsExactly(List.of("amber", "lantern"), List.of("http", "429"));
    }
}
