package io.knowhow.core.model;

import java.util.Set;

/**
 * Restricts a search. Every part must match: a chunk passes when its source is one of {@code sources}
 * (any source when empty), it carries at least one of {@code tags} (any when empty), and
 * {@code reader} may read it. Stores apply the filter inside the query, never after it, so top-K is
 * never emptied by a late filter and a restricted chunk never leaves the store for the wrong reader.
 */
public record Filter(Set<String> sources, Set<String> tags, Reader reader) {
    /** No restriction at all, access groups included: for maintenance and tests, not for user requests. */
    public static final Filter NONE = new Filter(Set.of(), Set.of(), Reader.unrestricted());

    public Filter {
        sources = Set.copyOf(sources == null ? Set.of() : sources);
        tags = Set.copyOf(tags == null ? Set.of() : tags);
        reader = reader == null ? Reader.anonymous() : reader;
    }

    /** Everything {@code reader} may read. */
    public static Filter readableBy(Reader reader) {
        return new Filter(Set.of(), Set.of(), reader);
    }

    public boolean isEmpty() {
        return sources.isEmpty() && tags.isEmpty() && reader.seesAll();
    }

    /** Whether a chunk passes this filter; stores use it for checks outside a query, tests as the reference. */
    public boolean matches(Chunk chunk) {
        return (sources.isEmpty() || sources.contains(chunk.source()))
                && (tags.isEmpty() || chunk.tags().stream().anyMatch(tags::contains))
                && reader.mayRead(chunk.accessGroups());
    }

    public Filter withReader(Reader newReader) {
        return new Filter(sources, tags, newReader);
    }
}
