package io.knowhow.llm.extractive;

import io.knowhow.core.model.Generation;
import io.knowhow.core.model.GenerationRequest;
import io.knowhow.core.model.Hit;
import io.knowhow.core.port.Generator;
import io.knowhow.core.text.ContentWords;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Answers by quoting the evidence: picks the sentence(s) that best cover the question and cites them,
 * or abstains. No model, so it cannot say anything the knowledge base does not say — the
 * zero-hallucination baseline every other generator is measured against.
 *
 * <p>A sentence's score is the share of the question's content-term weight it contains, each term
 * weighted by its inverse frequency across the evidence sentences (rare terms identify the topic),
 * with a small bonus for higher-ranked chunks. It abstains when the best sentence covers too little
 * of the question, when a <em>key term</em> of the question — a name, a number, or a term rare in
 * the evidence — occurs nowhere in the evidence (then the passages are about something else, and
 * quoting them would answer a different question), or when the best sentence contradicts the question
 * ({@link Contradictions}: it would answer the opposite question).
 */
public final class ExtractiveGenerator implements Generator {

    /**
     * @param minCoverage           least share of the question's term weight the best sentence must contain
     * @param maxSentences          most sentences quoted in one answer
     * @param refuseContradictions  abstain when the best sentence says the opposite of what the question
     *                              asks about ({@link Contradictions}): a negated question over an
     *                              affirmative sentence, or a word of the question replaced by its antonym
     */
    public record Options(double minCoverage, int maxSentences, boolean refuseContradictions) {
        /**
         * 0.3 measured best on the SQuAD 2.0 subset (docs/benchmarks.md): it abstains on 95.9% of questions
         * whose answer is not in the knowledge base, 36.5% of the adversarial unanswerable ones and 18% of
         * answerable ones, and the answer contains the gold span 72% of the time; 0.45 abstains on 98.9% /
         * 51.6% / 41% and finds the span 55% of the time.
         */
        public static final Options DEFAULT = new Options(0.3, 2, true);

        public Options(double minCoverage, int maxSentences) {
            this(minCoverage, maxSentences, true);
        }

        public Options {
            if (minCoverage < 0 || minCoverage > 1) throw new IllegalArgumentException("minCoverage must be in [0, 1]");
            if (maxSentences < 1) throw new IllegalArgumentException("maxSentences must be at least 1");
        }
    }

    private final Options options;

    public ExtractiveGenerator() {
        this(Options.DEFAULT);
    }

    public ExtractiveGenerator(Options options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "extractive";
    }

    private record Sentence(int evidence, int rank, String text, Set<String> terms) {}

    private record Scored(Sentence sentence, double coverage, double score) {}

    @Override
    public Generation generate(GenerationRequest request) {
        List<String> questionTerms = new ArrayList<>(ContentWords.content(request.question()));
        if (questionTerms.isEmpty() || request.evidence().isEmpty()) return Generation.abstain();

        List<Sentence> sentences = split(request.evidence());
        if (sentences.isEmpty()) return Generation.abstain();
        Map<String, Double> idf = idf(questionTerms, sentences);

        Set<String> evidenceTerms = new HashSet<>();
        for (Sentence s : sentences) evidenceTerms.addAll(s.terms());
        for (String key : ContentWords.keyTerms(request.question())) {
            if (!evidenceTerms.contains(key)) return Generation.abstain();
        }

        double total = questionTerms.stream().mapToDouble(idf::get).sum();
        List<Scored> scored = new ArrayList<>();
        for (Sentence s : sentences) {
            double covered = questionTerms.stream().filter(s.terms()::contains).mapToDouble(idf::get).sum();
            double coverage = covered / total;
            scored.add(new Scored(s, coverage, coverage + 0.05 / (1 + s.rank())));
        }
        scored.sort((a, b) -> Double.compare(b.score(), a.score()));
        Scored best = scored.get(0);
        if (best.coverage() < options.minCoverage()) return Generation.abstain();
        if (options.refuseContradictions() && Contradictions.between(request.question(), best.sentence().text())) return Generation.abstain();

        List<Scored> chosen = new ArrayList<>(List.of(best));
        Set<String> covered = new HashSet<>(best.sentence().terms());
        for (Scored s : scored.subList(1, scored.size())) {
            if (chosen.size() >= options.maxSentences()) break;
            boolean addsQuestionTerms = questionTerms.stream().anyMatch(t -> s.sentence().terms().contains(t) && !covered.contains(t));
            if (s.coverage() >= 0.8 * best.coverage() && addsQuestionTerms && !s.sentence().text().equals(best.sentence().text())) {
                chosen.add(s);
                covered.addAll(s.sentence().terms());
            }
        }
        return compose(chosen);
    }

    private static Generation compose(List<Scored> chosen) {
        StringBuilder text = new StringBuilder();
        List<Integer> cited = new ArrayList<>();
        for (Scored s : chosen) {
            int n = s.sentence().evidence() + 1;
            if (!text.isEmpty()) text.append(' ');
            text.append(s.sentence().text().strip()).append(" [").append(n).append(']');
            if (!cited.contains(n)) cited.add(n);
        }
        return new Generation(text.toString(), cited, false);
    }

    private static List<Sentence> split(List<Hit> evidence) {
        List<Sentence> out = new ArrayList<>();
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        for (int e = 0; e < evidence.size(); e++) {
            String text = evidence.get(e).chunk().text();
            it.setText(text);
            int start = it.first();
            for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
                for (String line : text.substring(start, end).split("\\n\\s*\\n")) {
                    String s = line.strip().replaceAll("\\s+", " ");
                    if (s.length() < 3) continue;
                    out.add(new Sentence(e, e, s, new HashSet<>(ContentWords.content(s))));
                }
            }
        }
        return out;
    }

    /** Smoothed inverse sentence frequency of each question term within the evidence. */
    private static Map<String, Double> idf(List<String> terms, List<Sentence> sentences) {
        Map<String, Double> idf = new HashMap<>();
        int n = sentences.size();
        for (String t : terms) {
            long df = sentences.stream().filter(s -> s.terms().contains(t)).count();
            idf.put(t, Math.log(1.0 + (n + 1.0) / (df + 0.5)));
        }
        return idf;
    }
}
