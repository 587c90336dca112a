package io.knowhow.llm.extractive;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tells when a sentence that shares a question's words answers the opposite question — the two lexical
 * traps of SQuAD 2.0's unanswerable questions (Rajpurkar et al. 2018) a quoting answerer can see:
 * <ul>
 *   <li><b>negation</b>: the question asks what did <em>not</em> happen, the sentence says what did;</li>
 *   <li><b>antonym</b>: the question asks for the <em>smallest</em>, <em>last</em>, <em>south</em>…, the sentence
 *       states the <em>largest</em>, <em>first</em>, <em>north</em>… (and not the word asked for).</li>
 * </ul>
 * Measured on the SQuAD 2.0 subset (docs/benchmarks.md): abstention on unanswerable questions 24% → 37%,
 * on answerable ones 17% → 18%; on 1,000 SQuAD v1.1 questions (all answerable, other articles) 10.2% →
 * 11.0%. A reading model does far better; this is what a model-free answerer can check.
 */
final class Contradictions {
    private static final Pattern NEGATION = Pattern.compile("(?i)\\b(not|never|no)\\b|n't\\b");
    private static final Pattern WORD = Pattern.compile("[^\\p{L}]+");

    /** Opposite words, or word families with every form listed, both directions; as they appear in text (no stemming: "most"/"least" must not meet "mostly"). */
    private static final List<String[][]> ANTONYMS = List.of(
            p("largest", "smallest"), p("biggest", "smallest"), p("most", "least"), p("highest", "lowest"), p("first", "last"),
            p("earliest", "latest"), p("oldest", "newest"), p("oldest", "youngest"), p("longest", "shortest"), p("maximum", "minimum"),
            p("more", "less"), p("more", "fewer"), p("increase", "decrease"), p("increased", "decreased"), p("before", "after"),
            p("north", "south"), p("east", "west"), p("northern", "southern"), p("eastern", "western"), p("win", "lose"), p("won", "lost"),
            p("begin", "end"), p("began", "ended"), p("start", "end"), p("major", "minor"), p("best", "worst"), p("upper", "lower"),
            p("inner", "outer"), p("early", "late"), p("high", "low"), p("large", "small"), p("long", "short"), p("top", "bottom"),
            p("above", "below"), p("inside", "outside"), p("positive", "negative"), p("accept", "reject"), p("accepted", "rejected"),
            p("true", "false"), p("rich", "poor"), p("strong", "weak"), p("fast", "slow"), p("hot", "cold"), p("heavy", "light"),
            p("success", "failure"), p("agree", "disagree"), p("legal", "illegal"), p("private", "public"), p("import", "export"),
            p("imports", "exports"), p("rise", "fall"), p("gain", "loss"), p("birth", "death"), p("born", "died"), p("entered", "left"),
            p("allowed", "forbidden"), p("allowed", "banned"),
            // Verbs a team's documents state one of and a near-miss question asks the other: "When does the
            // cafeteria close?" over "The cafeteria opens at eight" must not be answered with the opening time.
            // Each side lists its forms, since the question and the sentence inflect the verb differently.
            f("open opens opened opening", "close closes closed closing"), f("buy buys bought buying", "sell sells sold selling"),
            f("arrive arrives arrived arriving arrival", "depart departs departed departing departure"),
            f("send sends sent sending", "receive receives received receiving"), f("add adds added adding", "remove removes removed removing"),
            f("enable enables enabled enabling", "disable disables disabled disabling"),
            f("include includes included including", "exclude excludes excluded excluding"),
            f("upload uploads uploaded uploading", "download downloads downloaded downloading"),
            // The same in German, the second language knowhow is measured on (MultilingualBench).
            f("öffnet öffnen geöffnet öffnung", "schließt schließen geschlossen schließung"), f("kauft kaufen gekauft", "verkauft verkaufen"),
            f("beginnt beginnen begonnen", "endet enden geendet"), f("ankunft", "abfahrt"));

    private Contradictions() {}

    /**
     * True when {@code sentence} answers the opposite of {@code question} by negation, or by an antonym where the
     * question asks for more than yes or no: for "Is the office open on Sundays?" ({@link Question#yesNo()}),
     * "The office is closed on Sundays" is the answer, not another question's.
     */
    static boolean between(String question, boolean yesNo, String sentence) {
        if (NEGATION.matcher(question).find() && !NEGATION.matcher(sentence).find()) return true;
        if (yesNo) return false;
        Set<String> q = words(question), s = words(sentence);
        for (String[][] pair : ANTONYMS) {
            if (swapped(q, s, pair[0], pair[1]) || swapped(q, s, pair[1], pair[0])) return true;
        }
        return false;
    }

    /** The question says a form of {@code asked} and none of {@code opposite}; the sentence the other way round. */
    private static boolean swapped(Set<String> q, Set<String> s, String[] asked, String[] opposite) {
        return any(q, asked) && !any(q, opposite) && any(s, opposite) && !any(s, asked);
    }

    private static boolean any(Set<String> words, String[] forms) {
        for (String form : forms) if (words.contains(form)) return true;
        return false;
    }

    private static Set<String> words(String text) {
        return new HashSet<>(List.of(WORD.split(text.toLowerCase(Locale.ROOT))));
    }

    private static String[][] p(String a, String b) {
        return new String[][] {{a}, {b}};
    }

    /** Opposite word families, each a space-separated list of forms. */
    private static String[][] f(String a, String b) {
        return new String[][] {a.split(" "), b.split(" ")};
    }
}
