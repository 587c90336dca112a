package io.knowhow.core.port;

import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Generation;
import io.knowhow.core.model.GenerationRequest;
import io.knowhow.core.model.Hit;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link Generator} promises about the shape of its answers, whatever it says: citations point into the
 * evidence, an abstention cites nothing, usage and cost are never negative, and a {@link StreamingGenerator}'s deltas
 * add up to its text. An implementation's test extends this; {@link #generator()} is set up so that
 * {@link #answerable()} gets an answer and {@link #unanswerable()} an abstention (a scripted server is scripted so).
 */
public abstract class GeneratorContract {
    /** The generator under test, ready for the next request. */
    protected abstract Generator generator();

    /** A request whose evidence answers the question. */
    protected GenerationRequest answerable() {
        return new GenerationRequest("Which port does the web interface use?", List.of(
                hit("install.md", 0, "The web interface listens on port 8443 over HTTPS."),
                hit("pricing.md", 0, "The Team plan costs $49 per editor per month.")));
    }

    /** A request whose evidence does not answer the question. */
    protected GenerationRequest unanswerable() {
        return new GenerationRequest("Does the product integrate with Salesforce?", List.of(
                hit("pricing.md", 0, "The Team plan costs $49 per editor per month.")));
    }

    /** Whether the implementation is expected to abstain on {@link #unanswerable()} (a random tiny model is not). */
    protected boolean abstainsWhenItShould() {
        return true;
    }

    @Test
    void hasAName() {
        assertThat(generator().name()).isNotBlank();
    }

    @Test
    void anAnswerCitesOnlyEvidenceThatExistsAndCostsNothingNegative() {
        GenerationRequest request = answerable();
        Generation g = generator().generate(request);
        assertThat(g.text()).isNotBlank();
        assertThat(g.cited()).allSatisfy(n -> assertThat(n).isBetween(1, request.evidence().size()));
        assertThat(g.cited()).doesNotHaveDuplicates();
        assertThat(g.usage().promptTokens()).isNotNegative();
        assertThat(g.usage().completionTokens()).isNotNegative();
        assertThat(g.cost()).isNotNegative();
        if (abstainsWhenItShould()) assertThat(g.abstained()).isFalse();
    }

    @Test
    void anAbstentionCitesNothing() {
        Generation g = generator().generate(unanswerable());
        if (abstainsWhenItShould()) assertThat(g.abstained()).isTrue();
        if (g.abstained()) {
            assertThat(g.cited()).isEmpty();
            assertThat(g.text()).isNotBlank();
        }
    }

    @Test
    void noEvidenceMeansNoCitations() {
        Generation g = generator().generate(new GenerationRequest("What is two and two?", List.of()));
        assertThat(g.cited()).isEmpty();
    }

    @Test
    public void streamedDeltasAddUpToTheText() {
        if (!(generator() instanceof StreamingGenerator streaming)) return;
        List<String> deltas = new ArrayList<>();
        Generation g = streaming.generate(answerable(), deltas::add);
        assertThat(String.join("", deltas)).isEqualTo(g.text());
        assertThat(g.cited()).allSatisfy(n -> assertThat(n).isBetween(1, answerable().evidence().size()));
    }

    protected static Hit hit(String source, int ordinal, String text) {
        return new Hit(new Chunk(Chunk.idOf(source, ordinal), source, ordinal, text, List.of(), 0, text.length(),
                text.split(" ").length, Set.of(), Set.of()), 1.0);
    }

    /** The abstention text knowhow's own generators use. */
    protected static String abstention() {
        return Answer.ABSTENTION;
    }
}
