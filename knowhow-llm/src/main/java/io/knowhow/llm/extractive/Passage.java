package io.knowhow.llm.extractive;

import io.knowhow.analysis.AnalyzedText;
import io.knowhow.analysis.EnglishCjkAnalyzer;
import io.knowhow.core.model.Hit;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One evidence chunk as the answerer reads it: its analysed text (headings first, so a name in a heading
 * counts as in the chunk) and its sentences, each a unit that can be quoted.
 *
 * @param evidence  0-based index in the request's evidence ({@code [evidence + 1]} cites it)
 * @param raw       headings and text as written
 * @param text      headings and text, analysed
 * @param sentences the quotable sentences, in order
 * @param headingQuestion the chunk's innermost heading when it asks ("## When does the cafeteria open?", an FAQ written
 *                  as sections): the question its first sentence answers; null otherwise
 */
record Passage(int evidence, String raw, AnalyzedText text, List<Sentence> sentences, Sentence headingQuestion) {

    /**
     * A quotable sentence.
     *
     * @param text   the sentence as it will be quoted, whitespace collapsed
     * @param terms  its analysed terms
     * @param analysed its analysed tokens, for phrase checks
     * @param row    true for a table row or a CSV record ("Header: cell | Header: cell"): a record is
     *               self-contained, so the names asked about must be in it, not just near it
     * @param question true when the sentence asks ("Does the Starter plan include phone support?", an FAQ's
     *               entry): it shares every word with a user's question and answers nothing
     */
    record Sentence(String text, Set<String> terms, AnalyzedText analysed, boolean row, boolean question) {}

    /** Most characters of a quotable sentence; SQuAD's longest paragraphs' sentences stay far below it. */
    static final int MAX_SENTENCE = 2_000;

    /** A table row as the parser writes it: cells separated by " | ". */
    private static final Pattern ROW = Pattern.compile(".+ \\| .+");

    static Passage of(int evidence, Hit hit, EnglishCjkAnalyzer analyzer) {
        String body = hit.chunk().text();
        String headings = String.join("\n", hit.chunk().headingPath());
        String raw = headings.isEmpty() ? body : headings + "\n\n" + body;
        AnalyzedText text = AnalyzedText.of(analyzer, raw);
        List<Sentence> sentences = new ArrayList<>();
        for (String s : split(body)) {
            AnalyzedText a = AnalyzedText.of(analyzer, s);
            sentences.add(new Sentence(s, agentive(a.terms()), a, ROW.matcher(s).matches(), asks(s)));
        }
        Sentence headingQuestion = null;
        if (!hit.chunk().headingPath().isEmpty()) {
            String heading = hit.chunk().headingPath().getLast().strip().replaceAll("\\s+", " ");
            if (asks(heading)) {
                AnalyzedText a = AnalyzedText.of(analyzer, heading);
                headingQuestion = new Sentence(heading, agentive(a.terms()), a, false, true);
            }
        }
        return new Passage(evidence, raw, text, List.copyOf(sentences), headingQuestion);
    }

    /**
     * The terms with agent nouns reduced to their verb ("owner" → "own", "founder" → "found"), which Porter
     * stemming leaves apart: "Who owns …?" is answered by "Its owner is …". Applied to question and sentence
     * terms alike, so a collision ("paper" → "pap") can only match another collision.
     */
    static Set<String> agentive(Set<String> terms) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (String t : terms) {
            out.add(t.length() >= 5 && t.endsWith("er") && Character.isLetter(t.charAt(0)) ? t.substring(0, t.length() - 2) : t);
        }
        return out;
    }

    /** True when the sentence ends with a question mark (Latin or full-width), closing quotes and brackets aside. */
    static boolean asks(String sentence) {
        int end = sentence.length();
        while (end > 0 && "\"'”’)]»".indexOf(sentence.charAt(end - 1)) >= 0) end--;
        return end > 0 && (sentence.charAt(end - 1) == '?' || sentence.charAt(end - 1) == '？');
    }

    /**
     * Sentences by the JDK's sentence rules (which know "。！？" as well as ". ! ?"), and lines: a line break
     * in extracted text ends a list item, a table row or a heading, which carry no full stop.
     */
    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        for (String line : text.split("\\R")) {
            if (line.isBlank()) continue;
            it.setText(line);
            int start = it.first();
            for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
                String s = line.substring(start, end).strip().replaceAll("\\s+", " ");
                int length = s.codePointCount(0, s.length());
                // Longer than any sentence a reader would take as one: text without punctuation (a pasted blob, a
                // minified file), which would be quoted whole.
                if (length > MAX_SENTENCE) continue;
                if (length >= 3 || s.chars().anyMatch(Character::isIdeographic)) out.add(s);
            }
        }
        return out;
    }
}
