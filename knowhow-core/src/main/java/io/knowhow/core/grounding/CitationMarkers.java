package io.knowhow.core.grounding;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds, lists and rewrites the {@code [n]} citation markers of an answer: {@code [1]},
 * {@code [1, 2]}, {@code [1][2]} and ranges such as {@code [2-4]}.
 *
 * <p>A marker must not follow a letter, digit or underscore, so {@code items[2]} or {@code xs[-1]} in a
 * code sample is not a citation; and numbers have at most three digits, so a bracketed year such as
 * {@code [2024]} is left alone. Numbers outside the evidence ({@code [0]}, {@code [-1]}, {@code [999]})
 * are found like any other, so callers can report and remove them.
 */
public final class CitationMarkers {
    private CitationMarkers() {}

    /**
     * One number of a marker: up to three digits, with an optional minus (ASCII or U+2212) so that a
     * negative marker such as {@code [-1]} is found, and then reported and removed as pointing at no
     * evidence, instead of passing through as text a reader takes for a citation.
     */
    private static final String NUMBER = "[-\u2212]?\\d{1,3}";
    private static final String ITEM = NUMBER + "(?:\\s*[-–]\\s*\\d{1,3})?";
    private static final Pattern MARKER = Pattern.compile(
            "(?<![\\p{L}\\p{N}_])\\[(" + ITEM + "(?:\\s*[,;]\\s*" + ITEM + ")*)]");
    private static final Pattern RANGE = Pattern.compile("(" + NUMBER + ")\\s*[-–]\\s*(\\d{1,3})");
    /** Longest range expanded; a wider one ("[1-500]") is not a citation anyone means. */
    private static final int MAX_RANGE = 20;

    /**
     * One marker in a text.
     *
     * @param start   index of the {@code [}
     * @param end     index after the {@code ]}
     * @param numbers the numbers it names, in the order written
     */
    public record Marker(int start, int end, List<Integer> numbers) {
        public Marker {
            numbers = List.copyOf(numbers);
        }
    }

    /** Every marker in {@code text}, in order. */
    public static List<Marker> find(String text) {
        List<Marker> out = new ArrayList<>();
        Matcher m = MARKER.matcher(text);
        while (m.find()) {
            List<Integer> numbers = new ArrayList<>();
            for (String part : m.group(1).split("\\s*[,;]\\s*")) {
                Matcher r = RANGE.matcher(part);
                if (r.matches()) {
                    int from = parse(r.group(1)), to = Integer.parseInt(r.group(2));
                    if (to < from || to - from >= MAX_RANGE) {
                        numbers.clear();
                        break;
                    }
                    for (int n = from; n <= to; n++) numbers.add(n);
                } else {
                    numbers.add(parse(part.strip()));
                }
            }
            if (!numbers.isEmpty()) out.add(new Marker(m.start(), m.end(), numbers));
        }
        return out;
    }

    private static int parse(String number) {
        return Integer.parseInt(number.replace('\u2212', '-'));
    }

    /** The numbers cited in {@code text}, distinct, in order of first use. */
    public static List<Integer> numbers(String text) {
        Set<Integer> seen = new LinkedHashSet<>();
        for (Marker m : find(text)) seen.addAll(m.numbers());
        return List.copyOf(seen);
    }

    /** {@code text} without its markers, whitespace before a removed marker removed with it. */
    public static String strip(String text) {
        return retain(text, n -> false);
    }

    /**
     * Rewrites the markers to keep only the numbers {@code keep} accepts; a marker left with none is
     * removed together with the whitespace before it ("Paris [9]." becomes "Paris.").
     */
    public static String retain(String text, IntPredicate keep) {
        StringBuilder sb = new StringBuilder(text.length());
        int last = 0;
        for (Marker m : find(text)) {
            sb.append(text, last, m.start());
            List<Integer> kept = m.numbers().stream().filter(keep::test).toList();
            if (kept.isEmpty()) {
                while (!sb.isEmpty() && (sb.charAt(sb.length() - 1) == ' ' || sb.charAt(sb.length() - 1) == '\t')) sb.setLength(sb.length() - 1);
            } else if (kept.size() == m.numbers().size()) {
                sb.append(text, m.start(), m.end());
            } else {
                sb.append('[').append(String.join(", ", kept.stream().map(String::valueOf).toList())).append(']');
            }
            last = m.end();
        }
        return sb.append(text, last, text.length()).toString();
    }
}
