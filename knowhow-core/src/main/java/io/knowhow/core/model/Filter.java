package io.knowhow.core.model;

import java.util.Set;

/**
 * Restricts a search. Every non-empty set must match: a chunk passes when its source is one of
 * {@code sources}, it carries at least one of {@code tags}, and it is readable by one of
 * {@code readerGroups} (a chunk with no access groups is readable by everyone). Stores apply the filter
 * inside the query, never after it, so top-K is never emptied by a late filter.
 */
public record Filter(Set<String> sources, Set<String> tags, Set<String> readerGroups) {
    public static final Filter NONE = new Filter(Set.of(), Set.of(), Set.of());

    public Filter {
        sources = Set.copyOf(sources == null ? Set.of() : sources);
        tags = Set.copyOf(tags == null ? Set.of() : tags);
        readerGroups = Set.copyOf(readerGroups == null ? Set.of() : readerGroups);
    }

    public boolean isEmpty() {
        return sources.isEmpty() && tags.isEmpty() && readerGroups.isEmpty();
    }
}
