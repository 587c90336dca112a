package io.knowhow.llm.grounding;

import io.knowhow.core.testing.SharedData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.core.grounding.GroundingVerifier;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the lexical grounding threshold on real text: the SQuAD 2.0 subset in the shared data
 * (lives here rather than in core because reading it needs Jackson). Each answerable question with
 * its answer, "In what country is Normandy located France", is a claim; against its gold paragraph it
 * should mostly be supported, against another paragraph of the same article (one without the answer)
 * almost never. Question wording paraphrases the paragraph on purpose, so the supported rate is a
 * lower bound for real answers, which reuse the evidence's words.
 */
class GroundingOnSquadIT {
    @Test
    void claimsAreSupportedByTheirGoldParagraphAndNotByTheirNeighbours() throws IOException {
        Path file = SharedData.require("squad2-dev-subset/dev-v2.0-5articles.json");
        JsonNode data = new ObjectMapper().readTree(file.toFile()).path("data");
        GroundingVerifier lexical = new GroundingVerifier(null);

        int claims = 0, supportedByGold = 0, supportedByOther = 0;
        for (JsonNode article : data) {
            JsonNode paragraphs = article.path("paragraphs");
            for (int p = 0; p < paragraphs.size(); p++) {
                String gold = paragraphs.get(p).path("context").asText();
                for (JsonNode qa : paragraphs.get(p).path("qas")) {
                    if (qa.path("is_impossible").asBoolean() || qa.path("answers").isEmpty()) continue;
                    String answer = qa.path("answers").get(0).path("text").asText();
                    String other = neighbourWithout(paragraphs, p, answer);
                    if (other == null) continue;
                    String claim = qa.path("question").asText().strip().replaceAll("\\?+$", "") + " " + answer;
                    claims++;
                    if (lexical.assess(claim, gold).supported()) supportedByGold++;
                    if (lexical.assess(claim, other).supported()) supportedByOther++;
                }
            }
        }

        double gold = supportedByGold / (double) claims, other = supportedByOther / (double) claims;
        String summary = String.format(Locale.ROOT, "%d claims: %.3f supported by gold, %.3f by another paragraph", claims, gold, other);
        assertThat(claims).as(summary).isGreaterThan(600);
        assertThat(gold).as(summary).isGreaterThanOrEqualTo(0.78);
        assertThat(other).as(summary).isLessThanOrEqualTo(0.03);
    }

    /** The first paragraph after {@code p} (wrapping) of the same article that does not contain the answer. */
    private static String neighbourWithout(JsonNode paragraphs, int p, String answer) {
        for (int i = 1; i < paragraphs.size(); i++) {
            String text = paragraphs.get((p + i) % paragraphs.size()).path("context").asText();
            if (!text.toLowerCase(Locale.ROOT).contains(answer.toLowerCase(Locale.ROOT))) return text;
        }
        return null;
    }
}
