package io.knowhow.llm.extractive;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Word-level text handling for the extractive generator: tokens, stop words, a light stemmer. */
final class Terms {
    private Terms() {}

    /** Function words and question words: they say nothing about what a passage is about. */
    static final Set<String> STOP = Set.of(
            "a", "an", "the", "and", "or", "but", "if", "then", "of", "at", "by", "for", "with", "about", "against",
            "between", "into", "through", "during", "before", "after", "above", "below", "to", "from", "up", "down",
            "in", "out", "on", "off", "over", "under", "again", "further", "once", "here", "there", "all", "any",
            "both", "each", "few", "more", "most", "other", "some", "such", "no", "nor", "not", "only", "own", "same",
            "so", "than", "too", "very", "can", "will", "just", "should", "now", "is", "are", "was", "were", "be",
            "been", "being", "have", "has", "had", "having", "do", "does", "did", "doing", "would", "could", "may",
            "might", "must", "shall", "i", "me", "my", "we", "our", "you", "your", "he", "him", "his", "she", "her",
            "it", "its", "they", "them", "their", "this", "that", "these", "those", "what", "which", "who", "whom",
            "whose", "when", "where", "why", "how", "as", "also", "s", "t", "one", "many", "much", "name", "called",
            "use", "used", "tell", "give", "get", "kind", "type", "know", "mean", "means", "else", "yes");

    /** Lower-cased word and number tokens, accents folded. */
    static List<String> tokens(String text) {
        String folded = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        int i = 0, n = folded.length();
        while (i < n) {
            while (i < n && !Character.isLetterOrDigit(folded.charAt(i))) i++;
            int s = i;
            while (i < n && (Character.isLetterOrDigit(folded.charAt(i)) || (folded.charAt(i) == '\'' && i + 1 < n && Character.isLetter(folded.charAt(i + 1))))) i++;
            if (i > s) out.add(folded.substring(s, i).replace("'", ""));
        }
        return out;
    }

    /** Content terms, stemmed. */
    static List<String> content(String text) {
        List<String> out = new ArrayList<>();
        for (String t : tokens(text)) if (!STOP.contains(t)) out.add(stem(t));
        return out;
    }

    /**
     * Strips common English inflections so "installing", "installed", "installs" meet. Deliberately
     * light (an S-stemmer plus -ing/-ed): aggressive stemming merges unrelated words, and entity names
     * must survive intact.
     */
    static String stem(String t) {
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
