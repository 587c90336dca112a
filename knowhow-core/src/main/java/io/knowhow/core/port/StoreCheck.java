package io.knowhow.core.port;

import java.util.List;
import java.util.Objects;

/**
 * What checking a store's files found: {@code knowhow check}'s report.
 *
 * @param ok        true when no problem was found
 * @param segments  parts the store is made of (Lucene segments); 0 for a store without such parts
 * @param documents entries the store holds (chunks, manifest entries, history)
 * @param problems  one message per problem, each naming the damaged file or part and what is wrong
 */
public record StoreCheck(boolean ok, int segments, long documents, List<String> problems) {
    public StoreCheck {
        problems = List.copyOf(Objects.requireNonNull(problems, "problems"));
        if (ok != problems.isEmpty())
            throw new IllegalArgumentException("a check is ok exactly when it found no problem, got ok=" + ok + " with " + problems);
    }
}
