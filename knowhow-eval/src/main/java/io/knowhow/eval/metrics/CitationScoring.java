package io.knowhow.eval.metrics;

import java.util.OptionalDouble;
import java.util.Set;

/**
 * Citation precision and recall of one answer against the sources that hold its answer: precision is the share
 * of the distinct cited sources that are relevant (undefined when nothing is cited), recall the share of the
 * relevant sources cited (0 when nothing is cited).
 */
public final class CitationScoring {
    private CitationScoring() {}

    public static OptionalDouble precision(Set<String> cited, Set<String> relevant) {
        if (cited.isEmpty()) return OptionalDouble.empty();
        long hit = cited.stream().filter(relevant::contains).count();
        return OptionalDouble.of((double) hit / cited.size());
    }

    public static OptionalDouble recall(Set<String> cited, Set<String> relevant) {
        if (relevant.isEmpty()) return OptionalDouble.empty();
        long hit = relevant.stream().filter(cited::contains).count();
        return OptionalDouble.of((double) hit / relevant.size());
    }
}
