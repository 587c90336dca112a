package io.knowhow.core.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Word-level text handling shared by grounding checks and the extractive generator: content terms
 * (stop words removed, lightly stemmed) and key terms (numbers, names). One definition of "a word", so
 * that what the generator quotes and what the verifier accepts agree.
 */
public final class ContentWords {
    private ContentWords() {}

    /** Function words, question words and answer fillers: they say nothing about what a sentence claims. */
    public static final Set<String> STOP = Set.of(
            "a", "an", "the", "and", "or", "but", "if", "then", "of", "at", "by", "for", "with", "about", "against",
            "between", "into", "through", "during", "before", "after", "above", "below", "to", "from", "up", "down",
            "in", "out", "on", "off", "over", "under", "again", "further", "once", "here", "there", "all", "any",
            "both", "each", "few", "more", "most", "other", "some", "such", "no", "nor", "not", "only", "own", "same",
            "so", "than", "too", "very", "can", "will", "just", "should", "now", "is", "are", "was", "were", "be",
            "been", "being", "have", "has", "had", "having", "do", "does", "did", "doing", "would", "could", "may",
            "might", "must", "shall", "i", "me", "my", "we", "our", "you", "your", "he", "him", "his", "she", "her",
            "it", "its", "they", "them", "their", "this", "that", "these", "those", "what", "which", "who", "whom",
            "whose", "when", "where", "why", "how", "as", "also", "s", "t", "one", "many", "much", "called",
            "according", "evidence", "document", "documents", "states", "stated", "say", "says", "said", "mentioned",
            "yes", "however", "therefore", "thus", "while", "although", "because", "since", "well", "like");

    /** Digits grouped with commas or thin spaces ("1,000", "10 000"), joined so both spellings meet. */
    private static final Pattern DIGIT_GROUPS = Pattern.compile("(?<=\\d)[,\u202f\u00a0](?=\\d{3}\\b)");

    /** Lower-cased word and number tokens, accents folded, digit groups joined. */
    public static List<String> tokens(String text) {
        String folded = Normalizer.normalize(DIGIT_GROUPS.matcher(text).replaceAll(""), Normalizer.Form.NFD)
                .replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        int i = 0, n = folded.length();
        while (i < n) {
            while (i < n && !Character.isLetterOrDigit(folded.charAt(i))) i++;
            int s = i;
            while (i < n && (Character.isLetterOrDigit(folded.charAt(i))
                    || (folded.charAt(i) == '\'' && i + 1 < n && Character.isLetter(folded.charAt(i + 1))))) i++;
            if (i > s) out.add(folded.substring(s, i).replace("'", ""));
        }
        return out;
    }

    /** Distinct content terms, stemmed, in order of first occurrence. */
    public static Set<String> content(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String t : tokens(text)) if (!STOP.contains(t)) out.add(stem(t));
        return out;
    }

    /**
     * Terms a supporting passage must contain for a sentence to rest on it: numbers, and capitalised
     * words other than a sentence's first. These are where invented answers differ from their source
     * ("$49" for "$59", "Globex" for "Acme") while every other word still overlaps, so overlap and
     * embedding similarity alone would pass them.
     */
    public static Set<String> keyTerms(String sentence) {
        Set<String> keys = new LinkedHashSet<>();
        String[] words = DIGIT_GROUPS.matcher(sentence.strip()).replaceAll("").split("\\s+");
        boolean sentenceStart = true;
        for (String raw : words) {
            String w = raw.replaceAll("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$", "");
            if (w.isEmpty()) {
                // A bullet starts a clause: the capital after it is not a name.
                sentenceStart |= raw.equals("-") || raw.equals("*") || raw.equals("•");
                continue;
            }
            boolean number = w.chars().anyMatch(Character::isDigit);
            boolean name = !sentenceStart && Character.isUpperCase(w.charAt(0));
            // After a colon, or a sentence end inside the text, a capital starts a clause, not a name.
            sentenceStart = raw.endsWith(":") || raw.endsWith(".") || raw.endsWith("?") || raw.endsWith("!");
            if (!number && !name) continue;
            for (String t : tokens(w)) if (!STOP.contains(t)) keys.add(stem(t));
        }
        return keys;
    }

    /**
     * Multi-word names of a sentence — runs of two or more capitalised words, numbers continuing a run
     * ("Super Bowl 50") — as sequences of {@link #content} terms. A passage supports a sentence naming
     * "Amber Lantern" only if it holds those words together: a chunk about the "Amber Falcon" and the "Prism
     * Lantern" holds each word, and {@link #keyTerms} alone would let the swap through.
     */
    public static List<List<String>> namePhrases(String sentence) {
        List<List<String>> out = new ArrayList<>();
        List<String> run = new ArrayList<>();
        int capitals = 0;
        boolean clauseStart = true, runAtClauseStart = false;
        String[] words = DIGIT_GROUPS.matcher(sentence.strip()).replaceAll("").split("\\s+");
        for (int i = 0; i <= words.length; i++) {
            String w = i < words.length ? words[i].replaceAll("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$", "").replaceAll("['’]s$", "") : "";
            boolean capital = !w.isEmpty() && Character.isUpperCase(w.charAt(0)) && !STOP.contains(w.toLowerCase(Locale.ROOT));
            boolean number = !w.isEmpty() && !run.isEmpty() && Character.isDigit(w.charAt(0));
            if (capital || number) {
                if (run.isEmpty()) runAtClauseStart = clauseStart;
                if (capital) capitals++;
                for (String t : tokens(w)) if (!STOP.contains(t)) run.add(stem(t));
            }
            // A run ends at a word that is no name, or after a word that ends a clause ("Porto. Lyon").
            boolean ends = !(capital || number) || i < words.length && words[i].matches(".*[.,;:!?)\\]]$");
            if (ends) {
                // Every sentence starts with a capital: there a run needs a second capitalised word.
                if (run.size() >= 2 && capitals >= (runAtClauseStart ? 2 : 1)) out.add(List.copyOf(run));
                run.clear();
                capitals = 0;
            }
            if (i < words.length && !words[i].isEmpty()) clauseStart = words[i].matches(".*[.:!?]$") || words[i].matches("[-*•]");
        }
        return out;
    }

    /**
     * True when the words of a {@link #namePhrases name} stand together in {@code text}: as consecutive
     * terms, or within one sentence (a name written out differently, "William the Conqueror … at
     * Hastings"). Two names in different sentences — "Amber Falcon … . Prism Lantern …" — do not make an
     * "Amber Lantern".
     */
    public static boolean containsName(String text, List<String> name) {
        if (containsPhrase(termSequence(text), name)) return true;
        for (String sentence : text.split("(?<=[.!?。！？])\\s+|\\R")) {
            if (content(sentence).containsAll(name)) return true;
        }
        return false;
    }

    /** True when {@code phrase} occurs as consecutive {@link #content}-level terms of {@code text}. */
    public static boolean containsPhrase(List<String> textTerms, List<String> phrase) {
        outer:
        for (int i = 0; i + phrase.size() <= textTerms.size(); i++) {
            for (int j = 0; j < phrase.size(); j++) if (!textTerms.get(i + j).equals(phrase.get(j))) continue outer;
            return true;
        }
        return false;
    }

    /** The text's terms in order, stop words removed and stemmed, repeats kept: what phrases are matched on. */
    public static List<String> termSequence(String text) {
        List<String> out = new ArrayList<>();
        for (String t : tokens(text)) if (!STOP.contains(t)) out.add(stem(t));
        return out;
    }

    /**
     * Strips common English inflections so "installing", "installed", "installs" meet. Deliberately
     * light: aggressive stemming merges unrelated words, and names must survive intact.
     */
    public static String stem(String t) {
        if (t.length() <= 3 || Character.isDigit(t.charAt(0))) return t;
        if (t.endsWith("ies") && t.length() > 4) return t.substring(0, t.length() - 3) + "y";
        if (t.endsWith("sses")) return t.substring(0, t.length() - 2);
        if (t.endsWith("ing") && t.length() > 5) return t.substring(0, t.length() - 3);
        if (t.endsWith("ed") && t.length() > 4) return t.substring(0, t.length() - 2);
        if (t.endsWith("es") && t.length() > 4 && "sxz".indexOf(t.charAt(t.length() - 3)) >= 0) return t.substring(0, t.length() - 2);
        if (t.endsWith("s") && !t.endsWith("ss") && !t.endsWith("us") && !t.endsWith("is")) return t.substring(0, t.length() - 1);
        return t;
    }
}
