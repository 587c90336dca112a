package io.knowhow.core.grounding;

import io.knowhow.core.text.ContentWords;

import io.knowhow.core.model.Answer;
import io.knowhow.core.model.Grounding;
import io.knowhow.core.model.Hit;
import io.knowhow.core.port.Embedder;
import io.knowhow.core.port.EmbedderInfo;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Judges whether an answer rests on its evidence, sentence by sentence, and finds citation markers
 * that point at no evidence.
 *
 * <p>Each sentence is checked against the chunks it cites, or, when it cites none, against the evidence
 * chunks that overlap it most. It is <em>supported</em> when
 * <ol>
 *   <li>every key term of the sentence (numbers, and capitalised words other than the first) occurs in
 *       the chunk(s), and the words of every multi-word name ("Amber Lantern") stand together in one cited
 *       chunk, as a phrase or in one sentence ({@link ContentWords#containsName}) —
 *       the veto that catches a wrong price, a wrong name or a name swapped together from two others, which
 *       both measures below would miss because everything else in the sentence still matches; and</li>
 *   <li>either its lexical overlap (the share of the sentence's distinct content terms that occur in the
 *       chunk text) reaches the lexical threshold ({@link #LEXICAL_THRESHOLD}), or the cosine between the
 *       sentence's embedding and the closest of the chunk and its sentences reaches the embedding
 *       threshold — the second catches rewording, and runs only with an {@link Embedder} whose model has
 *       a calibrated threshold ({@link #calibratedEmbeddingThreshold}).</li>
 * </ol>
 * The abstention sentence is always supported, sentences without content words ("Yes.") are not
 * checked, and a marker pointing at no evidence is reported and otherwise ignored.
 *
 * <p>NOTE: this is a cheap screen, not entailment. A sentence that recombines the chunk's own words
 * into a claim the chunk does not make ("Victoria is the largest state of Australia" from "Victoria is a
 * state of Australia. Melbourne is its largest city.") passes both tests. It catches the common failures
 * of a RAG answer: facts from the model's memory, invented numbers and names, citations of the wrong
 * block.
 *
 * <p>Thread-safe when the embedder is.
 */
public final class GroundingVerifier {
    /**
     * Least share of a sentence's content terms that must occur in its evidence.
     *
     * <p>Calibrated on the hand-made pairs in {@code knowhow-core/src/test/resources/grounding/pairs.tsv}
     * (29 supported, 28 unsupported; {@code GroundingCalibrationTest} keeps it so): among pairs whose key
     * terms match, the 23 quotes, paraphrases and summaries score 0.62–1.00 and the claims the chunk does
     * not make 0.14–0.57, so 0.6 separates them; reworded sentences (0.17–0.63) are left to the embedding
     * test. On the SQuAD 2.0 subset (702 answerable questions, "question + answer" as the claim;
     * {@code GroundingOnSquadTest} in knowhow-llm) 0.6 accepts 79.2% of claims against their gold
     * paragraph (81.5% before multi-word names had to stand together: the question's capitalised words glued
     * to a capitalised answer make names the paragraph lacks) and 1.6% against the next paragraph of the same
     * article that lacks the answer; 0.5 would
     * accept 90.6% and 4.0%, 0.7 65.1% and 1.0%, and 0.5 would also pass two hand-made "not stated"
     * pairs (0.57). A missed hallucination costs more than a flagged paraphrase, hence 0.6.
     */
    public static final double LEXICAL_THRESHOLD = 0.6;

    /**
     * Cosine thresholds per embedding model, keyed by the model part of {@link EmbedderInfo#id()} (before
     * the {@code @}). Cosine scales differ between models, so a threshold is only applied to the model it
     * was calibrated on; for any other model the embedding test is off and the lexical test decides.
     *
     * <p>all-MiniLM-L6-v2 (int8), on the hand-made pairs whose key terms match but whose overlap is
     * below 0.6: unsupported sentences reach at most 0.718 (best of chunk and chunk sentences), reworded
     * supported ones 0.545–0.774; 0.75 keeps every unsupported pair out and lets the clearest rewording
     * in. With it the verifier gets 25 of 29 supported and 26 of 28 unsupported pairs right (the two
     * misses are recombinations), and on a third of the SQuAD claims above it accepts 85.5% against the
     * gold paragraph (10 of them on embedding alone) and none against a random other paragraph. Re-measured
     * with the real model by {@code GroundingEmbeddingCalibrationTest} (knowhow-llm): highest unsupported
     * hand-made pair 0.709; on 300 SQuAD claims 84.3% accepted against the gold paragraph (78.7% by overlap
     * alone) and 1.7% against a neighbour without the answer, the same neighbour rate as at 0.70–0.85.
     * bge-small-en-v1.5 is absent on purpose: there an unsupported pair scores 0.898 and a reworded
     * supported one 0.896, so no threshold separates them.
     */
    static final Map<String, Double> EMBEDDING_THRESHOLDS = Map.of("all-minilm-l6-v2-q", 0.75);

    /** Evidence chunks tried for an uncited sentence, best lexical overlap first. */
    private static final int UNCITED_CANDIDATES = 3;

    /**
     * Markers written after a sentence's full stop ("Paris is the capital. [1] It ..."), which the
     * sentence iterator would glue to the next sentence; they are moved before the stop.
     */
    private static final Pattern MARKERS_AFTER_STOP = Pattern.compile("([.!?])((?:\\s*\\[[\\d\\s,;\\-–]+])+)");
    /** Markers at the start of a line belong to the sentence before. */
    private static final Pattern LEADING_MARKERS = Pattern.compile("^\\s*((?:\\[[\\d\\s,;\\-–]+]\\s*)+)");

    /**
     * How well one sentence rests on one passage.
     *
     * @param lexical         share of the sentence's content terms found in the passage, in [0, 1]
     * @param cosine          best embedding cosine against the passage and its sentences, or NaN when it
     *                        was not computed (no calibrated embedder, or the other tests decided)
     * @param keyTermsPresent true when every number and name of the sentence occurs in the passage
     * @param supported       the verdict
     */
    public record Support(double lexical, double cosine, boolean keyTermsPresent, boolean supported) {}

    private final Embedder embedder;
    private final double lexicalThreshold;
    private final double embeddingThreshold;

    /**
     * A verifier with the calibrated thresholds; the embedding test runs when {@code embedder} is not null
     * and its model has a calibrated threshold.
     */
    public GroundingVerifier(Embedder embedder) {
        this(embedder, LEXICAL_THRESHOLD, embedder == null ? Double.NaN : calibratedEmbeddingThreshold(embedder.info()).orElse(Double.NaN));
    }

    /**
     * Expert: a verifier with chosen thresholds.
     *
     * @param embeddingThreshold least cosine for the embedding test; NaN turns the test off
     */
    public GroundingVerifier(Embedder embedder, double lexicalThreshold, double embeddingThreshold) {
        if (!(lexicalThreshold > 0 && lexicalThreshold <= 1))
            throw new IllegalArgumentException("the lexical threshold must be in (0, 1], got " + lexicalThreshold);
        if (!Double.isNaN(embeddingThreshold) && !(embeddingThreshold > 0 && embeddingThreshold <= 1))
            throw new IllegalArgumentException("the embedding threshold must be in (0, 1] or NaN, got " + embeddingThreshold);
        this.embedder = Double.isNaN(embeddingThreshold) ? null : embedder;
        this.lexicalThreshold = lexicalThreshold;
        this.embeddingThreshold = embeddingThreshold;
    }

    /** The calibrated cosine threshold for an embedding model, if it has one. */
    public static OptionalDouble calibratedEmbeddingThreshold(EmbedderInfo info) {
        String model = info.id().contains("@") ? info.id().substring(0, info.id().indexOf('@')) : info.id();
        Double t = EMBEDDING_THRESHOLDS.get(model.toLowerCase(Locale.ROOT));
        return t == null ? OptionalDouble.empty() : OptionalDouble.of(t);
    }

    /** True when sentences can pass on embedding similarity (an embedder with a threshold was given). */
    public boolean usesEmbeddings() {
        return embedder != null;
    }

    /** A sentence of the answer, markers removed, with the valid evidence numbers it cites. */
    private record Claim(String text, Set<String> terms, Set<String> keys, List<List<String>> names, List<Integer> cited) {}

    /**
     * What a chunk says: its headings, outermost first, then its text. A heading is part of the evidence the reader
     * sees ("## Does the Starter plan include phone support?" over "No."), so an answer may quote it.
     */
    private static String evidenceText(Hit hit) {
        List<String> headings = hit.chunk().headingPath();
        return headings.isEmpty() ? hit.chunk().text() : String.join("\n", headings) + "\n" + hit.chunk().text();
    }

    /** Chunks one claim is checked against: the union of its citations, or one candidate chunk. */
    private record Candidate(List<Integer> chunks, double lexical, boolean keysPresent) {}

    /**
     * Checks {@code answer} against {@code evidence}, where marker {@code [n]} cites
     * {@code evidence.get(n - 1)}.
     */
    public Grounding verify(String answer, List<Hit> evidence) {
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(evidence, "evidence");
        List<Integer> invalid = CitationMarkers.numbers(answer).stream().filter(n -> n < 1 || n > evidence.size()).toList();
        if (isAbstention(answer)) return new Grounding(true, List.of(), invalid, 1.0);

        List<String> chunkTexts = evidence.stream().map(GroundingVerifier::evidenceText).toList();
        List<Set<String>> chunkTerms = chunkTexts.stream().map(ContentWords::content).toList();
        List<Claim> claims = claims(answer, evidence.size());
        // Overlap decides most sentences; those it does not, where some candidate holds the key terms,
        // wait for one batched embedding call.
        boolean[] supported = new boolean[claims.size()];
        Map<Integer, List<Candidate>> pending = new LinkedHashMap<>();
        for (int i = 0; i < claims.size(); i++) {
            List<Candidate> candidates = candidates(claims.get(i), chunkTerms, chunkTexts);
            supported[i] = candidates.stream().anyMatch(c -> c.keysPresent() && c.lexical() >= lexicalThreshold);
            List<Candidate> viable = candidates.stream().filter(Candidate::keysPresent).toList();
            if (!supported[i] && embedder != null && !viable.isEmpty()) pending.put(i, viable);
        }
        if (!pending.isEmpty()) {
            Set<Integer> chunks = new LinkedHashSet<>();
            List<String> sentences = new ArrayList<>();
            pending.forEach((i, cs) -> {
                sentences.add(claims.get(i).text());
                cs.forEach(c -> chunks.addAll(c.chunks()));
            });
            Map<Integer, List<String>> units = new LinkedHashMap<>();
            for (int c : chunks) units.put(c, units(chunkTexts.get(c)));
            Map<String, float[]> vectors = embed(sentences, units.values());
            for (var e : pending.entrySet()) {
                float[] s = vectors.get(claims.get(e.getKey()).text());
                supported[e.getKey()] = e.getValue().stream().flatMap(c -> c.chunks().stream())
                        .anyMatch(c -> best(s, units.get(c), vectors) >= embeddingThreshold);
            }
        }
        List<String> unsupported = new ArrayList<>();
        for (int i = 0; i < claims.size(); i++) if (!supported[i]) unsupported.add(claims.get(i).text());
        double ratio = claims.isEmpty() ? 1.0 : (claims.size() - unsupported.size()) / (double) claims.size();
        return new Grounding(unsupported.isEmpty(), unsupported, invalid, ratio);
    }

    /**
     * How well one sentence rests on one passage, by the same rules as {@link #verify}: used to calibrate
     * the thresholds and to explain a verdict. Embeds only when overlap alone does not decide.
     */
    public Support assess(String sentence, String passage) {
        String plain = CitationMarkers.strip(sentence).strip();
        Set<String> chunk = ContentWords.content(passage);
        double lexical = overlap(ContentWords.content(plain), chunk);
        boolean keys = chunk.containsAll(ContentWords.keyTerms(plain))
                && ContentWords.namePhrases(plain).stream().allMatch(p -> ContentWords.containsName(passage, p));
        if (keys && lexical >= lexicalThreshold) return new Support(lexical, Double.NaN, true, true);
        if (!keys || embedder == null) return new Support(lexical, Double.NaN, keys, false);
        List<String> units = units(passage);
        Map<String, float[]> vectors = embed(List.of(plain), List.of(units));
        double cosine = best(vectors.get(plain), units, vectors);
        return new Support(lexical, cosine, true, cosine >= embeddingThreshold);
    }

    /** Share of a sentence's content terms found among a chunk's. */
    static double overlap(Set<String> sentenceTerms, Set<String> chunkTerms) {
        if (sentenceTerms.isEmpty()) return 1.0;
        long found = sentenceTerms.stream().filter(chunkTerms::contains).count();
        return found / (double) sentenceTerms.size();
    }

    private List<Candidate> candidates(Claim claim, List<Set<String>> chunkTerms, List<String> chunkTexts) {
        if (!claim.cited().isEmpty()) {
            Set<String> union = new LinkedHashSet<>();
            for (int n : claim.cited()) union.addAll(chunkTerms.get(n - 1));
            List<Integer> idx = claim.cited().stream().map(n -> n - 1).toList();
            boolean names = claim.names().stream().allMatch(p -> idx.stream().anyMatch(i -> ContentWords.containsName(chunkTexts.get(i), p)));
            return List.of(new Candidate(idx, overlap(claim.terms(), union), names && union.containsAll(claim.keys())));
        }
        List<Candidate> all = new ArrayList<>();
        for (int i = 0; i < chunkTerms.size(); i++) {
            Set<String> terms = chunkTerms.get(i);
            String text = chunkTexts.get(i);
            boolean names = claim.names().stream().allMatch(p -> ContentWords.containsName(text, p));
            all.add(new Candidate(List.of(i), overlap(claim.terms(), terms), names && terms.containsAll(claim.keys())));
        }
        all.sort(Comparator.comparingDouble(Candidate::lexical).reversed());
        return all.subList(0, Math.min(UNCITED_CANDIDATES, all.size()));
    }

    /**
     * What a sentence's embedding is compared with in one chunk: the chunk, and each of its sentences when
     * it has several. A short claim is diluted against a long chunk (a faithful paraphrase of one of five
     * sentences scores about 0.65 with MiniLM), while against the sentence it restates it scores 0.8–1.0.
     */
    private static List<String> units(String chunk) {
        List<String> out = new ArrayList<>();
        out.add(chunk);
        List<String> sentences = sentences(chunk);
        if (sentences.size() > 1) out.addAll(sentences);
        return out;
    }

    /** Embeds the sentences and every unit in one batch, each distinct text once. */
    private Map<String, float[]> embed(List<String> sentences, Iterable<List<String>> units) {
        Set<String> texts = new LinkedHashSet<>(sentences);
        for (List<String> u : units) texts.addAll(u);
        List<String> ordered = List.copyOf(texts);
        List<float[]> vectors = embedder.embedAll(ordered);
        Map<String, float[]> out = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) out.put(ordered.get(i), vectors.get(i));
        return out;
    }

    private static double best(float[] sentence, List<String> units, Map<String, float[]> vectors) {
        double best = -1;
        for (String u : units) best = Math.max(best, cosine(sentence, vectors.get(u)));
        return best;
    }

    /** The answer's sentences with content words, markers moved onto the sentence they follow. */
    private static List<Claim> claims(String answer, int evidenceSize) {
        List<Claim> out = new ArrayList<>();
        for (String sentence : sentences(answer)) {
            String plain = CitationMarkers.strip(sentence).strip();
            if (isAbstention(plain)) continue;
            Set<String> terms = ContentWords.content(plain);
            if (terms.isEmpty()) continue;
            List<Integer> cited = CitationMarkers.numbers(sentence).stream().filter(n -> n >= 1 && n <= evidenceSize).toList();
            out.add(new Claim(plain, terms, ContentWords.keyTerms(plain), ContentWords.namePhrases(plain), cited));
        }
        return out;
    }

    /**
     * Splits text into sentences (and lines, for lists), keeping each sentence's markers with it:
     * markers written after the full stop belong to the sentence before ("Paris is the capital. [1]"
     * becomes "Paris is the capital [1].").
     */
    static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        for (String raw : text.split("\\R")) {
            String line = MARKERS_AFTER_STOP.matcher(raw).replaceAll("$2$1");
            it.setText(line);
            int start = it.first();
            for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
                String piece = line.substring(start, end);
                Matcher lead = LEADING_MARKERS.matcher(piece);
                if (lead.find() && !out.isEmpty()) {
                    out.set(out.size() - 1, out.get(out.size() - 1).stripTrailing() + " " + lead.group(1).strip());
                    piece = piece.substring(lead.end());
                }
                if (!piece.isBlank()) out.add(piece.strip());
            }
        }
        return out;
    }

    private static boolean isAbstention(String text) {
        String t = text.strip().replaceAll("\\s+", " ");
        String a = Answer.ABSTENTION;
        return t.equalsIgnoreCase(a) || t.equalsIgnoreCase(a.substring(0, a.length() - 1));
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
