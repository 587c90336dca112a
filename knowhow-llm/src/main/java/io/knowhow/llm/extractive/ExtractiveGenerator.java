package io.knowhow.llm.extractive;

import io.knowhow.analysis.AnalyzedText;
import io.knowhow.analysis.EnglishCjkAnalyzer;
import io.knowhow.core.model.Generation;
import io.knowhow.core.model.GenerationRequest;
import io.knowhow.core.port.Generator;
import io.knowhow.core.text.ContentWords;
import org.apache.lucene.analysis.CharArraySet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Answers by quoting the evidence: picks the sentence(s) that best answer the question and cites them,
 * or abstains. No model, so it cannot say anything the knowledge base does not say — the
 * zero-hallucination baseline every other generator is measured against.
 *
 * <p>Words are compared as {@link EnglishCjkAnalyzer} analyses them (the chain BM25 search uses), so
 * inflections meet ("launched"/"launches") and Chinese or Japanese text, which has no spaces, is compared
 * by character bigrams. The question is read into {@link Question}: content terms, the names it mentions,
 * and what it asks about them. A sentence may be quoted only when
 * <ol>
 *   <li>its chunk contains every multi-word name of the question <em>as written</em> — a capitalised
 *       name, code, quoted string or amount as a phrase ("Amber Lantern" is not in a chunk about the Amber
 *       Falcon and the Prism Lantern, though both its words are) — and a single name or number occurs in the
 *       evidence; a table row must hold the names itself (a row is a record);</li>
 *   <li>it answers what is asked about them: it holds a value of the kind a "how much"/"when"/"how many"
 *       question wants ({@link AnswerType}); and when a sentence of its chunk shares a question term other
 *       than the names (and the word that belongs to a name in that chunk, "plan" in "the Amber Falcon
 *       plan"), it does too — "It was launched by the Porto office" answers "Which office launched the
 *       Amber Falcon plan?", "The Amber Falcon plan costs $49" no longer does; and it does not name another
 *       thing of the same kind instead ("The Enterprise plan adds …" for "Does the Starter plan …");</li>
 *   <li>it covers enough of the question ({@link Options#minCoverage()}): the share of the question's
 *       term weight it contains, each term weighted by its inverse frequency across the evidence
 *       sentences, names counting half when only its chunk holds them (the sentence says "It was
 *       launched by …");</li>
 *   <li>it does not say the opposite of what is asked ({@link Contradictions}).</li>
 * </ol>
 * Among the sentences that qualify, the one with the highest coverage wins (names in the sentence itself
 * and the chunk's rank break ties). When none qualifies the generator abstains: a chunk that is about something else — another
 * product with a similar name, a document that was deleted — yields no answer rather than a wrong one.
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
        /** 0.3: see docs/benchmarks.md for the abstention and "answer contains gold" it gives on SQuAD. */
        public static final Options DEFAULT = new Options(0.3, 2, true);

        public Options(double minCoverage, int maxSentences) {
            this(minCoverage, maxSentences, true);
        }

        public Options {
            if (minCoverage < 0 || minCoverage > 1) throw new IllegalArgumentException("minCoverage must be in [0, 1], got " + minCoverage);
            if (maxSentences < 1) throw new IllegalArgumentException("maxSentences must be at least 1, got " + maxSentences);
        }
    }

    /**
     * Words that say nothing about what is asked: {@link ContentWords#STOP} (function words, question words,
     * answer fillers) but "own", which asks for an owner. Chinese question words are removed before
     * analysis instead ({@link Question}), since in a bigram they would take a content character with them.
     */
    static final CharArraySet STOP_WORDS;

    static {
        Set<String> stop = new HashSet<>(ContentWords.STOP);
        stop.remove("own");
        STOP_WORDS = new CharArraySet(stop, true);
    }

    /** Analyzer shared by all generators: Lucene analyzers are thread-safe and hold per-thread state only. */
    private static final EnglishCjkAnalyzer ANALYZER = new EnglishCjkAnalyzer(STOP_WORDS);

    /** Share of a name's weight that counts when only the sentence's chunk, not the sentence, holds it. */
    private static final double NAME_IN_CHUNK_CREDIT = 0.5;

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

    /**
     * A sentence that qualified, with what it covers.
     *
     * @param terms the sentence's terms, with those of the question just before it when it follows one (an FAQ's
     *              answer, "It opens at eight.", says what it answers only through its question)
     * @param quote what the answer quotes: the sentence, after that question when it follows one
     */
    private record Candidate(Passage passage, Passage.Sentence sentence, Set<String> terms, String quote, double coverage, double asked,
                             double names, boolean askedAnything) {
        double rank() {
            return coverage + 0.1 * names + 0.05 / (1 + passage.evidence());
        }
    }

    @Override
    public Generation generate(GenerationRequest request) {
        Question q = Question.parse(request.question(), ANALYZER);
        if (q.terms().isEmpty() || request.evidence().isEmpty()) return Generation.abstain();

        List<Passage> passages = new ArrayList<>();
        for (int e = 0; e < request.evidence().size(); e++) passages.add(Passage.of(e, request.evidence().get(e), ANALYZER));
        List<Passage.Sentence> all = passages.stream().flatMap(p -> p.sentences().stream()).toList();
        if (all.isEmpty()) return Generation.abstain();
        Map<String, Double> idf = idf(q.terms(), all);
        double total = q.terms().stream().mapToDouble(idf::get).sum();
        Set<String> nameTerms = q.mentionTerms();
        nameTerms.retainAll(q.terms());

        List<Candidate> candidates = new ArrayList<>();
        for (Passage p : passages) {
            if (!q.mentions().stream().allMatch(m -> found(m, p, passages))) continue;
            // Names, and the word that belongs to a name in this chunk ("plan" of "the Amber Falcon plan").
            Set<String> names = new HashSet<>(nameTerms);
            List<Question.Mention> headed = new ArrayList<>();
            for (Question.Mention m : q.mentions()) {
                if (m.head() != null && q.terms().contains(m.head()) && p.text().containsPhrase(withHead(m))) {
                    names.add(m.head());
                    headed.add(m);
                }
            }
            Set<String> asked = new LinkedHashSet<>(q.terms());
            asked.removeAll(names);
            double askedTotal = asked.stream().mapToDouble(idf::get).sum();
            double namesTotal = names.stream().mapToDouble(idf::get).sum();
            double namesInChunk = weight(names, p.text().terms(), idf);
            for (int i = 0; i < p.sentences().size(); i++) {
                Passage.Sentence s = p.sentences().get(i);
                // A question in the evidence shares every word with the user's and answers nothing: never quoted alone.
                if (s.question()) continue;
                Passage.Sentence before = i == 0 ? p.headingQuestion() : p.sentences().get(i - 1).question() ? p.sentences().get(i - 1) : null;
                // The question lends its words only where, with its answer, it holds every word the user asks: "Can I
                // bring my dog …? Only on Fridays." does not answer "Can I bring my cat …?", nor does the Pro plan's
                // "Yes" answer a question about the Starter plan.
                Passage.Sentence asking = before != null && q.terms().stream().allMatch(t -> before.terms().contains(t) || s.terms().contains(t))
                        && q.mentions().stream().allMatch(m -> before.analysed().containsPhrase(m.phrase()) || s.analysed().containsPhrase(m.phrase()))
                        ? before : null;
                // An answer belongs to its question: after a sibling of the user's question ("Who books train tickets? The
                // travel desk books all train tickets."), a sentence that shares with the user only what its own question
                // asked does not answer "Who books flights?". After a question that only opens a topic ("How does it work?
                // The Pro plan costs $49 a month."), the sentence still stands on its own words.
                if (before != null && asking == null && s.terms().stream().filter(q.terms()::contains).allMatch(before.terms()::contains)) continue;
                Set<String> terms = s.terms();
                if (asking != null) {
                    terms = new HashSet<>(s.terms());
                    terms.addAll(asking.terms());
                }
                // "What is the IT desk's email address?": an address in the sentence says "email address" by being one.
                if (!q.valueTerms().isEmpty() && q.answerType().foundIn(s.text())) {
                    terms = new HashSet<>(terms);
                    terms.addAll(q.valueTerms());
                }
                double askedIn = weight(asked, terms, idf), namesIn = weight(names, terms, idf);
                if (askedIn + namesIn == 0) continue;
                if (!q.answerType().foundIn(s.text())) continue;
                if (s.row() && !q.mentions().stream().allMatch(m -> s.analysed().containsPhrase(m.phrase()))) continue;
                if (headed.stream().anyMatch(m -> namesAnother(s, m))) continue;
                // A yes/no question is answered only by a sentence that states most of what it asks.
                if (q.yesNo() && askedIn < 0.5 * askedTotal) continue;
                double coverage = (askedIn + namesIn + NAME_IN_CHUNK_CREDIT * Math.max(0, namesInChunk - namesIn)) / total;
                String quote = asking == null ? s.text() : asking.text() + " " + s.text();
                candidates.add(new Candidate(p, s, terms, quote, coverage, askedTotal == 0 ? 0 : askedIn / askedTotal,
                        namesTotal == 0 ? 0 : namesIn / namesTotal, !asked.isEmpty()));
            }
        }
        // A sentence about the names but not about what is asked of them ("costs $49" for "which office
        // launched") loses to any sentence of its chunk that is; it stays only where none is, since questions
        // often reword what they ask ("What is X's job?" over "Economist X said …").
        Set<Passage> answering = new HashSet<>();
        for (Candidate c : candidates) if (c.asked() > 0) answering.add(c.passage());
        candidates.removeIf(c -> c.asked() == 0 && c.askedAnything() && answering.contains(c.passage()));
        if (candidates.isEmpty()) return Generation.abstain();
        candidates.sort((a, b) -> Double.compare(b.rank(), a.rank()));
        Candidate best = candidates.get(0);
        if (best.coverage() < options.minCoverage()) return Generation.abstain();
        if (options.refuseContradictions() && Contradictions.between(request.question(), q.yesNo(), best.sentence().text())) return Generation.abstain();

        List<Candidate> chosen = new ArrayList<>(List.of(best));
        Set<String> covered = new HashSet<>(best.terms());
        for (Candidate c : candidates.subList(1, candidates.size())) {
            if (chosen.size() >= options.maxSentences()) break;
            boolean addsQuestionTerms = q.terms().stream().anyMatch(t -> c.terms().contains(t) && !covered.contains(t));
            // When the question names something, a sentence from elsewhere joins only if it names it too: one that
            // shares "cost" and holds a number is not about "the Enterprise plan" (seen on this project's own docs).
            boolean aboutTheSame = c.passage() == best.passage() || nameTerms.isEmpty() || c.names() > 0;
            if (c.coverage() >= 0.8 * best.coverage() && addsQuestionTerms && aboutTheSame
                    && !c.sentence().text().equals(best.sentence().text())) {
                chosen.add(c);
                covered.addAll(c.terms());
            }
        }
        return compose(chosen);
    }

    /**
     * True when the passage holds the mention: an amount of money as written ("$49"), a multi-word one as a
     * phrase (or written as one word, "AppleTalk" for "Apple Talk"), a single name or number anywhere in the
     * evidence — a question's lone
     * name is often said by a pronoun or a surname in the answering chunk, and a one-word name cannot be
     * swapped word by word.
     */
    private static boolean found(Question.Mention m, Passage p, List<Passage> all) {
        if (m.literal() != null) return p.raw().replaceAll("\\s+", "").contains(m.literal());
        if (p.text().containsPhrase(m.phrase())) return true;
        if (m.phrase().tokens().size() == 1) return all.stream().anyMatch(o -> o.text().containsPhrase(m.phrase()));
        StringBuilder joined = new StringBuilder();
        for (AnalyzedText.Token t : m.phrase().tokens()) joined.append(t.term());
        return p.text().terms().contains(joined.toString());
    }

    /**
     * True when the sentence names another thing of the same kind instead of the one asked about: asked
     * about "the Starter plan", it says "The Enterprise plan adds single sign-on" — a capitalised word before
     * the mention's head word, and not the mention.
     */
    private static boolean namesAnother(Passage.Sentence s, Question.Mention m) {
        if (s.analysed().containsPhrase(m.phrase())) return false;
        List<AnalyzedText.Token> tokens = s.analysed().tokens();
        for (int i = 1; i < tokens.size(); i++) {
            AnalyzedText.Token head = tokens.get(i), before = tokens.get(i - 1);
            if (!head.term().equals(m.head()) || before.position() != head.position() - 1) continue;
            String word = s.text().substring(before.start(), before.end());
            if (!word.isEmpty() && Character.isUpperCase(word.codePointAt(0)) && !m.phrase().terms().contains(before.term())) return true;
        }
        return false;
    }

    private static AnalyzedText withHead(Question.Mention m) {
        List<AnalyzedText.Token> tokens = new ArrayList<>(m.phrase().tokens());
        AnalyzedText.Token last = tokens.getLast();
        tokens.add(new AnalyzedText.Token(m.head(), last.position() + 1, last.end(), last.end()));
        return new AnalyzedText(tokens);
    }

    private static double weight(Set<String> terms, Set<String> in, Map<String, Double> idf) {
        double w = 0;
        for (String t : terms) if (in.contains(t)) w += idf.get(t);
        return w;
    }

    private static Generation compose(List<Candidate> chosen) {
        StringBuilder text = new StringBuilder();
        List<Integer> cited = new ArrayList<>();
        for (Candidate c : chosen) {
            int n = c.passage().evidence() + 1;
            if (!text.isEmpty()) text.append(' ');
            text.append(c.quote()).append(" [").append(n).append(']');
            if (!cited.contains(n)) cited.add(n);
        }
        return new Generation(text.toString(), cited, false);
    }

    /** Smoothed inverse sentence frequency of each question term within the evidence. */
    private static Map<String, Double> idf(Set<String> terms, List<Passage.Sentence> sentences) {
        Map<String, Double> idf = new HashMap<>();
        int n = sentences.size();
        for (String t : terms) {
            long df = sentences.stream().filter(s -> s.terms().contains(t)).count();
            idf.put(t, Math.log(1.0 + (n + 1.0) / (df + 0.5)));
        }
        return idf;
    }
}
