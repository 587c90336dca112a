package io.knowhow.llm.grounding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.knowhow.core.grounding.GroundingVerifier;
import io.knowhow.core.model.Chunk;
import io.knowhow.core.model.Hit;
import io.knowhow.embed.onnx.BundledModel;
import io.knowhow.embed.onnx.OnnxEmbedder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Calibrates {@link GroundingVerifier}'s MiniLM cosine threshold (0.75) with the real bundled model — the
 * int8 all-MiniLM-L6-v2 that knowledge bases embed with — instead of a lookup table: on the hand-made pairs
 * of knowhow-core's {@code grounding/pairs.tsv} (every kind, reworded and recombined included), on claims made
 * from SQuAD 2.0 questions against their own and a neighbouring paragraph, and on SQuAD answer sentences
 * whose answer is swapped for another article's. Also keeps the entity-swap veto with the embedder on: the
 * embedding test must never rescue a sentence whose names the cited chunk lacks.
 */
class GroundingEmbeddingCalibrationTest {
    private static OnnxEmbedder embedder;
    private static GroundingVerifier verifier;

    record Pair(boolean supported, String kind, String sentence, String chunk) {}

    @BeforeAll
    static void model() {
        embedder = OnnxEmbedder.bundled(BundledModel.ALL_MINILM_L6_V2_Q);
        verifier = new GroundingVerifier(embedder);
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    static List<Pair> pairs() throws IOException {
        List<Pair> out = new ArrayList<>();
        try (InputStream in = GroundingEmbeddingCalibrationTest.class.getResourceAsStream("/grounding/pairs.tsv")) {
            assertThat(in).as("grounding/pairs.tsv from knowhow-core's test-jar").isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split("\t");
                out.add(new Pair(f[0].equals("supported"), f[1], f[2], f[3]));
            }
        }
        return out;
    }

    @Test
    void theRealModelSeparatesTheHandMadePairsAtTheCalibratedThreshold() throws IOException {
        assertThat(verifier.usesEmbeddings()).as("the bundled model has a calibrated threshold").isTrue();
        int supportedRight = 0, supported = 0, rewordedAccepted = 0, recombinedAccepted = 0;
        double highestUnsupportedCosine = 0;
        StringBuilder log = new StringBuilder();
        for (Pair p : pairs()) {
            GroundingVerifier.Support s = verifier.assess(p.sentence(), p.chunk());
            log.append(String.format(Locale.ROOT, "%s %s lexical %.2f cosine %.3f keys %s -> %s: %s%n", p.supported() ? "+" : "-", p.kind(),
                    s.lexical(), s.cosine(), s.keyTermsPresent(), s.supported(), p.sentence()));
            if (p.supported()) {
                supported++;
                if (s.supported()) supportedRight++;
                if (p.kind().equals("reworded") && s.supported()) rewordedAccepted++;
            } else if (p.kind().equals("recombined")) {
                if (s.supported()) recombinedAccepted++;
            } else {
                assertThat(s.supported()).as("unsupported pair accepted:%n%s", log).isFalse();
                if (!Double.isNaN(s.cosine())) highestUnsupportedCosine = Math.max(highestUnsupportedCosine, s.cosine());
            }
        }
        System.out.printf(Locale.ROOT, "pairs: %d of %d supported accepted (%d reworded), %d recombined accepted, highest unsupported cosine %.3f%n",
                supportedRight, supported, rewordedAccepted, recombinedAccepted, highestUnsupportedCosine);
        // Measured with the real model (2026-11-29): 25 of 29 supported, 2 of 6 reworded pairs on cosine alone,
        // 2 of 3 recombined pairs wrongly accepted (the documented blind spot), highest unsupported cosine 0.709.
        assertThat(highestUnsupportedCosine).as(log.toString()).isLessThan(0.75);
        assertThat(rewordedAccepted).as(log.toString()).isGreaterThanOrEqualTo(2);
        assertThat(supportedRight).as(log.toString()).isGreaterThanOrEqualTo(supported - 4);
        assertThat(recombinedAccepted).as(log.toString()).isLessThanOrEqualTo(2);
    }

    @Test
    void anAnswerAboutALookAlikeNameIsUnsupportedEvenWithEmbeddings() {
        List<Hit> evidence = List.of(hit("The Amber Falcon plan costs $49 per month. It was launched by the Porto office."),
                hit("The Prism Lantern plan costs $77 per month. It was launched by the Lyon office."));

        assertThat(verifier.verify("The Amber Lantern plan costs $77 per month [2].", evidence).grounded()).isFalse();
        assertThat(verifier.verify("The Amber Lantern plan costs $77 a month [1][2].", evidence).grounded()).isFalse();
        assertThat(verifier.verify("Amber Lantern subscribers pay $77 monthly.", evidence).grounded()).isFalse();
        assertThat(verifier.verify("The Prism Lantern plan costs $77 per month [2].", evidence).grounded()).isTrue();
    }

    private static Hit hit(String text) {
        return new Hit(new Chunk("doc#" + text.hashCode(), "doc", 0, text, List.of(), 0, text.length(), 20, null, null), 1.0);
    }

    /** One SQuAD claim: "question + answer", its gold paragraph and a paragraph of the same article without the answer. */
    record Claim(String text, String gold, String other) {}

    @Test
    void onSquadTheThresholdAcceptsMoreRewordedClaimsWithoutAcceptingNeighbours() throws IOException {
        Path file = Path.of(System.getProperty("knowhow.shared.data", "../shared/data"), "squad2-dev-subset", "dev-v2.0-5articles.json");
        assumeTrue(Files.isRegularFile(file), "shared data not present (skipping the SQuAD calibration): " + file);
        List<Claim> claims = new ArrayList<>();
        List<String[]> answerSentences = new ArrayList<>(); // {sentence, answer, paragraph, title}
        List<String> answersWithCapitals = new ArrayList<>();
        for (JsonNode article : new ObjectMapper().readTree(file.toFile()).path("data")) {
            JsonNode paragraphs = article.path("paragraphs");
            for (int p = 0; p < paragraphs.size(); p++) {
                String gold = paragraphs.get(p).path("context").asText();
                for (JsonNode qa : paragraphs.get(p).path("qas")) {
                    if (qa.path("is_impossible").asBoolean() || qa.path("answers").isEmpty()) continue;
                    String answer = qa.path("answers").get(0).path("text").asText();
                    String other = neighbourWithout(paragraphs, p, answer);
                    if (other != null) claims.add(new Claim(qa.path("question").asText().strip().replaceAll("\\?+$", "") + " " + answer, gold, other));
                    String sentence = sentenceWith(gold, answer);
                    if (sentence != null && CAPITALISED.matcher(answer).matches()) {
                        answerSentences.add(new String[] {sentence, answer, gold, article.path("title").asText()});
                        answersWithCapitals.add(article.path("title").asText() + "\t" + answer);
                    }
                }
            }
        }
        Collections.shuffle(claims, new Random(11));
        claims = claims.subList(0, Math.min(300, claims.size()));
        double[] thresholds = {0.65, 0.70, 0.75, 0.80, 0.85};
        int[] goldAccepted = new int[thresholds.length], otherAccepted = new int[thresholds.length];
        int lexicalGold = 0;
        for (Claim c : claims) {
            GroundingVerifier.Support g = verifier.assess(c.text(), c.gold()), o = verifier.assess(c.text(), c.other());
            if (g.keyTermsPresent() && g.lexical() >= GroundingVerifier.LEXICAL_THRESHOLD) lexicalGold++;
            for (int t = 0; t < thresholds.length; t++) {
                if (accepted(g, thresholds[t])) goldAccepted[t]++;
                if (accepted(o, thresholds[t])) otherAccepted[t]++;
            }
        }
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%d claims; lexical alone accepts %.3f against gold%n", claims.size(), lexicalGold / (double) claims.size()));
        for (int t = 0; t < thresholds.length; t++) {
            table.append(String.format(Locale.ROOT, "cosine %.2f: gold %.3f, neighbour %.3f%n", thresholds[t],
                    goldAccepted[t] / (double) claims.size(), otherAccepted[t] / (double) claims.size()));
        }
        int at = 2; // 0.75, the calibrated threshold
        assertThat(thresholds[at]).isEqualTo(GroundingVerifier.calibratedEmbeddingThreshold(embedder.info()).orElseThrow());
        assertThat(otherAccepted[at] / (double) claims.size()).as(table.toString()).isLessThanOrEqualTo(0.03);
        assertThat(goldAccepted[at]).as(table.toString()).isGreaterThan(lexicalGold);
        System.out.print(table); // the calibration table, for docs/benchmarks.md

        // Answer sentences with their answer swapped for another article's capitalised answer: a fact that
        // is not in the paragraph, with everything else in place. The key-term veto must hold with embeddings on.
        Random rnd = new Random(3);
        int swapped = 0, caught = 0;
        for (String[] s : answerSentences) {
            String replacement = null;
            for (int tries = 0; tries < 20 && replacement == null; tries++) {
                String[] cand = answersWithCapitals.get(rnd.nextInt(answersWithCapitals.size())).split("\t", 2);
                if (!cand[0].equals(s[3]) && !s[2].contains(cand[1])) replacement = cand[1];
            }
            if (replacement == null) continue;
            swapped++;
            if (!verifier.assess(s[0].replace(s[1], replacement), s[2]).supported()) caught++;
        }
        assertThat(swapped).isGreaterThan(100);
        System.out.printf(Locale.ROOT, "%d of %d swapped answer sentences rejected%n", caught, swapped);
        assertThat(caught / (double) swapped).as("%d of %d swapped answer sentences rejected%n%s", caught, swapped, table).isGreaterThanOrEqualTo(0.95);
    }

    private static final Pattern CAPITALISED = Pattern.compile("\\p{Lu}[\\p{L}.'-]*(?: \\p{Lu}[\\p{L}.'-]*){0,3}");

    private static boolean accepted(GroundingVerifier.Support s, double threshold) {
        if (!s.keyTermsPresent()) return false;
        return s.lexical() >= GroundingVerifier.LEXICAL_THRESHOLD || !Double.isNaN(s.cosine()) && s.cosine() >= threshold;
    }

    private static String sentenceWith(String paragraph, String answer) {
        for (String s : paragraph.split("(?<=[.!?])\\s+")) if (s.contains(answer)) return s;
        return null;
    }

    private static String neighbourWithout(JsonNode paragraphs, int p, String answer) {
        for (int i = 1; i < paragraphs.size(); i++) {
            String text = paragraphs.get((p + i) % paragraphs.size()).path("context").asText();
            if (!text.toLowerCase(Locale.ROOT).contains(answer.toLowerCase(Locale.ROOT))) return text;
        }
        return null;
    }
}
