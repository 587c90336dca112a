package io.knowhow.eval.metrics;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Scores an answer text against accepted answers: SQuAD's normalisation (lower case, punctuation and articles
 * removed, single spaces), then <em>contains</em> (an accepted answer's tokens occur as a contiguous run of the
 * answer's tokens — so "$49" is found in "costs $49 per editor" but not in "$490"), exact match and token F1.
 * Citation markers ({@code [n]}) are removed first.
 */
public final class AnswerScoring {
    private static final Pattern MARKERS = Pattern.compile("\\s*\\[\\d+(?:\\s*,\\s*\\d+)*\\]");
    private static final Pattern PUNCT = Pattern.compile("[\\p{Punct}\\p{IsPunctuation}]");
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private AnswerScoring() {}

    /** The text without its {@code [n]} citation markers. */
    public static String withoutMarkers(String text) {
        return MARKERS.matcher(text).replaceAll("").strip();
    }

    /** SQuAD's answer normalisation. */
    public static String normalize(String s) {
        String t = Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        t = PUNCT.matcher(t).replaceAll("");
        t = ARTICLES.matcher(t).replaceAll(" ");
        return SPACES.matcher(t.strip()).replaceAll(" ");
    }

    static String[] tokens(String s) {
        String n = normalize(s);
        return n.isEmpty() ? new String[0] : n.split(" ");
    }

    /** Whether some accepted answer's normalised tokens occur, contiguous and in order, among the answer's. */
    public static boolean containsAccepted(String answer, List<String> accepted) {
        String[] a = tokens(withoutMarkers(answer));
        for (String g : accepted) {
            String[] t = tokens(g);
            if (t.length > 0 && indexOf(a, t) >= 0) return true;
        }
        return false;
    }

    private static int indexOf(String[] hay, String[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (!hay[i + j].equals(needle[j])) continue outer;
            return i;
        }
        return -1;
    }

    /** 1 when the normalised answer equals a normalised accepted answer, else 0. */
    public static double exactMatch(String answer, List<String> accepted) {
        String p = normalize(withoutMarkers(answer));
        return accepted.stream().anyMatch(g -> normalize(g).equals(p)) ? 1 : 0;
    }

    /** The best token F1 over the accepted answers (SQuAD's definition: bag-of-tokens overlap). */
    public static double tokenF1(String answer, List<String> accepted) {
        String[] p = tokens(withoutMarkers(answer));
        double best = 0;
        for (String g : accepted) best = Math.max(best, f1(p, tokens(g)));
        return best;
    }

    private static double f1(String[] p, String[] g) {
        if (p.length == 0 || g.length == 0) return 0;
        Map<String, Integer> counts = new HashMap<>();
        for (String t : g) counts.merge(t, 1, Integer::sum);
        int common = 0;
        for (String t : p) {
            Integer c = counts.get(t);
            if (c != null && c > 0) {
                common++;
                counts.put(t, c - 1);
            }
        }
        if (common == 0) return 0;
        double precision = (double) common / p.length, recall = (double) common / g.length;
        return 2 * precision * recall / (precision + recall);
    }

    /** For tests and messages: the normalised tokens. */
    public static List<String> normalizedTokens(String s) {
        return Arrays.asList(tokens(s));
    }
}
