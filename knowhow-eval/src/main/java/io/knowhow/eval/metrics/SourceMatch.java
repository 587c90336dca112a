package io.knowhow.eval.metrics;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Matches the file names or paths a QA file gives as {@code sources} to stored source keys (absolute paths):
 * a stored source matches a given name when it equals it or ends with it at a path-component boundary, so
 * {@code pricing.md} matches {@code /home/ada/docs/pricing.md} but not {@code /home/ada/docs/old-pricing.md}.
 */
public final class SourceMatch {
    private SourceMatch() {}

    public static boolean matches(String storedSource, String given) {
        String s = storedSource.replace('\\', '/');
        String g = given.replace('\\', '/');
        while (g.startsWith("./")) g = g.substring(2);
        if (g.isEmpty()) return false;
        return s.equals(g) || s.endsWith("/" + g);
    }

    /** The stored sources that any given name matches, in stored order. */
    public static Set<String> resolve(Collection<String> stored, List<String> given) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : stored) for (String g : given) if (matches(s, g)) out.add(s);
        return out;
    }

    /** The given names that match no stored source (reported, so a typo does not pass as a retrieval miss). */
    public static List<String> unmatched(Collection<String> stored, List<String> given) {
        return given.stream().filter(g -> stored.stream().noneMatch(s -> matches(s, g))).toList();
    }
}
