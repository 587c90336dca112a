package io.knowhow.llm.extractive;

import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Generation;
import io.knowhow.core.model.GenerationRequest;
import io.knowhow.core.model.Hit;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExtractiveGeneratorTest {
    private final ExtractiveGenerator generator = new ExtractiveGenerator();

    private static List<Hit> evidence(String... texts) {
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            hits.add(new Hit(new Chunk("doc" + i + "#0", "doc" + i, 0, texts[i], List.of(), 0, texts[i].length(), 10, null, null), 1.0 / (i + 1)));
        }
        return hits;
    }

    @Test
    void quotesTheAnsweringSentenceAndCitesItsChunk() {
        Generation g = generator.generate(new GenerationRequest("How much does the Pro plan cost per month?", evidence(
                "Our company was founded in 2010. We build billing software.",
                "The Basic plan is free. The Pro plan costs $59 per month, billed yearly. Enterprise pricing is on request.")));

        assertThat(g.abstained()).isFalse();
        assertThat(g.text()).startsWith("The Pro plan costs $59 per month, billed yearly. [2]");
        assertThat(g.cited()).startsWith(2);
    }

    @Test
    void abstainsWhenTheQuestionsEntityIsNotInTheEvidence() {
        Generation g = generator.generate(new GenerationRequest("When was Acme Corporation founded?", evidence(
                "Globex was founded in 1989 in Springfield.",
                "The founders of Initech met at university.")));

        assertThat(g.abstained()).isTrue();
        assertThat(g.text()).isEqualTo(Answer.ABSTENTION);
        assertThat(g.cited()).isEmpty();
    }

    @Test
    void abstainsWhenTheEvidenceIsAboutSomethingElse() {
        Generation g = generator.generate(new GenerationRequest("what is the refund policy for damaged shipments", evidence(
                "The office kitchen is cleaned every evening.",
                "Parking spaces are assigned by seniority.")));

        assertThat(g.abstained()).isTrue();
    }

    @Test
    void abstainsWhenTheSentenceAnswersTheOppositeQuestion() {
        List<Hit> evidence = evidence("The Normans conquered England in 1066 under William.",
                "Paris is the largest city of France and its capital.");
        // Negated question over an affirmative sentence: quoting it would answer what they did do.
        assertThat(generator.generate(new GenerationRequest("What did the Normans not conquer in 1066?", evidence)).abstained()).isTrue();
        // Antonym: asked for the smallest, the evidence names the largest.
        assertThat(generator.generate(new GenerationRequest("What is the smallest city of France?", evidence)).abstained()).isTrue();
        // The same questions without the twist are answered from the same sentences.
        assertThat(generator.generate(new GenerationRequest("What did the Normans conquer in 1066?", evidence)).text()).contains("conquered England");
        assertThat(generator.generate(new GenerationRequest("What is the largest city of France?", evidence)).text()).contains("Paris");
        // A negated question over a negated sentence is a fair match; and the check can be switched off.
        List<Hit> negated = evidence("The Normans did not conquer Scotland in 1066.");
        assertThat(generator.generate(new GenerationRequest("What did the Normans not conquer in 1066?", negated)).text()).contains("Scotland");
        ExtractiveGenerator lenient = new ExtractiveGenerator(new ExtractiveGenerator.Options(0.3, 2, false));
        assertThat(lenient.generate(new GenerationRequest("What is the smallest city of France?", evidence)).text()).contains("Paris");
    }

    @Test
    void abstainsWithoutEvidence() {
        assertThat(generator.generate(new GenerationRequest("What is the capital of France?", List.of())).abstained()).isTrue();
    }

    @Test
    void matchesInflectedForms() {
        Generation g = generator.generate(new GenerationRequest("Who installs the updates?", evidence(
                "Updates are installed by the operations team every Tuesday.", "Lunch is at noon.")));

        assertThat(g.abstained()).isFalse();
        assertThat(g.text()).contains("operations team").contains("[1]");
    }

    @Test
    void addsASecondSentenceOnlyWhenItCoversMoreOfTheQuestion() {
        Generation g = generator.generate(new GenerationRequest("Which port and protocol does the server use?", evidence(
                "The server listens on port 8080.", "The server speaks the HTTP protocol on port 8080.", "Logs rotate daily.")));

        assertThat(g.abstained()).isFalse();
        assertThat(g.text()).contains("HTTP protocol");
        assertThat(g.cited()).contains(2);
    }
}
