package io.knowhow.core.grounding;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@link GroundingVerifier#LEXICAL_THRESHOLD} where the hand-made pairs put it: a change to the
 * threshold or to the word handling that lets the classes overlap fails here, with the pair named.
 */
class GroundingCalibrationTest {
    /** One line of {@code grounding/pairs.tsv}. */
    record Pair(boolean supported, String kind, String sentence, String chunk) {}

    private static final List<Pair> PAIRS = new ArrayList<>();
    private final GroundingVerifier lexical = new GroundingVerifier(null);

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = GroundingCalibrationTest.class.getResourceAsStream("/grounding/pairs.tsv")) {
            assertThat(in).as("grounding/pairs.tsv on the test classpath").isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split("\t");
                assertThat(f).as("four tab-separated fields in: %s", line).hasSize(4);
                PAIRS.add(new Pair(f[0].equals("supported"), f[1], f[2], f[3]));
            }
        }
    }

    @Test
    void theSetHasAboutTwentyPairsOfEachClass() {
        assertThat(PAIRS.stream().filter(Pair::supported).count()).isGreaterThanOrEqualTo(20);
        assertThat(PAIRS.stream().filter(p -> !p.supported()).count()).isGreaterThanOrEqualTo(20);
    }

    @Test
    void quotesParaphrasesAndSummariesAreSupported() {
        for (Pair p : PAIRS) {
            if (!p.supported() || p.kind().equals("reworded")) continue;
            GroundingVerifier.Support s = lexical.assess(p.sentence(), p.chunk());
            assertThat(s.supported()).as("supported pair (%s, overlap %.2f, key terms %s): %s", p.kind(), s.lexical(), s.keyTermsPresent(), p.sentence()).isTrue();
        }
    }

    @Test
    void claimsTheChunkDoesNotMakeAreUnsupported() {
        for (Pair p : PAIRS) {
            if (p.supported() || p.kind().equals("recombined")) continue;
            GroundingVerifier.Support s = lexical.assess(p.sentence(), p.chunk());
            assertThat(s.supported()).as("unsupported pair (%s, overlap %.2f): %s", p.kind(), s.lexical(), p.sentence()).isFalse();
        }
    }

    @Test
    void theThresholdSitsInTheGapBetweenTheClasses() {
        double lowestSupported = 1, highestUnsupported = 0;
        for (Pair p : PAIRS) {
            GroundingVerifier.Support s = lexical.assess(p.sentence(), p.chunk());
            if (!s.keyTermsPresent()) continue; // decided by the key-term veto, whatever the overlap
            if (p.supported() && !p.kind().equals("reworded")) lowestSupported = Math.min(lowestSupported, s.lexical());
            if (!p.supported() && p.kind().equals("not-stated")) highestUnsupported = Math.max(highestUnsupported, s.lexical());
        }
        assertThat(highestUnsupported).isLessThan(GroundingVerifier.LEXICAL_THRESHOLD);
        assertThat(lowestSupported).isGreaterThanOrEqualTo(GroundingVerifier.LEXICAL_THRESHOLD);
    }

    @Test
    void wrongNumbersAndNamesFailOnTheirKeyTerms() {
        for (Pair p : PAIRS) {
            if (p.kind().equals("wrong-number") || p.kind().equals("wrong-name")) {
                assertThat(lexical.assess(p.sentence(), p.chunk()).keyTermsPresent()).as(p.sentence()).isFalse();
            }
        }
    }
}
